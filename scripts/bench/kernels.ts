// Times the ONNX graphs on onnxruntime-web's WASM backend (Node, one thread, as in the webview) against the
// float64 JS kernels they replace, as ratios measured in the same run. Part of `npm run bench`.
import * as ort from 'onnxruntime-web';
import { encodingTable, rotatingFrequencies, scoreEnvelope, similarityMatrix } from '../../src/core/kernels/reference';
import { graphModel, type GraphName } from '../../src/core/onnx/graphs';
import { encodingTableJob, scoreEnvelopeJob, similarityJob, type GraphJob } from '../../src/core/onnx/jobs';
import { runJob } from '../../src/core/onnx/runJob';
import { baseInvFreq } from '../../src/core/rope/frequencies';

import { median, type Result } from './measure';

const sessions = new Map<GraphName, ort.InferenceSession>();

async function runOrt<R>(job: GraphJob<R>): Promise<R> {
  let session = sessions.get(job.graph);
  if (!session) {
    session = await ort.InferenceSession.create(graphModel(job.graph), { executionProviders: ['wasm'] });
    sessions.set(job.graph, session);
  }
  return runJob(session, (data, dims) => new ort.Tensor('float32', data, dims), job);
}

/** The obvious float64 loop: one Math.cos per distance and frequency (what the envelope replaces). */
function naiveEnvelope(invFreq: readonly number[], maxDistance: number, pixels: number): Float64Array {
  const freqs = rotatingFrequencies(invFreq);
  const out = new Float64Array(2 * pixels).fill(NaN);
  for (let d = 0; d <= maxDistance; d++) {
    let sum = 0;
    for (const f of freqs) sum += Math.cos(d * f);
    const p = Math.floor((d * pixels) / (maxDistance + 1));
    const s = sum / freqs.length;
    if (!(s >= out[2 * p]!)) out[2 * p] = s;
    if (!(s <= out[2 * p + 1]!)) out[2 * p + 1] = s;
  }
  return out;
}

function row(name: string, ortMs: number, jsMs: number, targetMs: number | null, higherRatioIsBetter = true): Result {
  const ratio = jsMs / ortMs;
  return { name, backend: 'ort-wasm', median_ms: ortMs, baseline_ms: jsMs, ratio, target_ms: targetMs, met: targetMs === null ? (higherRatioIsBetter ? ratio >= 10 : true) : ortMs <= targetMs };
}

/** Envelope over 1M distances × 64 frequencies, 4096² similarity, 8192 × 128 table: ORT wasm vs float64 JS. */
export async function benchKernels(): Promise<Result[]> {
  ort.env.wasm.numThreads = 1;
  const invFreq = baseInvFreq(500000, 128); // 64 frequencies, Llama 3 base
  const maxDistance = 1_000_000;
  const pixels = 1000;
  const envAll = await median(() => runOrt(scoreEnvelopeJob(invFreq, maxDistance, pixels)));
  const envRef = await median(() => scoreEnvelope(invFreq, maxDistance, pixels));
  const envNaive = await median(() => naiveEnvelope(invFreq, maxDistance, pixels), 3, 1);
  const simTable = encodingTable(baseInvFreq(10000, 128), 4096);
  const simPrepared = similarityJob(simTable);
  const simOrt = await median(() => runOrt(simPrepared), 5, 1);
  const simJs = await median(() => similarityMatrix(simTable), 3, 1);
  const tableOrt = await median(() => runOrt(encodingTableJob(invFreq, 8192)));
  const tableJs = await median(() => encodingTable(invFreq, 8192));
  for (const s of sessions.values()) await s.release();
  sessions.clear();
  return [
    // Target: ≥ 10× faster than the plain float64 loop, with the float64 answer (checked in test/unit/onnx.test.ts).
    row('kernel: score envelope 1M × 64 vs naive f64 loop', envAll, envNaive, null),
    row('kernel: score envelope 1M × 64 vs f64 angle-addition', envAll, envRef, null, false),
    row('kernel: similarity 4096 × 128 → 4096²', simOrt, simJs, null, false),
    row('kernel: encoding table 8192 × 128', tableOrt, tableJs, null, false),
  ];
}
