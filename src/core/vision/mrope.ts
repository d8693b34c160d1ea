// Multimodal RoPE (Qwen2-VL's M-RoPE, Qwen3-VL's interleaved form): every frequency pair rotates with one
// of three position ids — temporal, height or width. `mrope_section` says how many pairs each axis gets.
// Qwen2-VL cuts contiguous blocks (apply_multimodal_rotary_pos_emb splits cos/sin by the sections, doubled
// for the two rotate-half halves, and takes section i from axis i mod 3); Qwen3-VL interleaves T,H,W,T,H,W…
// over the first 3·section pairs (apply_interleaved_mrope). Position ids follow get_rope_index: text tokens
// count up on all three axes alike; an image's tokens share the next id on t and take row and column
// offsets on h and w; the text after it resumes at the largest id so far + 1.

export type MropeAxis = 't' | 'h' | 'w';
export const MROPE_AXES: readonly MropeAxis[] = ['t', 'h', 'w'];

export interface MropeLayout {
  /** Axis of each frequency pair i (θᵢ = b^(−2i/d)), or null when the sections cannot work. */
  axes: MropeAxis[] | null;
  problem: string | null;
}

/** Which axis every one of `pairs` frequency pairs rotates with. */
export function mropeAxes(pairs: number, section: readonly number[], interleaved: boolean): MropeLayout {
  if (section.length !== 3) return { axes: null, problem: `mrope_section has ${section.length} entries; it needs 3 (temporal, height, width).` };
  if (!section.every((s) => Number.isInteger(s) && s >= 0)) return { axes: null, problem: 'mrope_section entries must be non-negative integers.' };
  const sum = section[0]! + section[1]! + section[2]!;
  if (interleaved) {
    // Torch slices past the end silently, so odd sections do not fail: they give other counts than written.
    const axes = Array.from({ length: pairs }, (_, i): MropeAxis => (i % 3 === 1 && i < 3 * section[1]! ? 'h' : i % 3 === 2 && i < 3 * section[2]! ? 'w' : 't'));
    const count = MROPE_AXES.map((a) => axes.filter((x) => x === a).length);
    const same = count.every((n, k) => n === section[k]);
    return { axes, problem: same ? null : `mrope_section ${JSON.stringify(section)} does not fit ${pairs} interleaved frequency pairs: they split ${count.join('/')} (t/h/w).` };
  }
  // The doubled split must cover the rotary dimension exactly, or torch's split_with_sizes fails.
  if (sum !== pairs) return { axes: null, problem: `mrope_section sums to ${sum} but the rotary dimension has ${pairs} frequency pairs (head_dim ${2 * pairs}); transformers' split of cos/sin fails.` };
  const axes: MropeAxis[] = [];
  section.forEach((n, k) => {
    for (let i = 0; i < n; i++) axes.push(MROPE_AXES[k]!);
  });
  return { axes, problem: null };
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d === 0.5) return f % 2 === 0 ? f : f + 1;
  return Math.round(x);
}

export interface QwenVisionGeometry {
  patchSize: number;
  mergeSize: number;
  temporalPatchSize: number;
  minPixels: number;
  maxPixels: number;
}

/** Qwen2-VL's processor defaults: 14-px patches, 2×2 merge, 56² to 28²·1280 pixels. */
export const QWEN2_VL_GEOMETRY: QwenVisionGeometry = { patchSize: 14, mergeSize: 2, temporalPatchSize: 2, minPixels: 56 * 56, maxPixels: 28 * 28 * 1280 };

/** smart_resize: both sides multiples of patch·merge, pixel count within bounds, aspect kept; null where it raises. */
export function smartResize(height: number, width: number, g: QwenVisionGeometry = QWEN2_VL_GEOMETRY): [number, number] | null {
  const f = g.patchSize * g.mergeSize;
  if (!(height >= f && width >= f) || Math.max(height, width) / Math.min(height, width) > 200) return null;
  let h = roundHalfEven(height / f) * f;
  let w = roundHalfEven(width / f) * f;
  if (h * w > g.maxPixels) {
    const beta = Math.sqrt((height * width) / g.maxPixels);
    h = Math.floor(height / beta / f) * f;
    w = Math.floor(width / beta / f) * f;
  } else if (h * w < g.minPixels) {
    const beta = Math.sqrt(g.minPixels / (height * width));
    h = Math.ceil((height * beta) / f) * f;
    w = Math.ceil((width * beta) / f) * f;
  }
  return [h, w];
}

/** The language model's grid of one image: (t, h, w) in merged tokens, after smart_resize. */
export interface ImageGrid {
  resized: [number, number];
  /** grid_thw ÷ merge on h and w: what get_rope_index walks. */
  t: number;
  h: number;
  w: number;
}

export function qwenImageGrid(height: number, width: number, g: QwenVisionGeometry = QWEN2_VL_GEOMETRY): ImageGrid | null {
  const r = smartResize(height, width, g);
  if (!r) return null;
  // A still image is repeated temporal_patch_size times: one temporal patch.
  return { resized: r, t: 1, h: r[0] / g.patchSize / g.mergeSize, w: r[1] / g.patchSize / g.mergeSize };
}

export interface MropePositions {
  /** Position ids per axis for the text before, the image tokens, then `textAfter` tokens. */
  t: number[];
  h: number[];
  w: number[];
  imageStart: number;
  imageTokens: number;
  /** The id the first text token after the image gets. */
  nextText: number;
}

/** get_rope_index for `textBefore` text tokens, one image (or video) grid, then `textAfter` text tokens. */
export function mropePositions(textBefore: number, grid: Pick<ImageGrid, 't' | 'h' | 'w'>, textAfter = 0): MropePositions {
  const t: number[] = [];
  const h: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < textBefore; i++) t.push(i), h.push(i), w.push(i);
  for (let a = 0; a < grid.t; a++) {
    for (let b = 0; b < grid.h; b++) {
      for (let c = 0; c < grid.w; c++) t.push(textBefore + a), h.push(textBefore + b), w.push(textBefore + c);
    }
  }
  const nextText = textBefore + Math.max(grid.t, grid.h, grid.w);
  for (let i = 0; i < textAfter; i++) t.push(nextText + i), h.push(nextText + i), w.push(nextText + i);
  return { t, h, w, imageStart: textBefore, imageTokens: grid.t * grid.h * grid.w, nextText };
}

/** How far the ids of one axis move across the image: grid extent − 1 (0 for t on a still image). */
export function imageSpan(grid: Pick<ImageGrid, 't' | 'h' | 'w'>, axis: MropeAxis): number {
  return grid[axis] - 1;
}

/** The angle each pair sweeps across the image: span of its axis × θᵢ (rad, uncapped). */
export function imageSweep(invFreq: readonly number[], axes: readonly MropeAxis[], grid: Pick<ImageGrid, 't' | 'h' | 'w'>): number[] {
  return invFreq.map((f, i) => imageSpan(grid, axes[i] ?? 't') * f);
}
