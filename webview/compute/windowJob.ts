// The encoding table for an evenly spaced window of positions p_j = start + stride·j, on the same
// `encodingTable` graph as the core job (which always starts at 0): rows K start at start + stride·k·C and
// columns step by stride, so angle addition still keeps every float32 input inside [−1, 1].
import type { GraphJob, Matrix32 } from '../../src/core/onnx/jobs';

export interface PositionWindow {
  start: number;
  stride: number;
  count: number;
}

/** Positions [lo, hi) sampled to at most `maxRows` integer positions. */
export function windowOf(lo: number, hi: number, maxRows: number): PositionWindow {
  const start = Math.max(0, Math.floor(lo));
  const span = Math.max(1, Math.floor(hi) - start);
  const stride = Math.max(1, Math.ceil(span / maxRows));
  return { start, stride, count: Math.max(1, Math.ceil(span / stride)) };
}

export function windowTableJob(invFreq: readonly number[], w: PositionWindow, attentionFactor = 1): GraphJob<Matrix32> {
  const h = invFreq.length;
  const c = Math.max(1, Math.min(128, w.count));
  const k = Math.ceil(w.count / c);
  const rowCos = new Float32Array(k * h);
  const rowSin = new Float32Array(k * h);
  for (let row = 0; row < k; row++) {
    for (let i = 0; i < h; i++) {
      const angle = (w.start + w.stride * row * c) * invFreq[i]!; // float64 product, reduced in float64
      rowCos[row * h + i] = attentionFactor * Math.cos(angle);
      rowSin[row * h + i] = attentionFactor * Math.sin(angle);
    }
  }
  const colCos = new Float32Array(c * h);
  const colSin = new Float32Array(c * h);
  for (let r = 0; r < c; r++) {
    for (let i = 0; i < h; i++) {
      colCos[r * h + i] = Math.cos(w.stride * r * invFreq[i]!);
      colSin[r * h + i] = Math.sin(w.stride * r * invFreq[i]!);
    }
  }
  return {
    graph: 'encodingTable',
    feeds: {
      rowCos: { data: rowCos, dims: [k, 1, h] },
      rowSin: { data: rowSin, dims: [k, 1, h] },
      colCos: { data: colCos, dims: [1, c, h] },
      colSin: { data: colSin, dims: [1, c, h] },
    },
    outputs: ['table'],
    finish: (out) => {
      const t = out['table'];
      if (!t) throw new Error("graph output 'table' missing");
      return { rows: w.count, cols: 2 * h, data: t.subarray(0, w.count * 2 * h) };
    },
  };
}

/** Vaswani sinusoidal table for the window, interleaved sin/cos as the core reference (cheap in JS). */
export function sinusoidalWindow(w: PositionWindow, dim: number, base: number): Matrix32 {
  const data = new Float32Array(w.count * dim);
  for (let j = 0; j < w.count; j++) {
    const p = w.start + w.stride * j;
    for (let c = 0; c < dim; c += 2) {
      const angle = p / Math.pow(base, c / dim);
      data[j * dim + c] = Math.sin(angle);
      if (c + 1 < dim) data[j * dim + c + 1] = Math.cos(angle);
    }
  }
  return { rows: w.count, cols: dim, data };
}
