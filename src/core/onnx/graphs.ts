// The side panel's three ONNX graphs. Each is tiny (a few hundred bytes) with symbolic dims, so one model
// per graph serves every config; the float64 preparation in ./jobs decides the sizes at run time.
import { GraphBuilder } from './modelBuilder';

export type GraphName = 'scoreEnvelope' | 'similarity' | 'encodingTable';

/**
 * Score envelope over distances d = start_k + r:
 *   S[K, C] = A[K, 2H] · B[2H, C]   (A = scale/H·[cos(start_k θ), −sin(start_k θ)], B = [cos(rθ); sin(rθ)])
 *   max[K] = ReduceMax(S − pad), min[K] = ReduceMin(S + pad), pad = rowPad[K, 1] · colPad[1, C].
 * Row k is exactly pixel bucket k; `pad` pushes the one surplus column of shorter buckets out of the reduction.
 */
export function buildScoreEnvelopeGraph(): GraphBuilder {
  const g = new GraphBuilder('score_envelope');
  const a = g.input('A', ['K', 'H2']);
  const b = g.input('B', ['H2', 'C']);
  const rowPad = g.input('rowPad', ['K', 1]);
  const colPad = g.input('colPad', [1, 'C']);
  const scores = g.node('MatMul', [a, b]);
  const pad = g.node('Mul', [rowPad, colPad]);
  g.node('ReduceMax', [g.node('Sub', [scores, pad])], { axes: [1], keepdims: 0 }, 'max');
  g.node('ReduceMin', [g.node('Add', [scores, pad])], { axes: [1], keepdims: 0 }, 'min');
  g.output('max', ['K']);
  g.output('min', ['K']);
  return g;
}

/**
 * Cosine similarity of the rows of T[N, D]: normalise each row (a zero row stays zero thanks to the
 * floor on its squared norm), then S[N, N] = T̂ · T̂ᵀ.
 */
export function buildSimilarityGraph(): GraphBuilder {
  const g = new GraphBuilder('position_similarity');
  const t = g.input('T', ['N', 'D']);
  const axes = g.constInt64('axes_1', [1], [1]); // ReduceSum takes axes as an input from opset 13
  const floor = g.constFloat('norm_floor', [], [1e-30]);
  const squares = g.node('Mul', [t, t]);
  const sumSq = g.node('ReduceSum', [squares, axes], { keepdims: 1 });
  const norms = g.node('Sqrt', [g.node('Max', [sumSq, floor])]);
  const unit = g.node('Div', [t, norms]);
  const unitT = g.node('Transpose', [unit], { perm: [1, 0] });
  g.node('MatMul', [unit, unitT], {}, 'similarity');
  g.output('similarity', ['N', 'N']);
  return g;
}

/**
 * RoPE table for positions p = start_k + r, by angle addition with float64-prepared factors:
 *   cos(pθ) = cos(start θ)cos(rθ) − sin(start θ)sin(rθ),  sin(pθ) = sin(start θ)cos(rθ) + cos(start θ)sin(rθ).
 * Inputs rowCos/rowSin [K, 1, H] (times the attention factor), colCos/colSin [1, C, H];
 * output [K, C, 2H], which read flat is the [K·C, 2H] table (cos block, then sin block).
 */
export function buildEncodingTableGraph(): GraphBuilder {
  const g = new GraphBuilder('encoding_table');
  const rc = g.input('rowCos', ['K', 1, 'H']);
  const rs = g.input('rowSin', ['K', 1, 'H']);
  const cc = g.input('colCos', [1, 'C', 'H']);
  const cs = g.input('colSin', [1, 'C', 'H']);
  const cos = g.node('Sub', [g.node('Mul', [rc, cc]), g.node('Mul', [rs, cs])]);
  const sin = g.node('Add', [g.node('Mul', [rs, cc]), g.node('Mul', [rc, cs])]);
  g.node('Concat', [cos, sin], { axis: 2 }, 'table');
  g.output('table', ['K', 'C', 'H2']);
  return g;
}

const builders: Record<GraphName, () => GraphBuilder> = {
  scoreEnvelope: buildScoreEnvelopeGraph,
  similarity: buildSimilarityGraph,
  encodingTable: buildEncodingTableGraph,
};

const cache = new Map<GraphName, Uint8Array>();

/** The serialised model for a graph, built once per process. */
export function graphModel(name: GraphName): Uint8Array {
  let bytes = cache.get(name);
  if (!bytes) {
    bytes = builders[name]().toBytes();
    cache.set(name, bytes);
  }
  return bytes;
}
