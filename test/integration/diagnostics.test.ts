// Findings become diagnostics on the exact key, follow edits (debounced) and the runtimes setting.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diagnosticsWhere, openFixture, ours, positionOf, restore } from './helpers';

const codes = (ds: vscode.Diagnostic[]): string[] => ds.map((d) => String(d.code)).sort();

suite('diagnostics', () => {
  teardown(async () => {
    await vscode.workspace.getConfiguration('positionEncodingLens').update('runtimes', undefined, vscode.ConfigurationTarget.Global);
  });

  test('a broken config gets its findings on the exact ranges', async () => {
    const doc = await openFixture('broken/config.json');
    const ds = await diagnosticsWhere(doc.uri, 'the legacy-type diagnostic', (x) => codes(x).includes('v4.legacy-type'));
    assert.deepEqual(codes(ds), ['lens.theta-default', 'llamacpp.yarn-keys', 'rope.yarn-no-orig', 'v4.legacy-type', 'vllm.yarn-no-orig']);
    const legacy = ds.find((d) => d.code === 'v4.legacy-type')!;
    assert.equal(doc.getText(legacy.range), '"type"');
    assert.equal(legacy.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(ds.find((d) => d.code === 'vllm.yarn-no-orig')!.severity, vscode.DiagnosticSeverity.Error);
  });

  test('the runtimes setting filters runtime findings (lens advice stays)', async () => {
    const doc = await openFixture('broken/config.json');
    await diagnosticsWhere(doc.uri, 'vllm findings', (x) => codes(x).includes('vllm.yarn-no-orig'));
    await vscode.workspace.getConfiguration('positionEncodingLens').update('runtimes', ['transformers'], vscode.ConfigurationTarget.Global);
    const ds = await diagnosticsWhere(doc.uri, 'vllm findings to go', (x) => x.length > 0 && !codes(x).includes('vllm.yarn-no-orig'));
    assert.deepEqual(codes(ds), ['lens.theta-default', 'rope.yarn-no-orig']);
  });

  test('edits update the diagnostics after the debounce', async () => {
    const doc = await openFixture('broken/config.json');
    const original = doc.getText();
    try {
      await diagnosticsWhere(doc.uri, 'initial findings', (x) => codes(x).includes('v4.legacy-type'));
      const edit = new vscode.WorkspaceEdit();
      const start = positionOf(doc, '"type"', 0);
      edit.replace(doc.uri, new vscode.Range(start, start.translate(0, 6)), '"rope_type"');
      assert.ok(await vscode.workspace.applyEdit(edit));
      await diagnosticsWhere(doc.uri, 'legacy-type to disappear', (x) => x.length > 0 && !codes(x).includes('v4.legacy-type'));
    } finally {
      await restore(doc, original);
    }
  });

  test('JSON files that are not model configs get no diagnostics', async () => {
    const tok = await openFixture('tokenizer_config.json');
    const broken = await openFixture('broken/config.json');
    await diagnosticsWhere(broken.uri, 'a model config to be analyzed', (x) => x.length > 0);
    assert.equal(ours(tok.uri).length, 0);
  });
});
