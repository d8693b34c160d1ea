// The panel's 2D and multimodal cards in headless Chromium (real HTML and CSP, the extension's own request
// handler): MAE's sin-cos similarity and its interpolation, a learned ViT grid's bicubic stencil, and
// Qwen2-VL's M-RoPE sections. Screenshots go to test-results/ for a look.
// Run: flock /tmp/pelens-chromium.lock node --import tsx --test test/browser/panel-vision.test.ts
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { panelData } from '../../src/extension/panelData';
import { LearnedTables } from '../../src/extension/panelLearned';
import type { AnalyzeParams, LearnedParams } from '../../src/protocol';
import { buildSafetensors, f32Bytes } from '../unit/helpers/binaryWriters';
import { applyTheme, type Answers } from './harness';
import { assertDrawn, openPanel, panelSuite, type Session } from './session';

const ROOT = path.resolve(__dirname, '..', '..');
const SHARED = path.resolve(ROOT, '..', 'shared', 'corpus', 'configs');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'configs');
const RESULTS = path.join(ROOT, 'test-results');

function config(shared: string | null, fixture: string): { name: string; text: string } {
  const p = shared && existsSync(path.join(SHARED, shared)) ? path.join(SHARED, shared) : path.join(FIXTURES, fixture);
  return { name: path.basename(p), text: readFileSync(p, 'utf8') };
}

const suite = panelSuite();
const dir = mkdtempSync(path.join(tmpdir(), 'pelens-vision-browser-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function open(cfg: { name: string; text: string }, answers: Answers = {}): Promise<Session> {
  return openPanel(suite, cfg, { answers, viewport: { width: 520, height: 1600 } });
}

async function assertDrawnIn(s: Session, ids: string[]): Promise<void> {
  await assertDrawn(s.page, ids);
}

function assertClean(s: Session): void {
  assert.deepEqual(s.csp, [], 'no CSP violations');
  assert.deepEqual(s.errors, [], 'no console errors');
  assert.deepEqual(s.host.rejected, [], 'every webview message passes the validator');
  assert.deepEqual(s.host.logs.filter((l) => l.startsWith('error')), [], 'no errors logged by the webview');
}

async function csv(s: Session, cardId: string): Promise<number[][]> {
  const n = s.host.exports.length;
  await s.page.locator(`#${cardId} vscode-button[data-control$="CSV"]`).click();
  for (let i = 0; i < 100 && s.host.exports.length === n; i++) await new Promise((r) => setTimeout(r, 50));
  const e = s.host.exports[n];
  assert.ok(e, `CSV from #${cardId}`);
  return e.data.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
}

const note = async (s: Session, id: string): Promise<string> => (await s.page.locator(`#${id} .note`).textContent()) ?? '';

test('MAE: sin-cos similarity mosaic, interpolation to 384 px and the stencil draw; clicks and arrows pick a patch', { timeout: 120_000 }, async () => {
  const s = await open(config(null, 'vit_mae_base.json'));
  try {
    await assertDrawnIn(s, ['vision-similarity', 'vision-interpolation', 'vision-stencil']);
    const first = s.host.rendered[0]!;
    console.log(`MAE first render ${first.ms.toFixed(0)} ms (phases ${JSON.stringify(first.phases, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))})`);
    assert.match(await note(s, 'vision-similarity'), /Picked patch \(4, 4\)/);
    assert.match(await note(s, 'vision-interpolation'), /RMS error [\d.e-]+, worst/);
    // The stencil's 1-D taps: 24 new indices, four weights summing to 1 each.
    const taps = await csv(s, 'vision-stencil');
    assert.equal(taps.length, 24);
    for (const r of taps) assert.ok(Math.abs(r[3]! + r[5]! + r[7]! + r[9]! - 1) < 1e-9, `weights of ${r[0]}`);
    mkdirSync(RESULTS, { recursive: true });
    await s.page.screenshot({ path: path.join(RESULTS, 'panel-vision-mae.png'), fullPage: true });
    for (const id of ['vision-similarity', 'vision-interpolation', 'vision-stencil']) await s.page.locator(`#${id}`).screenshot({ path: path.join(RESULTS, `panel-${id}.png`) });

    // Click the mosaic's bottom-right thumbnail: patch (13, 13).
    const box = (await s.page.locator('#vision-similarity canvas').boundingBox())!;
    await s.page.mouse.click(box.x + box.width - 3, box.y + box.height - 3);
    assert.match(await note(s, 'vision-similarity'), /Picked patch \(13, 13\)/);
    assert.match(await note(s, 'vision-stencil'), /New patch \(23, 23\)/);
    await s.page.locator('#vision-stencil canvas').focus();
    await s.page.keyboard.press('ArrowUp');
    assert.match(await note(s, 'vision-similarity'), /Picked patch \(12, 13\)/);
    const sims = await csv(s, 'vision-similarity');
    assert.equal(sims.length, 196);
    assert.equal(sims[12 * 14 + 13]![3], 1, 'a patch is fully similar to itself');

    // A target of 1 + 32² positions resizes to 32×32.
    const field = s.page.locator('vscode-text-field[data-control="Target length"] input');
    await field.fill('1025');
    const next = s.host.nextRendered();
    await field.press('Enter');
    const r = await next;
    console.log(`MAE target change to 32×32: ${r.ms.toFixed(0)} ms (phases ${JSON.stringify(r.phases, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))})`);
    assert.match((await s.page.locator('#vision-interpolation').textContent()) ?? '', /resized to 32×32 \(1025 positions\)/);
    await assertDrawnIn(s, ['vision-similarity', 'vision-interpolation', 'vision-stencil']);
    // A theme switch redraws the cards in the new colours (from the memoised tables).
    const light = s.host.nextRendered();
    await applyTheme(s.page, 'light');
    await light;
    await assertDrawnIn(s, ['vision-similarity', 'vision-interpolation', 'vision-stencil']);
    await s.page.screenshot({ path: path.join(RESULTS, 'panel-vision-mae-light.png'), fullPage: true });
    assertClean(s);
  } finally {
    await s.close();
  }
});

test('ViT (learned, no weights loaded): only the stencil, with a pointer to the weights', { timeout: 60_000 }, async () => {
  const s = await open(config('vit_base_patch16_224_in21k.json', 'vit_patch16.json'));
  try {
    await assertDrawnIn(s, ['vision-stencil']);
    assert.equal(await s.page.locator('#vision-similarity').count(), 0);
    assert.match(await note(s, 'vision-stencil'), /No learned table loaded/);
    await s.page.screenshot({ path: path.join(RESULTS, 'panel-vision-vit.png'), fullPage: true });
    assertClean(s);
  } finally {
    await s.close();
  }
});

test('Qwen2-VL: M-RoPE sections and the example image draw beside the RoPE charts', { timeout: 120_000 }, async () => {
  const s = await open(config('qwen2_vl_7b_olmocr.json', 'qwen2_vl_mrope.json'));
  try {
    await assertDrawnIn(s, ['mrope-sections', 'mrope-image', 'wavelength']);
    assert.match(await note(s, 'mrope-sections'), /t: 0–15; h: 16–39; w: 40–63/);
    assert.match(await note(s, 'mrope-image'), /1225 image tokens .* next text token gets id 51, not 1241/);
    const rows = await csv(s, 'mrope-sections');
    assert.equal(rows.length, 64);
    assert.deepEqual(rows.map((r) => r[1]), [...Array(16).fill(0), ...Array(24).fill(1), ...Array(24).fill(2)]);
    await s.page.screenshot({ path: path.join(RESULTS, 'panel-vision-qwen2vl.png'), fullPage: true });
    for (const id of ['mrope-sections', 'mrope-image']) await s.page.locator(`#${id}`).screenshot({ path: path.join(RESULTS, `panel-${id}.png`) });
    assertClean(s);
  } finally {
    await s.close();
  }
});

test('Qwen3-VL (interleaved): every axis gets fast and slow pairs', { timeout: 120_000 }, async () => {
  const s = await open(config(null, 'qwen3_vl_interleaved.json'));
  try {
    await assertDrawnIn(s, ['mrope-sections', 'mrope-image']);
    assert.match(await note(s, 'mrope-sections'), /t: 24 pairs \(0, 3, 6, …, 63\); h: 20 pairs \(1, 4, 7, …, 58\); w: 20 pairs \(2, 5, 8, …, 59\)/);
    assert.match(await note(s, 'mrope-image'), /961 image tokens/);
    for (const id of ['mrope-sections', 'mrope-image']) await s.page.locator(`#${id}`).screenshot({ path: path.join(RESULTS, `panel-${id}-interleaved.png`) });
    assertClean(s);
  } finally {
    await s.close();
  }
});

/** A ViT-like learned grid [1, 1 + 14², 768]: smooth 2D waves per dimension with random phases, plus noise. */
function vitLikeTable(n: number, dim: number): number[] {
  let seed = 99;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const waves = Array.from({ length: dim }, () => ({ fx: 0.5 * rand(), fy: 0.5 * rand(), phase: 2 * Math.PI * rand(), amp: 0.02 + 0.05 * rand() }));
  const out = Array.from({ length: dim }, () => 0.02 * (rand() - 0.5)); // the class-token row
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) for (const w of waves) out.push(w.amp * Math.sin(w.fx * x + w.fy * y + w.phase) + 0.005 * (rand() - 0.5));
  return out;
}

test('ViT with its weights: similarity of the learned grid and its interpolation, from the file', { timeout: 120_000 }, async () => {
  const folder = path.join(dir, 'vit');
  mkdirSync(folder);
  const cfgText = readFileSync(path.join(FIXTURES, 'vit_patch16.json'), 'utf8');
  writeFileSync(path.join(folder, 'config.json'), cfgText);
  const values = vitLikeTable(14, 768);
  writeFileSync(path.join(folder, 'model.safetensors'), buildSafetensors([{ name: 'vit.embeddings.position_embeddings', dtype: 'F32', shape: [1, 197, 768], data: f32Bytes(values) }]));
  const tables = new LearnedTables();
  const cfg = path.join(folder, 'config.json');
  const s = await open({ name: 'config.json', text: cfgText }, {
    analyze: async (p) => {
      const d = panelData(cfgText, { name: 'config.json', version: 1 }, p as AnalyzeParams);
      await tables.attach(cfg, d);
      return d;
    },
    learned: (p) => tables.load(cfg, (p as LearnedParams).layer),
  });
  try {
    assert.equal(await s.page.locator('#vision-similarity').count(), 0, 'no similarity before the weights are read');
    const next = s.host.nextRendered();
    await s.page.locator('#learned-table vscode-button[data-control^="Read"]').click();
    await next;
    await assertDrawnIn(s, ['vision-similarity', 'vision-interpolation', 'vision-stencil']);
    assert.match((await s.page.locator('#vision-similarity').textContent()) ?? '', /learned weights, D = 768/);
    // The picked patch's similarities, against float64 cosines of the rows written to the file.
    const sims = await csv(s, 'vision-similarity');
    const row = (p: number): number[] => values.slice((1 + p) * 768, (2 + p) * 768).map((v) => Math.fround(v));
    const cos = (a: number[], b: number[]): number => a.reduce((t, v, i) => t + v * b[i]!, 0) / Math.hypot(...a) / Math.hypot(...b);
    const picked = 4 * 14 + 4;
    const worst = Math.max(...sims.map((r, q) => Math.abs(r[3]! - cos(row(picked), row(q)))));
    assert.ok(worst < 1e-5, `similarity error ${worst}`);
    assert.doesNotMatch(await note(s, 'vision-interpolation'), /RMS error/, 'no sin-cos comparison for learned weights');
    await s.page.screenshot({ path: path.join(RESULTS, 'panel-vision-vit-learned.png'), fullPage: true });
    assertClean(s);
  } finally {
    await s.close();
  }
});
