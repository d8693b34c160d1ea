// The learned-position charts in headless Chromium: a GPT-2-like table written to a .safetensors by the test,
// read by the extension's own host code (LearnedTables), sent base64-encoded, checked and drawn by the
// webview, its similarity computed with ORT; and a config.json whose weights are read only when asked.
// Run: flock /tmp/pelens-chromium.lock node --import tsx --test test/browser/panel-learned.test.ts
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { LearnedTables } from '../../src/extension/panelLearned';
import { panelData } from '../../src/extension/panelData';
import type { AnalyzeParams, LearnedParams } from '../../src/protocol';
import { buildSafetensors, f32Bytes } from '../unit/helpers/binaryWriters';
import { inkOf, type Answers } from './harness';
import { openPanel, panelSuite, type Session } from './session';

const ROOT = path.resolve(__dirname, '..', '..');
const RESULTS = path.join(ROOT, 'test-results');
const N_POSITIONS = 1024;
const N_EMBD = 768;

/**
 * A plausible GPT-2 wpe: each dimension a slow sinusoid of the position (periods 32…8192 tokens, random
 * phase and amplitude), small noise, and a position 0 unlike the rest, as GPT-2's own table has.
 */
function gpt2LikeTable(): number[] {
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const dims = Array.from({ length: N_EMBD }, () => ({ period: 32 * 256 ** rand(), phase: 2 * Math.PI * rand(), amp: 0.02 + 0.1 * rand() }));
  const out: number[] = [];
  for (let p = 0; p < N_POSITIONS; p++) {
    for (const d of dims) out.push(d.amp * Math.sin((2 * Math.PI * p) / d.period + d.phase) * (p === 0 ? -3 : 1) + 0.01 * (rand() - 0.5));
  }
  return out;
}

const suite = panelSuite();
const dir = mkdtempSync(path.join(tmpdir(), 'pelens-learned-browser-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function open(name: string, answers: Answers): Promise<Session> {
  return openPanel(suite, { name, text: '' }, { answers, viewport: { width: 520, height: 1400 } });
}

function assertClean(s: Session): void {
  assert.deepEqual(s.csp, [], 'no CSP violations');
  assert.deepEqual(s.errors, [], 'no console errors');
  assert.deepEqual(s.outside, [], 'no requests outside the served origin');
  assert.deepEqual(s.host.rejected, [], 'every webview message passes the validator');
  assert.deepEqual(s.host.logs.filter((l) => !l.startsWith('info')), [], 'no warnings or errors logged by the webview');
}

async function assertInk(s: Session, ids: string[]): Promise<void> {
  for (const id of ids) {
    const ink = await inkOf(s.page, `#${id}`);
    assert.ok(ink.length > 0, `#${id} has a canvas`);
    assert.ok(ink.every((v) => v > 1000), `#${id} canvas is drawn (ink ${ink.join(',')})`);
  }
}

test('an opened GPT-2-like .safetensors: heatmap and similarity of its wpe, drawn from the file', { timeout: 120_000 }, async () => {
  const file = path.join(dir, 'gpt2-like.safetensors');
  writeFileSync(file, buildSafetensors([{ name: 'transformer.wpe.weight', dtype: 'F32', shape: [N_POSITIONS, N_EMBD], data: f32Bytes(gpt2LikeTable()) }]));
  const tables = new LearnedTables();
  const doc = { name: 'gpt2-like.safetensors', version: 1 };
  const s = await open(doc.name, { analyze: (p) => tables.binaryPanelData(file, doc, p as AnalyzeParams) });
  try {
    await assertInk(s, ['learned-table', 'learned-similarity']);
    const t = s.host.lastData!.learned!.table!;
    const r = s.host.rendered[0]!;
    console.log(`${t.name}: ${t.rowsUsed}×${t.dim} ${t.dtype} read in ${t.readMs.toFixed(1)} ms, ${(t.data.length / 1048576).toFixed(2)} MB base64 (${t.data.length} chars); first render ${r.ms.toFixed(0)} ms, ORT ${r.computeMs.toFixed(0)} ms, phases ${JSON.stringify(r.phases)}`);
    const desc = (await s.page.locator('#learned-table').textContent()) ?? '';
    assert.match(desc, /transformer\.wpe\.weight \(F32, 1024 × 768\)/);
    assert.match(desc, /all 1024 positions/);
    // The diagonal (similarity 1) is deep red; two far-apart positions are much less alike: the picture is the table's own.
    const green = await s.page.evaluate(`(() => {
      const c = document.querySelector('#learned-similarity canvas');
      const dpr = devicePixelRatio, side = c.width / dpr - 44;
      const g = (fx, fy) => c.getContext('2d').getImageData(Math.round((40 + side * fx) * dpr), Math.round((6 + side * fy) * dpr), 1, 1).data[1];
      return { diag: g(0.5, 0.5), far: g(0.05, 0.95) };
    })()`) as { diag: number; far: number };
    assert.ok(green.diag < 60 && green.far > green.diag + 60, `similarity colours ${JSON.stringify(green)}`);
    mkdirSync(RESULTS, { recursive: true });
    await s.page.screenshot({ path: path.join(RESULTS, 'panel-learned.png'), fullPage: true });

    // A target change asks again: the webview says which table it holds, so the reply leaves the 4 MB out
    // and the cards are drawn from the held table.
    const field = s.page.locator('vscode-text-field[data-control="Target length"] input');
    await field.fill('2048');
    const next = s.host.nextRendered();
    await field.press('Enter');
    await next;
    assert.equal(s.host.lastData!.target, 2048);
    assert.equal(s.host.lastData!.learned!.table!.data, '', 'the second reply carries no table data');
    await assertInk(s, ['learned-table', 'learned-similarity']);
    assertClean(s);
  } finally {
    await s.close();
  }
});

test('a config.json beside model.safetensors: the table is read only when the user asks', { timeout: 120_000 }, async () => {
  const folder = path.join(dir, 'gpt2');
  mkdirSync(folder);
  const config = JSON.stringify({ model_type: 'gpt2', n_positions: N_POSITIONS, n_embd: N_EMBD, n_head: 12, n_layer: 12 });
  writeFileSync(path.join(folder, 'config.json'), config);
  writeFileSync(path.join(folder, 'model.safetensors'), buildSafetensors([{ name: 'wpe.weight', dtype: 'F32', shape: [N_POSITIONS, N_EMBD], data: f32Bytes(gpt2LikeTable()) }]));
  const tables = new LearnedTables();
  const cfg = path.join(folder, 'config.json');
  let loads = 0;
  const s = await open('config.json', {
    analyze: async (p) => {
      const d = panelData(config, { name: 'config.json', version: 1 }, p as AnalyzeParams);
      await tables.attach(cfg, d);
      return d;
    },
    learned: (p) => {
      loads++;
      return tables.load(cfg, (p as LearnedParams).layer);
    },
  });
  try {
    assert.equal(loads, 0, 'nothing read before the click');
    assert.equal(s.host.lastData!.learned?.table, null);
    assert.equal(await s.page.locator('#learned-similarity').count(), 0);
    const next = s.host.nextRendered();
    await s.page.locator('#learned-table vscode-button[data-control^="Read"]').click();
    await next;
    assert.equal(loads, 1);
    await assertInk(s, ['learned-table', 'learned-similarity']);
    assertClean(s);
  } finally {
    await s.close();
  }
});

test('a ViT config beside its weights: the read table feeds the patch-grid cards too', { timeout: 120_000 }, async () => {
  const folder = path.join(dir, 'vit');
  mkdirSync(folder);
  const config = JSON.stringify({ model_type: 'vit', image_size: 224, patch_size: 16, hidden_size: 32, num_attention_heads: 4, num_hidden_layers: 1 });
  writeFileSync(path.join(folder, 'config.json'), config);
  // 1 class token + 14×14 patches, each patch a smooth function of its row and column (as trained ViT tables are).
  const grid: number[] = Array.from({ length: 32 }, (_, k) => Math.cos(k));
  for (let r = 0; r < 14; r++) for (let c = 0; c < 14; c++) for (let k = 0; k < 32; k++) grid.push(Math.sin(((k < 16 ? r : c) + 1) * (1 + (k % 16)) / 9));
  writeFileSync(path.join(folder, 'model.safetensors'), buildSafetensors([{ name: 'vit.embeddings.position_embeddings', dtype: 'F32', shape: [1, 197, 32], data: f32Bytes(grid) }]));
  const tables = new LearnedTables();
  const cfg = path.join(folder, 'config.json');
  const s = await open('config.json', {
    analyze: async (p) => {
      const d = panelData(config, { name: 'config.json', version: 1 }, p as AnalyzeParams);
      await tables.attach(cfg, d);
      return d;
    },
    learned: (p) => tables.load(cfg, (p as LearnedParams).layer),
  });
  try {
    assert.equal(s.host.lastData!.kind, 'patch_grid');
    const next = s.host.nextRendered();
    await s.page.locator('#learned-table vscode-button[data-control^="Read"]').click();
    await next;
    assert.equal(s.host.lastData!.learned?.table?.kind, 'vit');
    await assertInk(s, ['learned-table', 'learned-similarity', 'vision-similarity']);
    assert.match((await s.page.locator('#vision-similarity').textContent()) ?? '', /learned weights/); // not the sin-cos stand-in
    await s.page.screenshot({ path: path.join(RESULTS, 'panel-learned-vit.png'), fullPage: true });
    assertClean(s);
  } finally {
    await s.close();
  }
});
