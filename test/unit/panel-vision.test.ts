// The panel's data for 2D and multimodal encodings: ViT (learned grid), MAE (2D sin-cos), Qwen2-VL M-RoPE
// (contiguous sections) and Qwen3-VL (interleaved), from the shared corpus when present, else own fixtures.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { panelData } from '../../src/extension/panelData';
import type { AnalyzeParams, PanelData } from '../../src/protocol';

const FIX = join(__dirname, '..', 'fixtures', 'configs');
const SHARED = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'configs');

function text(shared: string | null, fixture: string): string {
  const p = shared && existsSync(join(SHARED, shared)) ? join(SHARED, shared) : join(FIX, fixture);
  return readFileSync(p, 'utf8');
}

function data(src: string, target: number | null = null): PanelData {
  const p: AnalyzeParams = { target, methods: ['current'], layer: null, seqLen: null };
  return panelData(src, { name: 'config.json', version: 1 }, p);
}

describe('panel data: patch grids', () => {
  const vit = text('vit_base_patch16_224_in21k.json', 'vit_patch16.json');

  it('ViT: a learned 14×14 grid with a class token; by default resized to 384 px (24×24)', () => {
    const d = data(vit);
    assert.equal(d.kind, 'patch_grid');
    assert.deepEqual(d.vision, {
      table: 'learned', modelType: 'vit', imageSize: 224, patchSize: 16, grid: 14, hasCls: true, dim: 768,
      targetImageSize: 384, targetGrid: 24, problem: null,
    });
    assert.equal(d.mrope, null);
  });

  it('an explicit target counts positions: 577 → 24×24, 197 → the trained grid, 50 → 7×7, huge → capped at 64', () => {
    assert.equal(data(vit, 577).vision!.targetGrid, 24);
    assert.equal(data(vit, 578).vision!.targetGrid, 24);
    assert.equal(data(vit, 197).vision!.targetGrid, 14);
    assert.equal(data(vit, 50).vision!.targetGrid, 7);
    assert.equal(data(vit, 50).vision!.targetImageSize, 112);
    assert.equal(data(vit, 1_000_000).vision!.targetGrid, 64);
  });

  it('MAE (vit_mae): the fixed 2D sin-cos table', () => {
    const d = data(readFileSync(join(FIX, 'vit_mae_base.json'), 'utf8'));
    assert.equal(d.vision!.table, 'sincos');
    assert.equal(d.vision!.grid, 14);
    assert.equal(d.vision!.dim, 768);
    assert.equal(d.vision!.problem, null);
  });

  it('MAE with a width that is not a multiple of 4 says why there is no table', () => {
    const src = readFileSync(join(FIX, 'vit_mae_base.json'), 'utf8').replace('"hidden_size": 768', '"hidden_size": 770');
    assert.match(data(src).vision!.problem!, /770 is not a multiple of 4/);
  });

  it('a RoPE text model has neither', () => {
    const d = data(readFileSync(join(FIX, 'llama_jsonc.json'), 'utf8'));
    assert.equal(d.vision, null);
    assert.equal(d.mrope, null);
  });
});

describe('panel data: M-RoPE', () => {
  it('Qwen2-VL: [16, 24, 24] over 64 pairs, and a 1024² image is 35×35 tokens whose ids advance by 35', () => {
    const d = data(text('qwen2_vl_7b_olmocr.json', 'qwen2_vl_mrope.json'));
    const m = d.mrope!;
    assert.deepEqual(m.sections, [16, 24, 24]);
    assert.equal(m.interleaved, false);
    assert.equal(m.problem, null);
    assert.equal(m.axes!.join(''), 't'.repeat(16) + 'h'.repeat(24) + 'w'.repeat(24));
    assert.deepEqual(m.invFreq, d.series[0]!.invFreq);
    assert.deepEqual(m.example, { imagePixels: [1024, 1024], resized: [980, 980], grid: { t: 1, h: 35, w: 35 }, textBefore: 16, nextText: 51 });
    assert.equal(d.vision, null, 'Qwen2-VL has no ViT position table (its vision tower uses 2D RoPE)');
  });

  it('Qwen3-VL (nested text_config, interleaved, 16-px patches): T H W interleaving, 31×31 tokens', () => {
    const m = data(readFileSync(join(FIX, 'qwen3_vl_interleaved.json'), 'utf8')).mrope!;
    assert.equal(m.interleaved, true);
    assert.equal(m.axes!.slice(0, 9).join(''), 'thwthwthw');
    assert.deepEqual(m.example!.grid, { t: 1, h: 31, w: 31 });
  });

  it('sections that do not sum to the pairs are reported, with no axes', () => {
    const src = text('qwen2_vl_7b_olmocr.json', 'qwen2_vl_mrope.json').replace(/16,\s*24,\s*24/, '16, 24, 16');
    const m = data(src).mrope!;
    assert.equal(m.axes, null);
    assert.match(m.problem!, /sums to 56/);
  });
});
