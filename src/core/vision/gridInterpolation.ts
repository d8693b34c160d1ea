// A ViT position grid resized to another resolution, as transformers' `interpolate_pos_encoding` does it:
// the class-token row is set aside, the N×N patch rows are viewed as a D-channel N×N image (row = patch ÷ N,
// column = patch mod N), resized by torch.nn.functional.interpolate(mode='bicubic', align_corners=False),
// and flattened back row-major. Torch's bicubic is Keys' cubic convolution with A = −0.75 over a 4×4
// neighbourhood, reading past the border as the edge value; it is separable, so rows then columns.

/** Keys' free parameter as torch (and OpenCV) use it; −0.5 would be Catmull–Rom. */
export const CUBIC_A = -0.75;

/** How the caller asks for the new size: current transformers pass `size`, older ones and DINO a `scale_factor`. */
export type ResizeRule = 'size' | 'scale_factor';

/**
 * The four weights of source samples i0−1, i0, i0+1, i0+2 for a fraction t = x − i0 in [0, 1). They sum to 1;
 * the outer two are ≤ 0 (the kernel's negative lobes, which sharpen).
 */
export function cubicWeights(t: number, a = CUBIC_A): [number, number, number, number] {
  const near = (x: number): number => ((a + 2) * x - (a + 3)) * x * x + 1; // |x| ≤ 1
  const far = (x: number): number => ((a * x - 5 * a) * x + 8 * a) * x - 4 * a; // 1 < |x| < 2
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

/**
 * Source pixels per output pixel. With `size`, torch infers it as in/out. With `scale_factor`, older
 * transformers asked for (out + 0.1)/in (the +0.1 keeps floor(in·factor) from rounding down to out − 1) and
 * torch then maps coordinates with 1/factor, a slightly different grid. One output pixel: torch uses 0.
 */
export function sourceScale(src: number, dst: number, rule: ResizeRule = 'size'): number {
  if (dst <= 1) return 0;
  return rule === 'size' ? src / dst : src / (dst + 0.1);
}

/** The source coordinate of output pixel `dst` (align_corners=False): (dst + ½)·scale − ½, unclamped for cubic. */
export function sourceCoordinate(dst: number, scale: number): number {
  return scale * (dst + 0.5) - 0.5;
}

export interface Tap {
  /** Source index, already clamped to [0, n − 1] (torch reads past the edge as the edge). */
  index: number;
  weight: number;
}

/** The four (clamped index, weight) taps that make output pixel `dst` of a 1-D resize from `src` samples. */
export function cubicTaps(src: number, dst: number, index: number, rule: ResizeRule = 'size'): Tap[] {
  const x = sourceCoordinate(index, sourceScale(src, dst, rule));
  const i0 = Math.floor(x);
  const w = cubicWeights(x - i0);
  return w.map((weight, k) => ({ index: Math.min(src - 1, Math.max(0, i0 - 1 + k)), weight }));
}

/** A position table: optional class-token row first, then gridH·gridW patch rows (row-major), each `dim` wide. */
export interface GridTable {
  data: Float32Array;
  dim: number;
  gridH: number;
  gridW: number;
  cls: boolean;
}

/** Rows in a table of this shape. */
export function gridRows(t: Pick<GridTable, 'gridH' | 'gridW' | 'cls'>): number {
  return t.gridH * t.gridW + (t.cls ? 1 : 0);
}

/**
 * The table for a `targetH`×`targetW` grid. The class-token row is copied untouched. At the trained size
 * with a square target transformers returns the table as is (no resize at all), and so does this.
 */
export function interpolateGrid(table: GridTable, targetH: number, targetW: number, rule: ResizeRule = 'size'): GridTable {
  const { dim, gridH, gridW, cls } = table;
  const off = cls ? dim : 0;
  const out: GridTable = { data: new Float32Array(off + targetH * targetW * dim), dim, gridH: targetH, gridW: targetW, cls };
  out.data.set(table.data.subarray(0, off));
  if (targetH === gridH && targetW === gridW && targetH === targetW) {
    out.data.set(table.data.subarray(off, off + gridH * gridW * dim), off);
    return out;
  }
  // Pass 1: along the width, gridH × targetW × dim in float64; pass 2: along the height.
  const colTaps = Array.from({ length: targetW }, (_, x) => cubicTaps(gridW, targetW, x, rule));
  const rowTaps = Array.from({ length: targetH }, (_, y) => cubicTaps(gridH, targetH, y, rule));
  const mid = new Float64Array(gridH * targetW * dim);
  for (let r = 0; r < gridH; r++) {
    for (let x = 0; x < targetW; x++) {
      const o = (r * targetW + x) * dim;
      for (const { index, weight } of colTaps[x]!) {
        const s = off + (r * gridW + index) * dim;
        for (let c = 0; c < dim; c++) mid[o + c]! += weight * table.data[s + c]!;
      }
    }
  }
  const acc = new Float64Array(dim);
  for (let y = 0; y < targetH; y++) {
    for (let x = 0; x < targetW; x++) {
      acc.fill(0);
      for (const { index, weight } of rowTaps[y]!) {
        const s = (index * targetW + x) * dim;
        for (let c = 0; c < dim; c++) acc[c]! += weight * mid[s + c]!;
      }
      out.data.set(acc, off + (y * targetW + x) * dim);
    }
  }
  return out;
}

/** The side of the square patch grid that `positions` positions hold (one of them the class token, if any). */
export function gridSideFor(positions: number, hasCls: boolean): number {
  return Math.floor(Math.sqrt(Math.max(0, positions - (hasCls ? 1 : 0))));
}
