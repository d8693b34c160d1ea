// MAE's fixed 2D sin-cos position table (`get_2d_sincos_pos_embed`, also ViTMAE in transformers): half the
// D dimensions encode one grid coordinate and half the other, each with the 1-D table of D/2 dimensions:
// D/4 sines then D/4 cosines of pos·ω_k, ω_k = 1/10000^(k/(D/4)). The grid is np.meshgrid(grid_w, grid_h),
// so grid[0], which fills the first half (named emb_h upstream), holds the column index: the first D/2
// dimensions encode the column (x), the last D/2 the row (y). Patches are numbered row-major; an optional
// class-token row of zeros comes first.
import type { GridTable } from './gridInterpolation';

export const SINCOS_BASE = 10000;

/** Why a width cannot hold this table (the upstream asserts), or null when it can. */
export function sincos2dProblem(dim: number): string | null {
  if (!Number.isInteger(dim) || dim <= 0) return `the embedding width ${dim} is not a positive integer`;
  if (dim % 4 !== 0) return `the embedding width ${dim} is not a multiple of 4 (two axes, each sin and cos)`;
  return null;
}

/** ω_k = 1/base^(k/(D/4)) for k = 0…D/4 − 1 (float64, as upstream). */
export function sincosOmegas(dim: number, base = SINCOS_BASE): number[] {
  const q = dim / 4;
  return Array.from({ length: q }, (_, k) => 1 / Math.pow(base, k / q));
}

/** Writes one patch's vector for column `x` and row `y` at `out[offset…offset+dim)`. */
export function sincos2dVector(dim: number, x: number, y: number, out: Float32Array | Float64Array, offset = 0, omegas = sincosOmegas(dim)): void {
  const q = omegas.length;
  for (let k = 0; k < q; k++) {
    const ax = x * omegas[k]!;
    const ay = y * omegas[k]!;
    out[offset + k] = Math.sin(ax);
    out[offset + q + k] = Math.cos(ax);
    out[offset + 2 * q + k] = Math.sin(ay);
    out[offset + 3 * q + k] = Math.cos(ay);
  }
}

/** The whole table [cls? + gridH·gridW, dim], or null when `dim` cannot hold it (see sincos2dProblem). */
export function sincos2dTable(dim: number, gridH: number, gridW: number, cls: boolean): GridTable | null {
  if (sincos2dProblem(dim) || !(gridH > 0 && gridW > 0)) return null;
  const off = cls ? dim : 0;
  const data = new Float32Array(off + gridH * gridW * dim);
  const omegas = sincosOmegas(dim);
  for (let y = 0; y < gridH; y++) {
    for (let x = 0; x < gridW; x++) sincos2dVector(dim, x, y, data, off + (y * gridW + x) * dim, omegas);
  }
  return { data, dim, gridH, gridW, cls };
}
