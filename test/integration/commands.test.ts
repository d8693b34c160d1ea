// Every palette command runs non-interactively when its inputs are passed as arguments.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixtureUri, openFixture, restore } from './helpers';
import { waitUntil } from './util';

interface ReportResult {
  uri: string;
  markdown: string;
}

async function reportShown(uri: string): Promise<void> {
  await waitUntil(`report ${uri} to be open`, () => vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri));
}

suite('commands', () => {
  test('analyze: a Markdown report of the config', async () => {
    const doc = await openFixture('llama3/config.json');
    const r = await vscode.commands.executeCommand<ReportResult>('pelens.analyze', doc.uri.toString());
    assert.match(r.markdown, /^# Position encoding: llama3\/config\.json/);
    assert.match(r.markdown, /llama3 × 8/);
    assert.match(r.markdown, /lens\.max-vs-scaling/);
    assert.match(r.markdown, /data:image\/svg\+xml/);
    await reportShown(r.uri);
  });

  test('analyze without arguments uses the active editor', async () => {
    await openFixture('t5/config.json');
    const r = await vscode.commands.executeCommand<ReportResult>('pelens.analyze');
    assert.match(r.markdown, /T5 relative buckets/);
  });

  test('check extrapolation to N tokens', async () => {
    const r = await vscode.commands.executeCommand<ReportResult>('pelens.checkExtrapolation', fixtureUri('config.json').toString(), 16384);
    assert.match(r.markdown, /^# Extrapolation to 16,384 tokens/);
    assert.match(r.markdown, /\*\*beyond\*\*/);
    const k = await vscode.commands.executeCommand<ReportResult>('pelens.checkExtrapolation', fixtureUri('config.json').toString(), '2k');
    assert.match(k.markdown, /\*\*within\*\*/);
  });

  test('suggest context extension applies the chosen method', async () => {
    const doc = await openFixture('config.json');
    const before = doc.getText();
    try {
      const r = await vscode.commands.executeCommand<{ applied: boolean; method: string }>('pelens.suggest', doc.uri.toString(), 32768, 'linear');
      assert.ok(r.applied);
      const cfg = JSON.parse(doc.getText());
      assert.deepEqual(cfg.rope_scaling, { rope_type: 'linear', factor: 8 });
      // Only the rope block changed: every other key is as it was.
      assert.equal(cfg.rope_theta, 10000);
      assert.equal(cfg.max_position_embeddings, 4096);
    } finally {
      await restore(doc, before);
    }
  });

  test('suggest refuses longrope without inventing factors', async () => {
    const doc = await openFixture('config.json');
    const r = await vscode.commands.executeCommand<{ applied: boolean }>('pelens.suggest', doc.uri.toString(), 32768, 'longrope');
    assert.equal(r.applied, false);
  });

  test('show encoding preview falls back to the report when there is no panel', async () => {
    const all = await vscode.commands.getCommands(true);
    const r = await vscode.commands.executeCommand<string>('pelens.showPanel', fixtureUri('config.json').toString());
    assert.equal(r, all.includes('positionEncodingLens.panel.focus') ? 'panel' : 'report');
  });

  test('compare two configs: a table of differing facts', async () => {
    const r = await vscode.commands.executeCommand<ReportResult>('pelens.compare', fixtureUri('config.json').toString(), fixtureUri('llama3/config.json').toString());
    assert.match(r.markdown, /^# Compare: config\.json ↔ llama3\/config\.json/);
    assert.match(r.markdown, /\| theta \(base\) \| 10,000 \| 500,000 \| ≠ \|/);
    assert.match(r.markdown, /\| head dim \/ rotary dim \| 128 \/ 128 \| 128 \/ 128 \|  \|/);
  });
});
