// Each quick fix is one edit that changes only what it must; "Extend context to…" applies a plan.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diagnosticsWhere, openFixture, positionOf, restore } from './helpers';
import { waitUntil } from './util';

const TITLES: Record<string, RegExp> = {
  'v4.legacy-type': /^Rename `type` to `rope_type`$/,
  'rope.yarn-no-orig': /^Add original_max_position_embeddings/,
  'lens.max-vs-scaling': /^Set max_position_embeddings to/,
  'rope.factor-mismatch': /^Set max_position_embeddings to/,
  'lens.theta-default': /^Set rope_theta explicitly/,
};

/** Our quick fix for the diagnostic `code` (asked for at its range, picked by title: the diagnostics
 * attached to actions do not survive the command round trip intact). */
async function quickFix(doc: vscode.TextDocument, code: string): Promise<vscode.CodeAction> {
  // Polled: right after another test restores the file, the markers are those of an older version until
  // the debounced refresh lands, and the lightbulb would ask at a stale range.
  return waitUntil(`a quick fix for ${code}`, async () => {
    const ds = await diagnosticsWhere(doc.uri, `diagnostic ${code}`, (x) => x.some((d) => d.code === code));
    const d = ds.find((x) => x.code === code)!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
    return actions.find((a) => TITLES[code]!.test(a.title) && a.edit);
  });
}

/** Applies the fix for `code`, returns the new text, then puts the file back. */
async function applyFix(rel: string, code: string): Promise<{ before: string; after: string; title: string }> {
  const doc = await openFixture(rel);
  const before = doc.getText();
  try {
    const fix = await quickFix(doc, code);
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    return { before, after: doc.getText(), title: fix.title };
  } finally {
    await restore(doc, before);
  }
}

suite('code actions', () => {
  test('rename legacy type → rope_type touches only the key', async () => {
    const { before, after, title } = await applyFix('broken/config.json', 'v4.legacy-type');
    assert.match(title, /rope_type/);
    assert.equal(after, before.replace('"type": "yarn"', '"rope_type": "yarn"'));
  });

  test('add the missing original_max_position_embeddings', async () => {
    const { after } = await applyFix('broken/config.json', 'rope.yarn-no-orig');
    assert.match(after, /"factor": 4\.0,\s*\n\s*"original_max_position_embeddings": 4096\s*\n\s*}/);
  });

  test('set max_position_embeddings that disagrees with the scaling', async () => {
    const llama3 = await applyFix('llama3/config.json', 'lens.max-vs-scaling');
    assert.equal(llama3.after, llama3.before.replace('"max_position_embeddings": 32768', '"max_position_embeddings": 65536'));
    const yarn = await applyFix('yarn/config.json', 'rope.factor-mismatch');
    assert.equal(yarn.after, yarn.before.replace('"max_position_embeddings": 8192', '"max_position_embeddings": 16384'));
  });

  test('set rope_theta explicitly as a float', async () => {
    const { after } = await applyFix('broken/config.json', 'lens.theta-default');
    assert.match(after, /"rope_theta": 10000\.0/);
    assert.equal(JSON.parse(after).rope_theta, 10000);
  });

  test('one undo reverts a fix', async () => {
    const doc = await openFixture('llama3/config.json');
    const before = doc.getText();
    try {
      const fix = await quickFix(doc, 'lens.max-vs-scaling');
      await vscode.window.showTextDocument(doc);
      assert.ok(await vscode.workspace.applyEdit(fix.edit!));
      assert.notEqual(doc.getText(), before);
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), before);
    } finally {
      await restore(doc, before);
    }
  });

  test('"Extend context to…" is offered on RoPE keys and applies a plan', async () => {
    const doc = await openFixture('config.json');
    const before = doc.getText();
    try {
      const pos = positionOf(doc, '"rope_theta"');
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(pos, pos));
      const extend = actions.find((a) => a.title === 'Extend context to…');
      assert.ok(extend?.command, `not offered; got ${actions.map((a) => a.title).join(', ')}`);
      // The action's command with the prompts answered as arguments: 16384 tokens by YaRN.
      const [uri, , , index] = extend.command.arguments ?? [];
      const r = await vscode.commands.executeCommand<{ applied: boolean }>(extend.command.command, uri, 16384, 'yarn', index);
      assert.ok(r.applied);
      const cfg = JSON.parse(doc.getText());
      assert.deepEqual(cfg.rope_scaling, { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 4096 });
      assert.equal(cfg.max_position_embeddings, 16384);
      assert.match(doc.getText(), /"factor": 4\.0/);
    } finally {
      await restore(doc, before);
    }
  });
});
