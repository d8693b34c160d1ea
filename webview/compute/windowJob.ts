// Windows of positions p_j = start + stride·j for the heatmap and similarity charts (zoomed around the
// trained boundary), computed by the core's encodingTable job.
import { encodingTableJob, type GraphJob, type Matrix32 } from '../../src/core/onnx/jobs';

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

/** The encoding table of a window: the core job with the window's start and stride. */
export function windowTableJob(invFreq: readonly number[], w: PositionWindow, attentionFactor = 1): GraphJob<Matrix32> {
  return encodingTableJob(invFreq, w.count, attentionFactor, 128, w.start, w.stride);
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
