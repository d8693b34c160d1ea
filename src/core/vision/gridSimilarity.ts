// Cosine similarity between patch position vectors of a grid table: the picture of the ViT paper (each
// patch's similarity to every other patch, laid out on the grid). The class-token row is left out.
import type { GridTable } from './gridInterpolation';

/** Euclidean norm of every patch row (float64). */
function norms(t: GridTable): Float64Array {
  const n = t.gridH * t.gridW;
  const off = t.cls ? t.dim : 0;
  const out = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    let s = 0;
    for (let c = 0; c < t.dim; c++) {
      const v = t.data[off + p * t.dim + c]!;
      s += v * v;
    }
    out[p] = Math.sqrt(s);
  }
  return out;
}

function dot(t: GridTable, a: number, b: number): number {
  const off = t.cls ? t.dim : 0;
  let s = 0;
  for (let c = 0; c < t.dim; c++) s += t.data[off + a * t.dim + c]! * t.data[off + b * t.dim + c]!;
  return s;
}

/** Similarity of patch (row, col) to every patch, row-major over the grid; 0 where a vector is all zeros. */
export function patchSimilarity(t: GridTable, row: number, col: number): Float32Array {
  const n = t.gridH * t.gridW;
  const nrm = norms(t);
  const p = Math.min(t.gridH - 1, Math.max(0, row)) * t.gridW + Math.min(t.gridW - 1, Math.max(0, col));
  const out = new Float32Array(n);
  for (let q = 0; q < n; q++) {
    const d = nrm[p]! * nrm[q]!;
    out[q] = d > 0 ? dot(t, p, q) / d : 0;
  }
  return out;
}

/** Every patch against every patch: [n × n], row p is patchSimilarity of patch p. Cost n²·D/2. */
export function gridSimilarity(t: GridTable): Float32Array {
  const n = t.gridH * t.gridW;
  const d = t.dim;
  const off = t.cls ? d : 0;
  // Unit rows once (float64), then plain dot products: the n² loop is the whole cost.
  const nrm = norms(t);
  const unit = new Float64Array(n * d);
  for (let p = 0; p < n; p++) {
    const k = nrm[p]! > 0 ? 1 / nrm[p]! : 0;
    for (let c = 0; c < d; c++) unit[p * d + c] = t.data[off + p * d + c]! * k;
  }
  const out = new Float32Array(n * n);
  for (let p = 0; p < n; p++) {
    out[p * n + p] = nrm[p]! > 0 ? 1 : 0;
    const a = p * d;
    for (let q = p + 1; q < n; q++) {
      const b = q * d;
      let s = 0;
      for (let c = 0; c < d; c++) s += unit[a + c]! * unit[b + c]!;
      out[p * n + q] = s;
      out[q * n + p] = s;
    }
  }
  return out;
}
