// Property tests of the GGUF reader and the analysis of GGUF files: headers built from any keys, types,
// values and counts (duplicates, non-UTF-8 keys, absurd lengths), byte-mutated real-looking files, random
// bytes and sparse multi-GB files. Every case ends in a header with findings, within the read budget,
// quickly, and in a sane analysis. `npm run fuzz -- N` runs N cases of each property.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeSource } from '../../src/core/analyzeFile';
import { MemoryByteSource, type ByteSource } from '../../src/core/formats/byteSource';
import { DEFAULT_GGUF_LIMITS, GGUF_TYPE, readGgufHeader, type GgufLimits, type GgufValue } from '../../src/core/formats/gguf';
import { ggufToConfig } from '../../src/core/formats/ggufConfig';
import { ByteWriter, GgufBuilder } from './helpers/binaryWriters';
import { assertFindingsClear, bounded, concat, CountingSource, mutated, runs, seed, SparseSource, testTimeout } from './helpers/fuzz';
import { seedFiles, structuredGguf } from './helpers/fuzzGguf';
import { assertAnalysisSane } from './helpers/fuzzChecks';

/** The cursor's chunk (ggufCursor.ts): one read asks for at most this, or the one value that needs more. */
const CHUNK = 1 << 20;
const SEEDS = seedFiles();

function limitsOf(partial: Partial<GgufLimits>): GgufLimits {
  return { ...DEFAULT_GGUF_LIMITS, ...partial };
}

/** The reader's contract on one source: findings on any damage, reads within budget, values within caps. */
async function checkHeader(inner: ByteSource, partial: Partial<GgufLimits> = {}): Promise<void> {
  const lim = limitsOf(partial);
  const src = new CountingSource(inner);
  const h = await bounded('readGgufHeader', () => readGgufHeader(src, partial));
  assert.ok(h.complete || h.findings.some((f) => f.severity === 'error'), `incomplete without an error: ${h.findings.map((f) => f.code)}`);
  assertFindingsClear(h.findings);
  const budget = Math.min(src.size, lim.maxHeaderBytes);
  assert.ok(h.bytesWalked <= budget, `walked ${h.bytesWalked} of a ${budget}-byte budget`);
  // One read asks for a chunk or the one string that needs more; all reads together at most twice the walk plus a chunk.
  assert.ok(src.largest <= Math.max(CHUNK, lim.maxStringLength, lim.maxKeyLength), `largest read ${src.largest}`);
  assert.ok(src.requested <= 2 * budget + CHUNK, `requested ${src.requested} bytes for a ${budget}-byte budget`);
  assert.ok(h.kv.size <= lim.maxKvCount && h.tensors.length <= lim.maxTensorCount);
  for (const t of h.tensors) assert.ok(t.dims.length <= lim.maxDims);
  // What the header holds in memory: strings and arrays within their caps, and few items in all.
  let kept = 0;
  const visit = (v: GgufValue, depth: number): void => {
    assert.ok(depth <= lim.maxArrayDepth, 'array nested past the cap');
    if (typeof v === 'string') assert.ok(v.length <= lim.maxStringLength + 1, `string of ${v.length}`);
    if (typeof v === 'object') {
      assert.ok(v.items.length <= Math.max(lim.arrayMaterialiseLimit, lim.arrayItemsKept), `array keeps ${v.items.length} items`);
      assert.ok(v.items.length <= v.count);
      kept += v.items.length;
      for (const item of v.items) visit(item, depth + 1);
    }
  };
  for (const v of h.kv.values()) visit(v, 0);
  assert.ok(kept <= lim.maxItemsKept, `${kept} array items kept`);
  // Each code is listed a bounded number of times, plus one line counting the rest.
  const perCode = new Map<string, number>();
  for (const f of h.findings) perCode.set(f.code, (perCode.get(f.code) ?? 0) + 1);
  for (const [code, n] of perCode) assert.ok(n <= lim.maxFindingsPerCode + 1, `${n} findings ${code}`);
  if (h.complete) assert.ok(h.dataOffset !== null && h.dataOffset >= h.bytesWalked);
  assertFindingsClear(ggufToConfig(h).findings);
}

/** The rope_freqs reader's one read: at most 65536 F32 factors (ggufRopeFreqs.ts). */
const MAX_ROPE_FREQS_BYTES = 65536 * 4;

async function checkAnalysis(inner: ByteSource): Promise<void> {
  const src = new CountingSource(inner);
  const a = await bounded('analyzeSource(gguf)', () => analyzeSource('gguf', src, { target: 1_000_000, seqLen: 65536 }));
  assertAnalysisSane(a, 'gguf');
  // The header walk (as checkHeader bounds it) plus the one rope_freqs read.
  const budget = Math.min(src.size, DEFAULT_GGUF_LIMITS.maxHeaderBytes);
  assert.ok(src.requested <= 2 * budget + CHUNK + MAX_ROPE_FREQS_BYTES, `analysis read ${src.requested} bytes`);
}

describe('fuzz: GGUF', () => {
  it('headers built from any keys, types, values and counts', { timeout: testTimeout(120) }, async () => {
    await fc.assert(fc.asyncProperty(structuredGguf, async (bytes) => {
      await checkHeader(new MemoryByteSource(bytes));
      await checkHeader(new MemoryByteSource(bytes), { maxStringLength: 8, maxKeyLength: 16, arrayMaterialiseLimit: 4, arrayItemsKept: 2, maxArrayDepth: 2, maxKvCount: 6, maxTensorCount: 2, maxDims: 3, maxItemsKept: 5, maxFindingsPerCode: 1 });
      await checkAnalysis(new MemoryByteSource(bytes));
    }), { numRuns: runs(120), seed: seed(11) });
  });

  it('byte-mutated real-looking files (flips, truncation, splices, huge length fields, repeated KVs)', { timeout: testTimeout(150) }, async () => {
    await fc.assert(fc.asyncProperty(mutated(fc.constantFrom(...SEEDS), 5), async (bytes) => {
      await checkHeader(new MemoryByteSource(bytes));
      await checkAnalysis(new MemoryByteSource(bytes));
    }), { numRuns: runs(150), seed: seed(12) });
  });

  it('arbitrary bytes, bare or behind a valid magic and version', { timeout: testTimeout(100) }, async () => {
    const prefix = new ByteWriter().bytes(new TextEncoder().encode('GGUF')).u32(3).result();
    await fc.assert(fc.asyncProperty(fc.boolean(), fc.uint8Array({ maxLength: 400 }), async (withPrefix, body) => {
      const bytes = withPrefix ? concat(prefix, body) : body;
      await checkHeader(new MemoryByteSource(bytes));
      await checkAnalysis(new MemoryByteSource(bytes));
    }), { numRuns: runs(100), seed: seed(13) });
  });

  it('a mutated header at the start of a sparse 10 GB file reads within its budget', { timeout: testTimeout(60, 200) }, async () => {
    // Zeros or 0xff past the header: length fields that point into the rest are read as tiny or huge values.
    await fc.assert(fc.asyncProperty(mutated(fc.constantFrom(...SEEDS), 3), fc.constantFrom(0, 0xff, 0x01), async (head, fill) => {
      const src = new SparseSource(head, 10 * 2 ** 30, fill);
      await checkHeader(src, { maxHeaderBytes: 1 << 16 });
      await checkHeader(src, { maxHeaderBytes: 3 << 20, maxStringLength: 1 << 12 });
    }), { numRuns: runs(60), seed: seed(14) });
  });

  // Minimal inputs the properties found, kept as they were found.
  describe('regressions', () => {
    const enc = new TextEncoder();
    const header = (kvs: number): ByteWriter => new ByteWriter().bytes(enc.encode('GGUF')).u32(3).u64(0).u64(kvs);

    it('general.alignment as f32 Infinity or an array: a warning and 32, not a NaN data offset or "[object Object]"', async () => {
      for (const [type, value, shown] of [[GGUF_TYPE.FLOAT32, Infinity, 'Infinity'], [GGUF_TYPE.FLOAT32, 0.5, '0.5'], [GGUF_TYPE.ARRAY, { elemType: GGUF_TYPE.UINT8, items: [1, 2] }, 'an array of 2 items']] as const) {
        const h = await readGgufHeader(new MemoryByteSource(new GgufBuilder().str('general.architecture', 'llama').kv('general.alignment', type, value).build()));
        assert.deepEqual(h.findings.map((f) => f.code), ['gguf.bad-alignment']);
        assert.match(h.findings[0]!.message, new RegExp(`general.alignment is ${shown},`));
        assert.equal(h.dataOffset! % 32, 0);
      }
    });

    it('an array where llama.cpp expects a scalar is described, not "[object Object]"', async () => {
      const h = await readGgufHeader(new MemoryByteSource(new GgufBuilder().str('general.architecture', 'llama').arr('llama.rope.scaling.finetuned', GGUF_TYPE.UINT8, [1, 0]).build()));
      const f = ggufToConfig(h).findings.find((x) => x.code === 'gguf.scaling-finetuned');
      assert.match(f!.message, /finetuned = an array of 2 items is recorded/);
    });

    it('thousands of duplicated keys are ten findings and a count, not thousands', async () => {
      const b = new GgufBuilder();
      for (let i = 0; i < 2000; i++) b.u32('k', i);
      const h = await readGgufHeader(new MemoryByteSource(b.build()));
      assert.equal(h.findings.length, 11);
      assert.match(h.findings[10]!.message, /^1989 more problems like the ones above \(gguf.duplicate-key\)/);
    });

    it('nested arrays keep at most maxItemsKept items in all (1M u8 before: seconds and hundreds of MB)', async () => {
      const w = header(1).str('k').u32(GGUF_TYPE.ARRAY).u32(GGUF_TYPE.ARRAY).u64(256);
      for (let i = 0; i < 256; i++) {
        w.u32(GGUF_TYPE.ARRAY).u64(256);
        for (let j = 0; j < 256; j++) w.u32(GGUF_TYPE.UINT8).u64(16).bytes(new Uint8Array(16));
      }
      await checkHeader(new MemoryByteSource(w.result()));
    });

    it('millions of empty strings or nested arrays in a sparse file are walked in one quick pass', { timeout: testTimeout(1) }, async () => {
      // 2^30 vocabulary strings of length 0, or 2^29 arrays of 0 items, claimed over zeros: walked to the budget.
      for (const elem of [GGUF_TYPE.STRING, GGUF_TYPE.ARRAY]) {
        const w = header(1).str('tokenizer.ggml.tokens').u32(GGUF_TYPE.ARRAY).u32(elem).u64(elem === GGUF_TYPE.STRING ? 2n ** 30n : 2n ** 29n);
        await checkHeader(new SparseSource(w.result(), 10 * 2 ** 30), { maxHeaderBytes: 64 << 20 });
      }
    });
  });
});
