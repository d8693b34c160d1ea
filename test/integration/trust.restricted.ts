// Restricted Mode: in an untrusted folder hovers, diagnostics, quick fixes and the read-only views work, and
// the workspace's own values of the restricted settings (package.json restrictedConfigurations) are ignored.
// Runs only in the harness's second run (Workspace Trust on, folder untrusted, workspace settings written by
// scripts/harness/generatedWorkspaces.mjs); trust.test.ts is the same check's control in a trusted folder.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { LABELLED_CONFIG, PARAMS_FILE } from '../../scripts/harness/generatedWorkspaces.mjs';
import { GGUF_TYPE } from '../../src/core/formats/gguf';
import { GgufBuilder } from '../unit/helpers/binaryWriters';
import { diagnosticsWhere, EXTENSION_ID, fixtureUri, hoverAt, inBinaryView, openFixture, ours, restore } from './helpers';
import { waitUntil } from './util';

const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('positionEncodingLens');
/** The link our hover always ends with (other hovers, e.g. the JSON schema's, never have it). */
const OUR_HOVER = 'command:pelens.analyze';
const codes = (ds: vscode.Diagnostic[]): string[] => ds.map((d) => String(d.code)).sort();

/** The settings file the untrusted repository carries (written by the harness), read as a file. */
function workspaceSettings(): Record<string, unknown> {
  return JSON.parse(readFileSync(fixtureUri('.vscode/settings.json').fsPath, 'utf8')) as Record<string, unknown>;
}

suite('restricted mode (untrusted workspace)', () => {
  suiteSetup(() => {
    // Everything below proves something only if VS Code really restricted this workspace.
    assert.equal(vscode.workspace.isTrusted, false, 'the workspace is trusted: this run must have Workspace Trust on');
  });

  teardown(async () => {
    await settings().update('extraGlobs', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the extension activates in the untrusted folder', async () => {
    await openFixture('llama3/config.json');
    assert.equal(vscode.workspace.isTrusted, false);
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
  });

  test('hovers answer', async () => {
    const doc = await openFixture('llama3/config.json');
    const md = await hoverAt(doc, '"max_position_embeddings"');
    assert.match(md, /claimed context \| 32,768/);
    assert.match(md, /trained context \| 8,192/);
  });

  test('diagnostics appear on the exact keys', async () => {
    const doc = await openFixture('broken/config.json');
    const ds = await diagnosticsWhere(doc.uri, 'the legacy-type diagnostic', (x) => codes(x).includes('v4.legacy-type'));
    assert.deepEqual(codes(ds), ['lens.theta-default', 'llamacpp.yarn-keys', 'rope.yarn-no-orig', 'v4.legacy-type', 'vllm.yarn-no-orig']);
    assert.equal(doc.getText(ds.find((d) => d.code === 'v4.legacy-type')!.range), '"type"');
  });

  test("the workspace's extraGlobs is ignored, the user's applies", async () => {
    // The repository does set it ...
    assert.deepEqual(workspaceSettings()['positionEncodingLens.extraGlobs'], ['**/*.params.json']);
    // ... and VS Code hides it from reads (inspect included), because package.json declares it restricted.
    assert.deepEqual(settings().get('extraGlobs'), []);
    assert.equal(settings().inspect('extraGlobs')?.workspaceValue, undefined);
    const params = await openFixture(PARAMS_FILE);
    assert.ok(!(await hoverAt(params, '"rope_theta"')).includes(OUR_HOVER), 'a file matched only by the workspace glob got our hover');
    // Opened after it, so once this one has its findings the params file has had its turn.
    const broken = await openFixture('broken/config.json');
    await diagnosticsWhere(broken.uri, 'findings on a built-in config', (x) => x.length > 0);
    assert.deepEqual(ours(params.uri), []);

    // Control: the same glob from the user's settings is honoured, so the setting itself works.
    await settings().update('extraGlobs', ['**/*.params.json'], vscode.ConfigurationTarget.Global);
    await diagnosticsWhere(params.uri, 'findings on the params file matched by the user glob', (x) => codes(x).includes('v4.legacy-type'));
    assert.ok((await hoverAt(params, '"rope_theta"')).includes(OUR_HOVER));
  });

  test("the workspace's maxFileSizeKB is ignored (a config over 1 KB is analysed)", async () => {
    assert.equal(workspaceSettings()['positionEncodingLens.maxFileSizeKB'], 1);
    assert.equal(settings().get('maxFileSizeKB'), 2048);
    const doc = await openFixture(LABELLED_CONFIG);
    assert.ok(doc.getText().length > 1024, 'the labelled config must be over the workspace limit');
    assert.ok((await hoverAt(doc, '"rope_theta"')).includes(OUR_HOVER), 'the workspace size limit was applied');
    const broken = await openFixture('broken/config.json');
    await diagnosticsWhere(broken.uri, 'findings on a later config', (x) => x.length > 0);
    assert.ok(!codes(ours(doc.uri)).includes('file.too-large'));
  });

  test('a quick fix is an ordinary VS Code edit: applied, then undone', async () => {
    const doc = await openFixture('broken/config.json');
    const before = doc.getText();
    const action = await waitUntil('the rename-type quick fix', async () => {
      const ds = await diagnosticsWhere(doc.uri, 'the legacy-type diagnostic', (x) => codes(x).includes('v4.legacy-type'));
      const d = ds.find((x) => x.code === 'v4.legacy-type')!;
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
      return actions.find((a) => /rope_type/.test(a.title) && a.edit);
    });
    try {
      await vscode.window.showTextDocument(doc);
      assert.ok(await vscode.workspace.applyEdit(action.edit!));
      assert.equal(doc.getText(), before.replace('"type": "yarn"', '"rope_type": "yarn"'));
      assert.ok(doc.isDirty);
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), before);
    } finally {
      // Whatever happened, leave no dirty editor behind for the teardown to ask about.
      await restore(doc, before);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  test('the read-only views open: model-file header view, report, panel', async () => {
    const uri = fixtureUri('restricted-test.gguf');
    await inBinaryView(uri, new GgufBuilder()
      .str('general.architecture', 'llama').u32('llama.context_length', 8192).u32('llama.embedding_length', 4096)
      .u32('llama.attention.head_count', 32).f32('llama.rope.freq_base', 500000)
      .arr('tokenizer.ggml.tokens', GGUF_TYPE.STRING, ['a']).build());
    const r = await vscode.commands.executeCommand<{ uri: string; markdown: string }>('pelens.analyze', fixtureUri('llama3/config.json').toString());
    assert.match(r.markdown, /llama3 × 8/);
    await waitUntil('the report to open', () => vscode.workspace.textDocuments.some((d) => d.uri.toString() === r.uri));
    assert.equal(await vscode.commands.executeCommand('pelens.showPanel', fixtureUri('llama3/config.json').toString()), 'panel');
  });
});
