// Our own ONNX graphs, run by onnxruntime-web's WASM backend in Node, against the float64 reference kernels.
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-web';
import { encodingTable, scoreEnvelope, similarityRow, type Matrix } from '../../src/core/kernels/reference';
import { graphModel, type GraphName } from '../../src/core/onnx/graphs';
import { encodingTableJob, scoreEnvelopeJob, similarityJob, type GraphJob } from '../../src/core/onnx/jobs';
import { ProtoWriter } from '../../src/core/onnx/protobuf';
import { runJob } from '../../src/core/onnx/runJob';
import { baseInvFreq } from '../../src/core/rope/frequencies';

const sessions = new Map<GraphName, ort.InferenceSession>();

async function run<R>(job: GraphJob<R>): Promise<R> {
  let session = sessions.get(job.graph);
  if (!session) {
    session = await ort.InferenceSession.create(graphModel(job.graph), { executionProviders: ['wasm'] });
    sessions.set(job.graph, session);
  }
  return runJob(session, (data, dims) => new ort.Tensor('float32', data, dims), job);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths');
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

before(() => {
  // One thread: the webview has no SharedArrayBuffer, and results stay deterministic.
  ort.env.wasm.numThreads = 1;
});

describe('protobuf writer', () => {
  it('encodes varints, negative int64, floats and strings as the wire format says', () => {
    assert.deepEqual([...new ProtoWriter().int(1, 300).finish()], [0x08, 0xac, 0x02]);
    assert.deepEqual([...new ProtoWriter().int(1, -1).finish()], [0x08, ...new Array(9).fill(0xff), 0x01]);
    assert.deepEqual([...new ProtoWriter().float(2, 1).finish()], [0x15, 0x00, 0x00, 0x80, 0x3f]);
    assert.deepEqual([...new ProtoWriter().string(2, 'θ').finish()], [0x12, 0x02, 0xce, 0xb8]);
    assert.deepEqual([...new ProtoWriter().packedInts(7, [1, 2]).finish()], [0x3a, 0x02, 0x01, 0x02]);
  });
});

describe('ONNX models', () => {
  it('are small, IR 8 / opset 17, and load', async () => {
    for (const name of ['scoreEnvelope', 'similarity', 'encodingTable'] as const) {
      const bytes = graphModel(name);
      assert.ok(bytes.length < 1024, `${name}: ${bytes.length} bytes`);
      assert.deepEqual([...bytes.subarray(0, 2)], [0x08, 8], 'ir_version field first');
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
      assert.ok(session.outputNames.length > 0);
      await session.release();
    }
  });
});

describe('score envelope graph', () => {
  for (const base of [10000, 500000]) {
    it(`matches float64 over 1M distances × 64 frequencies (base ${base})`, async (t) => {
      const invFreq = baseInvFreq(base, 128);
      const maxDistance = 1_000_000; // 1,000,001 distances over 1000 pixels: uneven buckets, padding used
      const expected = scoreEnvelope(invFreq, maxDistance, 1000);
      const actual = await run(scoreEnvelopeJob(invFreq, maxDistance, 1000));
      assert.equal(actual.pixels, expected.pixels);
      const err = Math.max(maxAbsDiff(actual.min, expected.min), maxAbsDiff(actual.max, expected.max));
      t.diagnostic(`max |error| = ${err.toExponential(2)}`);
      assert.ok(err < 1e-4, `max error ${err}`);
      assert.ok(Math.abs(actual.max[0]! - 1) < 1e-5, 's(0) = 1');
    });
  }

  it('handles exact buckets, tiny ranges, attention factor and no rotation', async () => {
    const invFreq = baseInvFreq(10000, 64);
    for (const [maxDistance, pixels, factor] of [[9999, 100, 1], [7, 64, 1.3], [123456, 777, 0.8]] as const) {
      const expected = scoreEnvelope(invFreq, maxDistance, pixels, factor);
      const actual = await run(scoreEnvelopeJob(invFreq, maxDistance, pixels, factor));
      const err = Math.max(maxAbsDiff(actual.min, expected.min), maxAbsDiff(actual.max, expected.max));
      assert.ok(err < 1e-5, `${maxDistance}/${pixels}: error ${err}`);
    }
    const flat = await run(scoreEnvelopeJob([0, 0], 5000, 50, 2));
    assert.ok(maxAbsDiff(flat.max, new Array(50).fill(4)) < 1e-6);
  });
});

describe('similarity graph', () => {
  it('matches float64 for 4096 RoPE positions × 128 dims', async (t) => {
    const table = encodingTable(baseInvFreq(10000, 128), 4096);
    const actual = await run(similarityJob(table));
    assert.equal(actual.data.length, 4096 * 4096);
    let err = 0;
    for (let i = 0; i < 4096; i += 97) {
      const row = similarityRow(table, i);
      err = Math.max(err, maxAbsDiff(actual.data.subarray(i * 4096, (i + 1) * 4096), row));
    }
    t.diagnostic(`max |error| over 43 rows = ${err.toExponential(2)}`);
    assert.ok(err < 1e-4, `max error ${err}`);
  });

  it('gives 0 for a zero row instead of NaN', async () => {
    const data = Float64Array.from({ length: 6 * 4 }, (_, i) => Math.sin(i * 1.7));
    data.fill(0, 8, 12);
    const table: Matrix = { rows: 6, cols: 4, data };
    const actual = await run(similarityJob(table));
    for (let i = 0; i < 6; i++) assert.ok(maxAbsDiff(actual.data.subarray(i * 6, i * 6 + 6), similarityRow(table, i)) < 1e-6);
  });
});

describe('encoding table graph', () => {
  it('matches float64 for 8192 positions × 64 frequencies (and a ragged count)', async (t) => {
    const invFreq = baseInvFreq(500000, 128);
    for (const [positions, factor] of [[8192, 1], [1000, 1.25]] as const) {
      const expected = encodingTable(invFreq, positions, factor);
      const actual = await run(encodingTableJob(invFreq, positions, factor));
      assert.equal(actual.rows, positions);
      const err = maxAbsDiff(actual.data, expected.data);
      t.diagnostic(`${positions} positions: max |error| = ${err.toExponential(2)}`);
      assert.ok(err < 1e-5, `max error ${err}`);
    }
  });
});

it('encoding table of a window (start, stride) matches the float64 reference at those positions', async () => {
  const invFreq = baseInvFreq(10000, 64);
  const start = 1_000_003;
  const stride = 7;
  const count = 300;
  const got = await run(encodingTableJob(invFreq, count, 1, 128, start, stride));
  let worst = 0;
  for (let j = 0; j < count; j++) {
    const p = start + stride * j;
    invFreq.forEach((f, i) => {
      worst = Math.max(worst, Math.abs(got.data[j * 64 + i]! - Math.cos(p * f)), Math.abs(got.data[j * 64 + 32 + i]! - Math.sin(p * f)));
    });
  }
  assert.ok(worst < 1e-5, `max error ${worst}`);
});
