// 2D and vision encodings: torch's bicubic resize of a ViT grid (interpolate_pos_encoding), MAE's 2D sin-cos
// table, patch similarity, and Qwen2-VL/Qwen3-VL M-RoPE sections and position ids. Every expected value
// below is worked out by hand from the definitions in the source files' headers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cubicTaps, cubicWeights, gridRows, interpolateGrid, sourceCoordinate, sourceScale, type GridTable } from '../../src/core/vision/gridInterpolation';
import { gridSimilarity, patchSimilarity } from '../../src/core/vision/gridSimilarity';
import { imageSweep, mropeAxes, mropePositions, qwenImageGrid, smartResize } from '../../src/core/vision/mrope';
import { sincos2dProblem, sincos2dTable, sincosOmegas } from '../../src/core/vision/sincos2d';

/** A table whose channel c of patch (y, x) is f(c, y, x); the class row (if any) holds 7, 8, 9, … */
function table(gridH: number, gridW: number, dim: number, cls: boolean, f: (c: number, y: number, x: number) => number): GridTable {
  const off = cls ? dim : 0;
  const data = new Float32Array(off + gridH * gridW * dim);
  for (let c = 0; c < off; c++) data[c] = 7 + c;
  for (let y = 0; y < gridH; y++) for (let x = 0; x < gridW; x++) for (let c = 0; c < dim; c++) data[off + (y * gridW + x) * dim + c] = f(c, y, x);
  return { data, dim, gridH, gridW, cls };
}
const at = (t: GridTable, y: number, x: number, c: number): number => t.data[(t.cls ? t.dim : 0) + (y * t.gridW + x) * t.dim + c]!;

describe('cubic convolution (torch bicubic, A = −0.75)', () => {
  it('weights at t = 0 pick the sample; at ½ and ¼ they are the hand-computed values and sum to 1', () => {
    assert.deepEqual(cubicWeights(0), [0, 1, 0, 0]);
    // near(x) = (1.25x − 2.25)x² + 1, far(x) = ((−0.75x + 3.75)x − 6)x + 3
    assert.deepEqual(cubicWeights(0.5), [-0.09375, 0.59375, 0.59375, -0.09375]);
    assert.deepEqual(cubicWeights(0.25), [-0.10546875, 0.87890625, 0.26171875, -0.03515625]);
    for (const t of [0.1, 0.3, 0.7, 0.9]) assert.ok(Math.abs(cubicWeights(t).reduce((a, b) => a + b) - 1) < 1e-15);
  });

  it('source coordinates: (dst + ½)·in/out − ½ with size; in/(out + 0.1) with the old scale_factor call', () => {
    assert.equal(sourceScale(14, 24), 14 / 24);
    assert.equal(sourceScale(14, 24, 'scale_factor'), 14 / 24.1);
    assert.equal(sourceCoordinate(0, 0.5), -0.25);
    assert.equal(sourceScale(14, 1), 0); // torch: one output pixel has scale 0
  });

  it('taps past the border read the edge sample (clamped indices)', () => {
    // 4 → 8: output 0 sits at −0.25: i0 = −1, t = 0.75, taps −2…1 → 0, 0, 0, 1.
    assert.deepEqual(cubicTaps(4, 8, 0).map((t) => t.index), [0, 0, 0, 1]);
    assert.deepEqual(cubicTaps(4, 8, 7).map((t) => t.index), [2, 3, 3, 3]);
  });
});

describe('interpolateGrid (interpolate_pos_encoding)', () => {
  it('same square size: the table comes back bit for bit (transformers skips the resize)', () => {
    const t = table(3, 3, 4, true, (c, y, x) => Math.sin(c + 3 * y + 7 * x));
    const out = interpolateGrid(t, 3, 3);
    assert.deepEqual(out.data, t.data);
    assert.equal(gridRows(out), 10);
  });

  it('a constant grid stays constant at every target size, and the class-token row is untouched', () => {
    const t = table(14, 14, 3, true, (c) => [0.25, -1.5, 3][c]!);
    for (const [h, w] of [[24, 24], [7, 7], [5, 9], [1, 1]] as const) {
      const out = interpolateGrid(t, h, w);
      assert.equal(out.data.length, 3 + h * w * 3);
      assert.deepEqual([...out.data.subarray(0, 3)], [7, 8, 9]);
      for (let p = 0; p < h * w; p++) for (let c = 0; c < 3; c++) assert.ok(Math.abs(out.data[3 + p * 3 + c]! - [0.25, -1.5, 3][c]!) < 1e-6);
    }
  });

  it('a ramp along x: exact where the fraction is 0 or ½, off by ±0.046875 at ¼ and ¾ (A = −0.75 is not linear-exact)', () => {
    // 8 → 16 columns: x_src = dst/2 − ¼; interior outputs alternate t = ¾ (even dst) and t = ¼ (odd dst).
    const t = table(2, 8, 1, false, (_c, _y, x) => x);
    const out = interpolateGrid(t, 2, 16);
    for (let d = 3; d <= 12; d++) {
      const linear = d / 2 - 0.25;
      const expected = linear + (d % 2 === 1 ? 0.046875 : -0.046875);
      assert.ok(Math.abs(at(out, 0, d, 0) - expected) < 1e-6, `dst ${d}: ${at(out, 0, d, 0)} vs ${expected}`);
      assert.equal(at(out, 1, d, 0), at(out, 0, d, 0)); // rows unchanged: height 2 → 2 is the identity
    }
    // 4 → 7: x_src = (d + ½)·4/7 − ½; d = 3 is the centre 1.5 (t = ½): exact.
    assert.ok(Math.abs(at(interpolateGrid(table(1, 4, 1, false, (_c, _y, x) => x), 1, 7), 0, 3, 0) - 1.5) < 1e-6);
  });

  it('reshape order: row = patch ÷ N, column = patch mod N; resizing only the width leaves row ids exact', () => {
    const t = table(4, 4, 2, true, (c, y, x) => (c === 0 ? y : x));
    const out = interpolateGrid(t, 4, 8);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 8; x++) assert.equal(at(out, y, x, 0), y);
    const cols = Array.from({ length: 8 }, (_, x) => at(out, 0, x, 1));
    for (let x = 1; x < 8; x++) assert.ok(cols[x]! > cols[x - 1]!, 'columns increase');
    assert.ok(Math.abs(cols[0]! + cols[7]! - 3) < 1e-6, 'symmetric about the centre');
  });

  it('matches a direct 4×4-neighbourhood evaluation (torch kernel order) on random data, both call rules', () => {
    let seed = 1;
    const rnd = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const t = table(6, 6, 3, true, () => rnd());
    for (const rule of ['size', 'scale_factor'] as const) {
      const out = interpolateGrid(t, 9, 11, rule);
      let worst = 0;
      for (let y = 0; y < 9; y++) {
        for (let x = 0; x < 11; x++) {
          const ys = sourceCoordinate(y, sourceScale(6, 9, rule));
          const xs = sourceCoordinate(x, sourceScale(6, 11, rule));
          const [wy, wx] = [cubicWeights(ys - Math.floor(ys)), cubicWeights(xs - Math.floor(xs))];
          const clamp = (i: number): number => Math.min(5, Math.max(0, i));
          for (let c = 0; c < 3; c++) {
            let v = 0;
            for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) v += wy[j]! * wx[i]! * at(t, clamp(Math.floor(ys) - 1 + j), clamp(Math.floor(xs) - 1 + i), c);
            worst = Math.max(worst, Math.abs(v - at(out, y, x, c)));
          }
        }
      }
      assert.ok(worst < 1e-6, `${rule}: ${worst}`);
    }
  });

  it('the old scale_factor call samples a slightly different grid than size (14 → 24)', () => {
    const t = table(14, 14, 1, false, (_c, y, x) => Math.sin(x) + Math.cos(y));
    const a = interpolateGrid(t, 24, 24, 'size');
    const b = interpolateGrid(t, 24, 24, 'scale_factor');
    const diff = Math.max(...a.data.map((v, i) => Math.abs(v - b.data[i]!)));
    assert.ok(diff > 1e-3 && diff < 0.2, `difference ${diff}`);
  });
});

describe('MAE 2D sin-cos table', () => {
  it('D = 8 on a 2×2 grid: column in the first half, row in the second, sines before cosines; CLS row zeros', () => {
    assert.deepEqual(sincosOmegas(8), [1, 0.01]);
    const t = sincos2dTable(8, 2, 2, true)!;
    assert.equal(t.data.length, 5 * 8);
    assert.deepEqual([...t.data.subarray(0, 8)], [0, 0, 0, 0, 0, 0, 0, 0]);
    const f = (xs: number[]): number[] => xs.map((v) => Math.fround(v));
    // patch 1 = (row 0, column 1); patch 2 = (row 1, column 0)
    assert.deepEqual([...t.data.subarray(16, 24)], f([Math.sin(1), Math.sin(0.01), Math.cos(1), Math.cos(0.01), 0, 0, 1, 1]));
    assert.deepEqual([...t.data.subarray(24, 32)], f([0, 0, 1, 1, Math.sin(1), Math.sin(0.01), Math.cos(1), Math.cos(0.01)]));
  });

  it('widths that are not multiples of 4 have no table (upstream asserts)', () => {
    assert.equal(sincos2dTable(10, 4, 4, false), null);
    assert.match(sincos2dProblem(10)!, /multiple of 4/);
    assert.equal(sincos2dProblem(768), null);
  });

  it('similarity depends only on the offset: (Σcos(Δx·ω) + Σcos(Δy·ω)) / (D/2)', () => {
    const t = sincos2dTable(16, 5, 5, true)!;
    const om = sincosOmegas(16);
    const sim = patchSimilarity(t, 2, 1);
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 5; x++) {
        const e = om.reduce((s, w) => s + Math.cos((x - 1) * w) + Math.cos((y - 2) * w), 0) / 8;
        assert.ok(Math.abs(sim[y * 5 + x]! - e) < 1e-6);
      }
    }
    const all = gridSimilarity(t);
    assert.deepEqual(all.subarray(11 * 25, 12 * 25), sim); // patch (2, 1) is row 11
  });
});

describe('M-RoPE sections and position ids', () => {
  it('Qwen2-VL [16, 24, 24] over 64 pairs: contiguous t, h, w blocks', () => {
    const { axes, problem } = mropeAxes(64, [16, 24, 24], false);
    assert.equal(problem, null);
    assert.equal(axes!.join(''), 't'.repeat(16) + 'h'.repeat(24) + 'w'.repeat(24));
  });

  it('sections that do not sum to the pairs fail as transformers split fails', () => {
    const r = mropeAxes(64, [16, 24, 16], false);
    assert.equal(r.axes, null);
    assert.match(r.problem!, /sums to 56 .* 64 frequency pairs/);
    assert.match(mropeAxes(64, [32, 32], false).problem!, /needs 3/);
  });

  it('Qwen3-VL interleaved [24, 20, 20]: T H W T H W … over the first 60 pairs, then T', () => {
    const { axes, problem } = mropeAxes(64, [24, 20, 20], true);
    assert.equal(problem, null);
    assert.equal(axes!.slice(0, 6).join(''), 'thwthw');
    assert.deepEqual(axes!.slice(57), ['t', 'h', 'w', 't', 't', 't', 't']);
  });

  it('smart_resize: multiples of 28, Python rounding (halves to even), pixel bounds', () => {
    assert.deepEqual(smartResize(448, 448), [448, 448]);
    assert.deepEqual(smartResize(1024, 1024), [980, 980]); // 1036² > 28²·1280: scaled down, floored
    assert.deepEqual(smartResize(42, 70), [56, 56]); // 1.5 → 2, 2.5 → 2
    assert.equal(smartResize(20, 100), null);
    assert.deepEqual(qwenImageGrid(1024, 1024), { resized: [980, 980], t: 1, h: 35, w: 35 });
  });

  it('get_rope_index: text counts up on all axes, the image shares t and offsets rows and columns, text resumes at max + 1', () => {
    const p = mropePositions(3, { t: 1, h: 2, w: 2 }, 2);
    assert.deepEqual(p.t, [0, 1, 2, 3, 3, 3, 3, 5, 6]);
    assert.deepEqual(p.h, [0, 1, 2, 3, 3, 4, 4, 5, 6]);
    assert.deepEqual(p.w, [0, 1, 2, 3, 4, 3, 4, 5, 6]);
    assert.equal(p.nextText, 5);
    // transformers' docstring example: a video of 3×2×2 then 5 text tokens → text at 3…7.
    assert.deepEqual(mropePositions(0, { t: 3, h: 2, w: 2 }, 5).t.slice(12), [3, 4, 5, 6, 7]);
  });

  it('sweep across an image: t pairs do not move on a still image, h and w pairs move (extent − 1)·θ', () => {
    const axes = mropeAxes(6, [2, 2, 2], false).axes!;
    const sweep = imageSweep([1, 0.5, 0.25, 0.125, 0.1, 0.01], axes, { t: 1, h: 35, w: 20 });
    assert.deepEqual(sweep, [0, 0, 34 * 0.25, 34 * 0.125, 19 * 0.1, 19 * 0.01]);
  });
});
