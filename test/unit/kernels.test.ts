// The float64 reference kernels against brute force and against identities the maths guarantees.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  bucketStart,
  encodingTable,
  scoreAt,
  scoreEnvelope,
  similarityMatrix,
  similarityRow,
  sinusoidalTable,
  type Matrix,
} from '../../src/core/kernels/reference';
import { baseInvFreq } from '../../src/core/rope/frequencies';

const llama = baseInvFreq(10000, 128);

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
}

/** Deterministic pseudo-random numbers in [−1, 1) (a 32-bit LCG), so failures reproduce. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

describe('scoreAt', () => {
  it('is 1 at distance 0, and attentionFactor² with a factor', () => {
    assert.equal(scoreAt(llama, 0), 1);
    close(scoreAt(llama, 0, 1.2), 1.44, 1e-15, 's(0) with factor 1.2');
  });

  it('leaves zero frequencies out of H', () => {
    close(scoreAt([0, 0.5, 0], 7), Math.cos(3.5), 1e-15, 'one rotating pair');
    assert.equal(scoreAt([0, 0], 12345), 1);
  });

  it('decays from its start: RoFormer long-term decay on average', () => {
    let far = 0;
    for (let d = 5000; d < 6000; d++) far += Math.abs(scoreAt(llama, d));
    assert.ok(far / 1000 < 0.2, `mean |s| far away = ${far / 1000}`);
  });
});

describe('scoreEnvelope', () => {
  it('is the exact min/max of every distance in each bucket (uneven buckets)', () => {
    const maxDistance = 20000;
    const pixels = 137;
    const env = scoreEnvelope(llama, maxDistance, pixels);
    assert.equal(env.pixels, pixels);
    for (let p = 0; p < pixels; p++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let d = bucketStart(p, maxDistance, pixels); d < bucketStart(p + 1, maxDistance, pixels); d++) {
        const s = scoreAt(llama, d);
        lo = Math.min(lo, s);
        hi = Math.max(hi, s);
      }
      close(env.min[p]!, lo, 1e-12, `min of bucket ${p}`);
      close(env.max[p]!, hi, 1e-12, `max of bucket ${p}`);
    }
    assert.equal(env.max[0], 1);
  });

  it('buckets tile 0..maxDistance without gaps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100000 }), fc.integer({ min: 1, max: 5000 }), (maxDistance, pixels) => {
        const px = Math.min(pixels, maxDistance + 1);
        assert.equal(bucketStart(0, maxDistance, px), 0);
        assert.equal(bucketStart(px, maxDistance, px), maxDistance + 1);
        for (let p = 0; p < px; p++) assert.ok(bucketStart(p + 1, maxDistance, px) > bucketStart(p, maxDistance, px));
      }),
      { seed: 1 },
    );
  });

  it('holds every sampled score between its bucket min and max', () => {
    const maxDistance = 300000;
    const invFreq = baseInvFreq(500000, 128);
    const env = scoreEnvelope(invFreq, maxDistance, 640);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: maxDistance }), (d) => {
        const p = Math.floor((d * env.pixels) / (maxDistance + 1));
        const s = scoreAt(invFreq, d);
        assert.ok(env.min[p]! - 1e-12 <= s && s <= env.max[p]! + 1e-12, `d=${d} s=${s} bucket ${p}`);
      }),
      { seed: 42 },
    );
  });

  it('clamps pixels to the number of distances and handles no rotation', () => {
    const env = scoreEnvelope(llama, 9, 100);
    assert.equal(env.pixels, 10);
    for (let d = 0; d <= 9; d++) close(env.max[d]!, scoreAt(llama, d), 1e-14, `d=${d}`);
    const flat = scoreEnvelope([0, 0], 1000, 10, 2);
    assert.deepEqual([...flat.min], new Array(10).fill(4));
  });
});

describe('encodingTable', () => {
  it('holds cos then sin blocks, times the attention factor', () => {
    const t = encodingTable([1, 0.01], 50, 1.5);
    assert.equal(t.cols, 4);
    close(t.data[37 * 4 + 0]!, 1.5 * Math.cos(37), 1e-15, 'cos θ0');
    close(t.data[37 * 4 + 1]!, 1.5 * Math.cos(0.37), 1e-15, 'cos θ1');
    close(t.data[37 * 4 + 2]!, 1.5 * Math.sin(37), 1e-15, 'sin θ0');
    close(t.data[37 * 4 + 3]!, 1.5 * Math.sin(0.37), 1e-15, 'sin θ1');
  });

  it('has cosine similarity s(|p − q|): the relative score is the rotation identity', () => {
    const sim = similarityMatrix(encodingTable(llama, 300));
    for (const [p, q] of [[0, 0], [5, 100], [299, 3], [150, 151]] as const) {
      close(sim.data[p * 300 + q]!, scoreAt(llama, Math.abs(p - q)), 1e-12, `(${p}, ${q})`);
    }
  });
});

describe('similarity', () => {
  it('sinusoidal position similarity is Toeplitz, symmetric, 1 on the diagonal', () => {
    const n = 256;
    const sim = similarityMatrix(sinusoidalTable(n, 64));
    for (let i = 0; i < n; i++) {
      close(sim.data[i * n + i]!, 1, 1e-12, `diag ${i}`);
      for (let j = 0; j < n; j++) {
        close(sim.data[i * n + j]!, sim.data[j * n + i]!, 0, 'symmetric');
        if (i + 1 < n && j + 1 < n) close(sim.data[(i + 1) * n + j + 1]!, sim.data[i * n + j]!, 1e-12, `toeplitz ${i},${j}`);
      }
    }
  });

  it('matches a brute-force cosine on a random table, a zero row similar to nothing', () => {
    const rand = lcg(7);
    const rows = 40;
    const cols = 17;
    const data = Float64Array.from({ length: rows * cols }, rand);
    data.fill(0, 3 * cols, 4 * cols); // row 3 is zero
    const table: Matrix = { rows, cols, data };
    const sim = similarityMatrix(table);
    for (let i = 0; i < rows; i++) {
      const row = similarityRow(table, i);
      for (let j = 0; j < rows; j++) {
        let dot = 0;
        let ni = 0;
        let nj = 0;
        for (let c = 0; c < cols; c++) {
          dot += data[i * cols + c]! * data[j * cols + c]!;
          ni += data[i * cols + c]! ** 2;
          nj += data[j * cols + c]! ** 2;
        }
        const expected = ni === 0 || nj === 0 ? 0 : dot / Math.sqrt(ni * nj);
        close(sim.data[i * rows + j]!, expected, 1e-12, `(${i}, ${j})`);
        assert.equal(row[j], sim.data[i * rows + j]);
      }
    }
    assert.equal(sim.data[3 * rows + 3], 0);
  });
});
