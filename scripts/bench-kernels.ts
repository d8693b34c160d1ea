// Times the ONNX graphs on onnxruntime-web's WASM backend (Node, one thread, as in the webview) against the
// float64 JS kernels. Usage: node --import tsx scripts/bench-kernels.ts [--repeats N]
import * as ort from 'onnxruntime-web';
import { encodingTable, rotatingFrequencies, scoreEnvelope, similarityMatrix } from '../src/core/kernels/reference';
import { graphModel, type GraphName } from '../src/core/onnx/graphs';
import { encodingTableJob, scoreEnvelopeJob, similarityJob, type GraphJob } from '../src/core/onnx/jobs';
import { runJob } from '../src/core/onnx/runJob';
import { baseInvFreq } from '../src/core/rope/frequencies';

const repeatsArg = process.argv.indexOf('--repeats');
const REPEATS = repeatsArg > 0 ? Number(process.argv[repeatsArg + 1]) : 7;
const WARMUP = 2;

const sessions = new Map<GraphName, ort.InferenceSession>();

async function runOrt<R>(job: GraphJob<R>): Promise<R> {
  let session = sessions.get(job.graph);
  if (!session) {
    session = await ort.InferenceSession.create(graphModel(job.graph), { executionProviders: ['wasm'] });
    sessions.set(job.graph, session);
  }
  return runJob(session, (data, dims) => new ort.Tensor('float32', data, dims), job);
}

/** Median wall time in ms of `fn` after warm-up runs. */
async function median(fn: () => unknown, repeats = REPEATS, warmup = WARMUP): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
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

function row(label: string, ortMs: number, jsMs: number, jsLabel: string): void {
  const ratio = jsMs / ortMs;
  console.log(`${label.padEnd(34)} ORT-wasm ${ortMs.toFixed(1).padStart(8)} ms | ${jsLabel.padEnd(22)} ${jsMs.toFixed(1).padStart(8)} ms | JS/ORT ${ratio.toFixed(2)}×`);
}

async function main(): Promise<void> {
  ort.env.wasm.numThreads = 1;
  const invFreq = baseInvFreq(500000, 128); // 64 frequencies, Llama 3 base
  console.log(`node ${process.version}, onnxruntime-web ${ort.env.versions.web}, wasm 1 thread; median of ${REPEATS} after ${WARMUP} warm-up`);

  const maxDistance = 1_000_000;
  const pixels = 1000;
  const envJob = () => scoreEnvelopeJob(invFreq, maxDistance, pixels);
  const prepared = envJob();
  const envRun = await median(() => runOrt(prepared));
  const envAll = await median(() => runOrt(envJob()));
  const envRef = await median(() => scoreEnvelope(invFreq, maxDistance, pixels));
  const envNaive = await median(() => naiveEnvelope(invFreq, maxDistance, pixels), 3, 1);
  row('envelope 1M × 64, graph only', envRun, envRef, 'f64 reference');
  row('envelope 1M × 64, prep + graph', envAll, envRef, 'f64 reference');
  row('envelope 1M × 64, prep + graph', envAll, envNaive, 'f64 naive Math.cos');

  const simTable = encodingTable(baseInvFreq(10000, 128), 4096);
  const simPrepared = similarityJob(simTable);
  const simOrt = await median(() => runOrt(simPrepared), 5, 1);
  const simJs = await median(() => similarityMatrix(simTable), 3, 1);
  row('similarity 4096 × 128 → 4096²', simOrt, simJs, 'f64 reference');

  const tableOrt = await median(() => runOrt(encodingTableJob(invFreq, 8192)));
  const tableJs = await median(() => encodingTable(invFreq, 8192));
  row('table 8192 × 128, prep + graph', tableOrt, tableJs, 'f64 reference');

  for (const s of sessions.values()) await s.release();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
