// Patch-grid cards (ViT, MAE): the similarity mosaic of the position table, the table resized as
// interpolate_pos_encoding does it, and the bicubic stencil of one resized patch. Tables come from the
// core (MAE's sin-cos, or learned weights when the panel has them); a learned grid without weights shows
// the stencil only. One picked patch links the cards: click or arrow keys.
import { interpolateGrid, sourceCoordinate, sourceScale, cubicTaps, type GridTable } from '../../src/core/vision/gridInterpolation';
import { gridSimilarity, patchSimilarity } from '../../src/core/vision/gridSimilarity';
import { sincos2dTable, sincos2dVector } from '../../src/core/vision/sincos2d';
import type uPlot from 'uplot';
import type { PanelData, VisionPanelData } from '../../src/protocol';
import { el } from '../ui';
import { drawMaps, drawMosaic, drawStencil, rangeOf, type Cell, type HitTest } from './gridCanvas';
import { fmt, type Card } from './kit';
import { drawMrope } from './mrope';

export type AddCard = (id: string, title: string, description: string) => Card;

/** Above this grid side the mosaic (n²·n² products of D values) gives way to one map: 16² patches cost ~50 ms. */
const MOSAIC_MAX = 16;

let picked: Cell | null = null;
let pickedFor = -1;

/** Tables of the last renders by what they depend on: a target change or a theme switch reuses them. */
const memo = new Map<string, unknown>();
function memoized<T>(key: string, make: () => T): T {
  if (memo.has(key)) return memo.get(key) as T;
  const v = make();
  memo.set(key, v);
  if (memo.size > 6) memo.delete(memo.keys().next().value!);
  return v;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
/** The new-grid patch whose centre samples nearest to trained patch `i`. */
const toTarget = (i: number, n: number, m: number): number => clamp(Math.round(((i + 0.5) * m) / n - 0.5), 0, m - 1);

/** Stable memo keys for learned tables: the same decoded array is the same table. */
const tableIds = new WeakMap<Float32Array, number>();
let nextTableId = 0;

/** The model's own table when the panel read one (it must be this grid), else MAE's sin-cos, else none. */
function sourceTable(v: VisionPanelData, learned: GridTable | null): { key: string; table: GridTable; learned: boolean } | null {
  const n = v.grid;
  if (learned && learned.gridH === n && learned.gridW === n) {
    if (!tableIds.has(learned.data)) tableIds.set(learned.data, nextTableId++);
    return { key: `learned:${tableIds.get(learned.data)}:${learned.dim}:${n}:${learned.cls}`, table: learned, learned: true };
  }
  if (v.table !== 'sincos' || v.dim === null || v.problem) return null;
  const key = `sincos:${v.dim}:${n}:${v.hasCls}`;
  const table = memoized(key, () => sincos2dTable(v.dim!, n, n, v.hasCls));
  return table ? { key, table, learned: false } : null;
}

/** A focusable canvas whose clicks and arrow keys move the picked patch. */
function pickCanvas(label: string, hit: () => HitTest | null, grid: number, redraw: () => void): HTMLCanvasElement {
  const canvas = el('canvas', { attrs: { role: 'img', tabindex: '0', 'aria-label': label } });
  canvas.addEventListener('click', (e) => {
    const cell = hit()?.(e.offsetX, e.offsetY);
    if (!cell) return;
    picked = { r: clamp(cell.r, 0, grid - 1), c: clamp(cell.c, 0, grid - 1) };
    redraw();
  });
  canvas.addEventListener('keydown', (e) => {
    const step: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const s = step[e.key];
    if (!s || !picked) return;
    e.preventDefault();
    picked = { r: clamp(picked.r + s[0], 0, grid - 1), c: clamp(picked.c + s[1], 0, grid - 1) };
    redraw();
  });
  return canvas;
}

/**
 * Every 2D/multimodal card for `d`: M-RoPE sections, and for a patch grid its similarity, interpolation and
 * stencil. `learned`: the model's own position table as a grid, when the panel has read one.
 */
export function drawVision(d: PanelData, width: number, add: AddCard, keep: (c: Card, p: uPlot | null) => void, learned: GridTable | null = null): void {
  drawMrope(d, width, add, keep);
  const v = d.vision;
  if (!v) return;
  const n = v.grid;
  if (pickedFor !== n || !picked) picked = { r: Math.floor(n / 3), c: Math.floor(n / 3) };
  pickedFor = n;
  const src = sourceTable(v, learned);
  const draws: (() => void)[] = [];
  const redraw = (): void => draws.forEach((f) => f());

  if (src) {
    const source = src.table;
    const what = src.learned ? 'the model\'s learned weights' : 'MAE 2D sin-cos';
    const sim = n <= MOSAIC_MAX ? memoized(`${src.key}:mosaic`, () => gridSimilarity(source)) : null;
    const c = add('vision-similarity', 'Patch position similarity', `Cosine similarity between the position vectors of the ${n}×${n} patches (${what}, D = ${source.dim})${sim ? ': thumbnail (row, column) is that patch against every patch, its colours stretched from its least (blue) to most (red) similar patch' : ''}. Click a patch or use the arrow keys to pick the one compared below.`);
    let hit: HitTest | null = null;
    const canvas = pickCanvas(`Position similarity of ${n}×${n} patches; arrow keys pick a patch`, () => hit, n, redraw);
    c.body.replaceChildren(canvas);
    c.setCanvas(() => canvas);
    draws.push(() => {
      const p = picked!;
      const row = sim ? sim.subarray((p.r * n + p.c) * n * n, (p.r * n + p.c + 1) * n * n) : patchSimilarity(source, p.r, p.c);
      hit = sim ? drawMosaic(canvas, sim, n, width, p) : drawMaps(canvas, [{ title: `patch (${p.r}, ${p.c})`, side: n, values: row, mark: p }], width, rangeOf(row));
      const idx = Float64Array.from({ length: n * n }, (_, i) => i);
      c.setData(['patch', 'row', 'column', `similarity_to_${p.r}_${p.c}`], [idx, idx.map((i) => Math.floor(i / n)), idx.map((i) => i % n), row]);
      c.note.textContent = `Picked patch (${p.r}, ${p.c}).${v.hasCls ? ' The class-token row is left out.' : ''}`;
    });
    draws.push(interpolationCard(v, src.key, source, width, add, redraw));
  }
  draws.push(stencilCard(v, width, add, redraw, !src));
  redraw();
}

function interpolationCard(v: VisionPanelData, key: string, source: GridTable, width: number, add: AddCard, redraw: () => void): () => void {
  const n = v.grid;
  const m = v.targetGrid;
  const resized = memoized(`${key}:to${m}`, () => interpolateGrid(source, m, m, 'size'));
  const fresh = key.startsWith('sincos') ? memoized(`${key}:sincos${m}`, () => sincos2dTable(source.dim, m, m, source.cls)) : null;
  const c = add('vision-interpolation', 'Grid interpolation (interpolate_pos_encoding)', `At ${v.targetImageSize} px the ${n}×${n} grid is resized to ${m}×${m} (${m * m + (v.hasCls ? 1 : 0)} positions) by torch's bicubic interpolation (A = −0.75, align_corners=False); the class-token row is kept as is. Similarity of the picked patch before and after${fresh ? ', and in the sin-cos table built for the new grid' : ''}.`);
  let hit: HitTest | null = null;
  const canvas = pickCanvas('Similarity of the picked patch before and after interpolation', () => hit, n, redraw);
  c.body.replaceChildren(canvas);
  c.setCanvas(() => canvas);
  const facts = memoized(`${key}:facts${m}`, () => interpolationFacts(v, source, resized));
  return () => {
    const p = picked!;
    const q = { r: toTarget(p.r, n, m), c: toTarget(p.c, n, m) };
    const after = patchSimilarity(resized, q.r, q.c);
    const maps = [
      { title: `trained ${n}×${n}`, side: n, values: patchSimilarity(source, p.r, p.c), mark: p },
      { title: `interpolated ${m}×${m}`, side: m, values: after, mark: q },
    ];
    const exact = fresh ? patchSimilarity(fresh, q.r, q.c) : null;
    if (exact) maps.push({ title: `sin-cos built at ${m}×${m}`, side: m, values: exact, mark: q });
    const range = rangeOf(...maps.map((x) => x.values));
    hit = drawMaps(canvas, maps, width, range);
    c.note.textContent = `Colours: similarity ${fmt(range[0])} (blue) to ${fmt(range[1])} (red), one scale for all maps. ${facts}`;
    const idx = Float64Array.from({ length: m * m }, (_, i) => i);
    c.setData(['new_patch', 'row', 'column', 'similarity_interpolated', ...(exact ? ['similarity_sincos_new_grid'] : [])], [idx, idx.map((i) => Math.floor(i / m)), idx.map((i) => i % m), after, ...(exact ? [exact] : [])]);
  };
}

/** What the numbers say about this resize: fidelity to sin-cos, and how much the older call differs. */
function interpolationFacts(v: VisionPanelData, source: GridTable, resized: GridTable): string {
  const n = v.grid;
  const m = v.targetGrid;
  if (m === n) return 'Same grid: transformers uses the table as is (no interpolation).';
  const parts: string[] = [];
  if (v.table === 'sincos') {
    // Compare with sin-cos evaluated at the fractional source coordinate each new patch samples; interior
    // patches only (at the border torch clamps, the formula does not).
    const scale = sourceScale(n, m);
    const vec = new Float64Array(source.dim);
    let sq = 0;
    let worst = 0;
    let count = 0;
    for (let y = 0; y < m; y++) {
      for (let x = 0; x < m; x++) {
        const sy = sourceCoordinate(y, scale);
        const sx = sourceCoordinate(x, scale);
        if (sy < 1 || sx < 1 || sy > n - 2 || sx > n - 2) continue;
        sincos2dVector(source.dim, sx, sy, vec);
        const o = (source.cls ? source.dim : 0) + (y * m + x) * source.dim;
        for (let k = 0; k < source.dim; k++) {
          const e = resized.data[o + k]! - vec[k]!;
          sq += e * e;
          worst = Math.max(worst, Math.abs(e));
        }
        count += source.dim;
      }
    }
    if (count) parts.push(`Against sin-cos evaluated at the fractional coordinates each new patch samples (interior): RMS error ${fmt(Math.sqrt(sq / count))}, worst ${fmt(worst)} (values lie in [−1, 1]; the error sits in the fast dimensions, which bicubic cannot follow).`);
  }
  const old = interpolateGrid(source, m, m, 'scale_factor');
  let diff = 0;
  for (let i = 0; i < old.data.length; i++) diff = Math.max(diff, Math.abs(old.data[i]! - resized.data[i]!));
  parts.push(`Older transformers releases (and DINO) pass scale_factor = (${m} + 0.1)/${n} instead of size = ${m}: a slightly different sampling grid, max |Δ| ${fmt(diff)} per value.`);
  return parts.join(' ');
}

function stencilCard(v: VisionPanelData, width: number, add: AddCard, redraw: () => void, noTable: boolean): () => void {
  const n = v.grid;
  const m = v.targetGrid;
  const c = add('vision-stencil', 'Where the resized grid samples the trained one', `Cells: the trained ${n}×${n} grid (${v.imageSize} px / ${v.patchSize}); dots: the ${m}×${m} patches at ${v.targetImageSize} px, each at source coordinate (i + ½)·${n}/${m} − ½. The picked new patch (large dot) mixes 4×4 trained vectors with Keys' cubic weights: red adds, blue (the negative lobes) subtracts; taps past the border read the edge.`);
  let hit: HitTest | null = null;
  const canvas = pickCanvas('Bicubic stencil of the picked resized patch over the trained grid', () => hit, n, redraw);
  c.body.replaceChildren(canvas);
  c.setCanvas(() => canvas);
  const taps = Array.from({ length: m }, (_, i) => cubicTaps(n, m, i));
  const idx = Float64Array.from({ length: m }, (_, i) => i);
  c.setData(['new_index', 'source_coordinate', ...[0, 1, 2, 3].flatMap((k) => [`tap${k}_index`, `tap${k}_weight`])],
    [idx, idx.map((i) => sourceCoordinate(i, sourceScale(n, m))), ...[0, 1, 2, 3].flatMap((k) => [idx.map((i) => taps[i]![k]!.index), idx.map((i) => taps[i]![k]!.weight)])]);
  return () => {
    const p = picked!;
    const q = { r: toTarget(p.r, n, m), c: toTarget(p.c, n, m) };
    hit = drawStencil(canvas, n, m, 'size', q, width);
    const w = (i: number): string => taps[i]!.map((t) => `${t.index}: ${t.weight.toFixed(3)}`).join(', ');
    c.note.textContent = `New patch (${q.r}, ${q.c}) reads rows {${w(q.r)}} × columns {${w(q.c)}}.${noTable ? ' No learned table loaded: with the model\'s weights (model.safetensors beside this config, or the .safetensors itself) the similarity of the trained grid and its interpolation show here too.' : ''}`;
  };
}
