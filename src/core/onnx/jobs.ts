// Input preparation for the ONNX graphs, in float64. Angles are reduced before anything becomes float32:
// only cosines and sines (values in [−1, 1]) enter the graph, never d·θ itself, which float32 would get
// wrong by ~0.1 rad near d = 1e6.
import { bucketStart, envelopePixels, rotatingFrequencies, type Matrix } from '../kernels/reference';
import type { GraphName } from './graphs';

/** A float32 tensor as a graph input or output. */
export interface Feed {
  data: Float32Array;
  dims: number[];
}

/** One run of one graph: its inputs and how to turn its outputs into a result. */
export interface GraphJob<R> {
  graph: GraphName;
  feeds: Record<string, Feed>;
  outputs: readonly string[];
  finish(outputs: Record<string, Float32Array>): R;
}

export interface Matrix32 {
  rows: number;
  cols: number;
  data: Float32Array;
}

/** Same buckets as the reference `Envelope`, in float32. */
export interface Envelope32 {
  maxDistance: number;
  pixels: number;
  min: Float32Array;
  max: Float32Array;
}

/** Exact float64 trig at every ANCHOR-th position; angle addition (a rotation by the step's exact cos/sin)
 *  in between. The drift over ANCHOR steps is ~1e-14, far below float32's 6e-8, for ~ANCHOR× fewer trig calls. */
const ANCHOR = 32;

/** Calls `put(j, cos(p_j·f), sin(p_j·f))` for j < count, p_j = positions[j] (increasing integers) or j. */
function rotateAlong(positions: readonly number[] | null, count: number, f: number, put: (j: number, cos: number, sin: number) => void): void {
  let cos = 1;
  let sin = 0;
  let prev = 0;
  // Bucket starts step by ⌊N/K⌋ or ⌈N/K⌉: keep the rotations for the two steps last seen.
  const seen: { step: number; cos: number; sin: number }[] = [];
  for (let j = 0; j < count; j++) {
    const p = positions ? positions[j]! : j;
    if (j % ANCHOR === 0) {
      cos = Math.cos(p * f); // exact float64 product, reduced by Math.cos/sin in float64
      sin = Math.sin(p * f);
    } else {
      const step = p - prev;
      let r = seen[0]?.step === step ? seen[0] : seen[1]?.step === step ? seen[1] : undefined;
      if (!r) {
        r = { step, cos: Math.cos(step * f), sin: Math.sin(step * f) };
        seen.unshift(r);
        seen.length = Math.min(seen.length, 2);
      }
      const stepCos = r.cos;
      const stepSin = r.sin;
      const c = cos * stepCos - sin * stepSin;
      sin = sin * stepCos + cos * stepSin;
      cos = c;
    }
    prev = p;
    put(j, cos, sin);
  }
}

/**
 * Score envelope over d = 0..maxDistance in `pixels` buckets (see reference `scoreEnvelope`). The graph reduces
 * each row to one pixel, so the layout is K = pixels rows of C = ⌈N/pixels⌉ columns, row k starting at the
 * bucket's first distance. A bucket one shorter than C has its last column padded out of the min/max.
 */
export function scoreEnvelopeJob(invFreq: readonly number[], maxDistance: number, pixels: number, attentionFactor = 1): GraphJob<Envelope32> {
  const n = maxDistance + 1;
  const k = envelopePixels(maxDistance, pixels);
  const c = Math.ceil(n / k);
  const rotating = rotatingFrequencies(invFreq);
  // With nothing rotating, one zero frequency gives the constant score through the same graph.
  const freqs = rotating.length > 0 ? rotating : [0];
  const h = freqs.length;
  const scale = attentionFactor * attentionFactor;
  const weight = scale / h;

  const starts = Array.from({ length: k + 1 }, (_, row) => bucketStart(row, maxDistance, k));
  const rowPad = new Float32Array(k);
  for (let row = 0; row < k; row++) rowPad[row] = starts[row + 1]! - starts[row]! < c ? 1 : 0;
  // Row `row` holds cos/sin(start·θᵢ) weighted; the columns of B cos/sin(r·θᵢ) for r < C.
  const a = new Float32Array(k * 2 * h);
  const b = new Float32Array(2 * h * c);
  for (let i = 0; i < h; i++) {
    const f = freqs[i]!;
    rotateAlong(starts, k, f, (row, cos, sin) => {
      a[row * 2 * h + i] = weight * cos;
      a[row * 2 * h + h + i] = -weight * sin;
    });
    rotateAlong(null, c, f, (r, cos, sin) => {
      b[i * c + r] = cos;
      b[(h + i) * c + r] = sin;
    });
  }
  // Larger than any score gap, so a padded entry never wins the max (or min) of its row.
  const colPad = new Float32Array(c);
  colPad[c - 1] = 2 * scale + 1;

  return {
    graph: 'scoreEnvelope',
    feeds: {
      A: { data: a, dims: [k, 2 * h] },
      B: { data: b, dims: [2 * h, c] },
      rowPad: { data: rowPad, dims: [k, 1] },
      colPad: { data: colPad, dims: [1, c] },
    },
    outputs: ['min', 'max'],
    finish: (out) => ({ maxDistance, pixels: k, min: need(out, 'min'), max: need(out, 'max') }),
  };
}

/** Cosine similarity of the rows of an N×D table (float64 tables are cast; their values are small). */
export function similarityJob(table: Matrix | Matrix32): GraphJob<Matrix32> {
  const data = table.data instanceof Float32Array ? table.data : Float32Array.from(table.data);
  return {
    graph: 'similarity',
    feeds: { T: { data, dims: [table.rows, table.cols] } },
    outputs: ['similarity'],
    finish: (out) => ({ rows: table.rows, cols: table.rows, data: need(out, 'similarity') }),
  };
}

/**
 * The reference `encodingTable` layout [positions × 2H] for positions p_j = start + stride·j (default 0, 1,
 * i.e. 0…positions−1), built as K rows of C positions by angle addition so every float32 input stays in
 * [−1, 1]: row k starts at start + stride·k·C (angle reduced in float64), columns step by stride.
 */
export function encodingTableJob(invFreq: readonly number[], positions: number, attentionFactor = 1, columns = 128, start = 0, stride = 1): GraphJob<Matrix32> {
  const h = invFreq.length;
  const c = Math.max(1, Math.min(columns, positions));
  const k = Math.max(1, Math.ceil(positions / c));
  const rowCos = new Float64Array(k * h);
  const rowSin = new Float64Array(k * h);
  for (let row = 0; row < k; row++) {
    for (let i = 0; i < h; i++) {
      const angle = (start + stride * row * c) * invFreq[i]!;
      rowCos[row * h + i] = attentionFactor * Math.cos(angle);
      rowSin[row * h + i] = attentionFactor * Math.sin(angle);
    }
  }
  const colCos = new Float64Array(c * h);
  const colSin = new Float64Array(c * h);
  for (let r = 0; r < c; r++) {
    for (let i = 0; i < h; i++) {
      colCos[r * h + i] = Math.cos(stride * r * invFreq[i]!);
      colSin[r * h + i] = Math.sin(stride * r * invFreq[i]!);
    }
  }
  return {
    graph: 'encodingTable',
    feeds: {
      rowCos: { data: Float32Array.from(rowCos), dims: [k, 1, h] },
      rowSin: { data: Float32Array.from(rowSin), dims: [k, 1, h] },
      colCos: { data: Float32Array.from(colCos), dims: [1, c, h] },
      colSin: { data: Float32Array.from(colSin), dims: [1, c, h] },
    },
    outputs: ['table'],
    // The last row of positions may run past `positions`; the view drops it without copying.
    finish: (out) => ({ rows: positions, cols: 2 * h, data: need(out, 'table').subarray(0, positions * 2 * h) }),
  };
}

function need(out: Record<string, Float32Array>, name: string): Float32Array {
  const v = out[name];
  if (!v) throw new Error(`graph output '${name}' missing`);
  return v;
}
