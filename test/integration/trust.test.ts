// The control for trust.restricted.ts: in a trusted folder the workspace's own values of the restricted
// settings (extraGlobs, maxFileSizeKB) do apply, so when the untrusted run sees them ignored, that is
// Restricted Mode at work and not a setting that never worked.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { labelledConfigText, PARAMS_FILE } from '../../scripts/harness/generatedWorkspaces.mjs';
import { diagnosticsWhere, fixtureUri, hoverAt, openFixture } from './helpers';

const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('positionEncodingLens');
const codes = (ds: vscode.Diagnostic[]): string[] => ds.map((d) => String(d.code)).sort();
const LEGACY_PARAMS = `${JSON.stringify({ model_type: 'llama', hidden_size: 4096, num_attention_heads: 32, max_position_embeddings: 4096, rope_scaling: { type: 'yarn', factor: 4.0 } }, null, 2)}\n`;

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(() => true, () => false);
}

suite('workspace trust (trusted folder)', () => {
  const created: vscode.Uri[] = [];
  let hadSettingsFile = true;

  suiteSetup(async () => {
    hadSettingsFile = await exists(fixtureUri('.vscode/settings.json'));
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const key of ['extraGlobs', 'maxFileSizeKB']) await settings().update(key, undefined, vscode.ConfigurationTarget.Workspace);
    for (const uri of created) await vscode.workspace.fs.delete(uri, { recursive: true });
    // Runs on the fixture folder itself under @vscode/test-cli: leave no settings file it did not have.
    if (!hadSettingsFile) await vscode.workspace.fs.delete(fixtureUri('.vscode'), { recursive: true }).then(undefined, () => undefined);
  });

  async function write(rel: string, text: string): Promise<vscode.TextDocument> {
    const uri = fixtureUri(rel);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    created.push(fixtureUri(rel.split('/')[0]!));
    return openFixture(rel);
  }

  test("the workspace's extraGlobs applies when the folder is trusted", async () => {
    assert.equal(vscode.workspace.isTrusted, true);
    const doc = await write(PARAMS_FILE, LEGACY_PARAMS);
    await settings().update('extraGlobs', ['**/*.params.json'], vscode.ConfigurationTarget.Workspace);
    await diagnosticsWhere(doc.uri, 'findings on the file the workspace glob matches', (x) => codes(x).includes('v4.legacy-type'));
    assert.match(await hoverAt(doc, '"rope_scaling"'), /command:pelens\.analyze/);
  });

  test("the workspace's maxFileSizeKB applies: a larger config gets one note and no hover", async () => {
    const doc = await write('labelled-control/config.json', labelledConfigText(100));
    assert.match(await hoverAt(doc, '"rope_theta"'), /command:pelens\.analyze/);
    await settings().update('maxFileSizeKB', 1, vscode.ConfigurationTarget.Workspace);
    const ds = await diagnosticsWhere(doc.uri, 'the too-large note', (x) => codes(x).includes('file.too-large'));
    assert.equal(ds.length, 1);
    assert.equal(ds[0]!.severity, vscode.DiagnosticSeverity.Information);
    assert.match(ds[0]!.message, /^Not analysed: 3 KB of text is over the 1 KB limit \(setting positionEncodingLens\.maxFileSizeKB\)/);
    assert.doesNotMatch(await hoverAt(doc, '"rope_theta"'), /command:pelens\.analyze/);
  });
});
