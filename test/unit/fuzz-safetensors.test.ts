// Property tests of the safetensors readers (header, position table, sampled rows, shard index) and the
// analysis of safetensors files: headers with odd entries and lying length fields, byte-mutated real-looking
// files, random bytes and sparse multi-GB files. Every case ends in findings or a complete header, reads
// within the documented caps, quickly. `npm run fuzz -- N` runs N cases of each property.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeSource } from '../../src/core/analyzeFile';
import { MemoryByteSource, type ByteSource } from '../../src/core/formats/byteSource';
import { readPositionRows, readPositionTable } from '../../src/core/formats/learnedRows';
import {
  DEFAULT_SAFETENSORS_LIMITS, findPositionTables, findPositionTableShard, parseSafetensorsIndex, readSafetensorsHeader, type SafetensorsLimits,
} from '../../src/core/formats/safetensors';
import { buildSafetensors, ByteWriter } from './helpers/binaryWriters';
import { assertFindingsClear, bounded, concat, CountingSource, mutated, mutatedText, runs, seed, SparseSource, testTimeout } from './helpers/fuzz';
import { assertAnalysisSane } from './helpers/fuzzChecks';
import { INDEX_SEEDS, safetensorsSeeds, structuredSafetensors } from './helpers/fuzzSafetensors';

const SEEDS = safetensorsSeeds();

/** The header reader's contract, then every position table it finds read both ways within their caps. */
async function checkFile(inner: ByteSource, partial: Partial<SafetensorsLimits> = {}): Promise<void> {
  const lim = { ...DEFAULT_SAFETENSORS_LIMITS, ...partial };
  const src = new CountingSource(inner);
  const h = await bounded('readSafetensorsHeader', () => readSafetensorsHeader(src, partial));
  assert.ok(h.complete || h.findings.some((f) => f.severity === 'error'), `incomplete without an error: ${h.findings.map((f) => f.code)}`);
  assertFindingsClear(h.findings);
  // One finding per kind of problem, however many entries have it.
  assert.equal(new Set(h.findings.map((f) => f.code)).size, h.findings.length, `repeated codes: ${h.findings.map((f) => f.code)}`);
  // The length field and then the header, only when it fits in the file and the limit.
  assert.ok(src.largest <= Math.max(8, Math.min(src.size - 8, lim.maxHeaderBytes)), `largest read ${src.largest}`);
  assert.ok(src.requested <= 8 + lim.maxHeaderBytes, `requested ${src.requested}`);
  const dataSize = src.size - h.dataOffset;
  for (const t of h.tensors.values()) {
    assert.ok(Number.isSafeInteger(t.begin) && t.begin >= 0 && t.begin <= t.end && t.end <= dataSize, `tensor ${t.name} [${t.begin}, ${t.end}) of ${dataSize}`);
    assert.ok(t.shape.every((d) => Number.isSafeInteger(d) && d >= 0));
  }
  for (const match of findPositionTables(h.tensors)) {
    assert.ok(Number.isSafeInteger(match.rows) && match.rows > 0 && Number.isSafeInteger(match.dim) && match.dim > 0, `table ${match.rows} × ${match.dim}`);
    const tableSrc = new CountingSource(inner);
    const maxTableBytes = 4096;
    const table = await bounded('readPositionTable', () => readPositionTable(tableSrc, h, match, { maxTableBytes }));
    assert.ok(table.table !== null || table.findings.length > 0);
    assertFindingsClear(table.findings);
    assert.ok(tableSrc.requested <= maxTableBytes, `table read ${tableSrc.requested} bytes`);
    if (table.table) assert.equal(table.table.data.length, match.rows * match.dim);
    const rowsSrc = new CountingSource(inner);
    const limits = { maxRows: 8, maxValues: 64, maxSpanBytes: 256 };
    const rows = await bounded('readPositionRows', () => readPositionRows(rowsSrc, h, match, limits));
    assert.ok(rows.rows !== null || rows.findings.length > 0);
    assertFindingsClear(rows.findings);
    // One span read (≤ maxSpanBytes, or the whole unstrided table within the value cap) or one read per row.
    assert.ok(rowsSrc.requested <= Math.max(limits.maxSpanBytes, 2 * limits.maxValues * 4), `rows read ${rowsSrc.requested} bytes`);
    if (rows.rows) {
      assert.equal(rows.rows.data.length, rows.rows.rowsUsed * match.dim);
      assert.ok(rows.rows.data.length <= 2 * limits.maxValues);
    }
  }
}

async function checkAnalysis(inner: ByteSource): Promise<void> {
  const a = await bounded('analyzeSource(safetensors)', () => analyzeSource('safetensors', inner, { target: 1_000_000 }));
  assertAnalysisSane(a, 'safetensors');
}

describe('fuzz: safetensors', () => {
  it('headers with odd entries, metadata, length fields and data sizes', { timeout: testTimeout(150) }, async () => {
    await fc.assert(fc.asyncProperty(structuredSafetensors, async (bytes) => {
      await checkFile(new MemoryByteSource(bytes));
      await checkFile(new MemoryByteSource(bytes), { maxHeaderBytes: 64 });
      await checkAnalysis(new MemoryByteSource(bytes));
    }), { numRuns: runs(150), seed: seed(21) });
  });

  it('byte-mutated real-looking files', { timeout: testTimeout(150) }, async () => {
    await fc.assert(fc.asyncProperty(mutated(fc.constantFrom(...SEEDS), 4), async (bytes) => {
      await checkFile(new MemoryByteSource(bytes));
      await checkAnalysis(new MemoryByteSource(bytes));
    }), { numRuns: runs(150), seed: seed(22) });
  });

  it('arbitrary bytes, bare or behind a length field that fits', { timeout: testTimeout(100) }, async () => {
    await fc.assert(fc.asyncProperty(fc.boolean(), fc.uint8Array({ maxLength: 300 }), async (prefixed, body) => {
      const bytes = prefixed ? concat(new ByteWriter().u64(body.length).result(), body) : body;
      await checkFile(new MemoryByteSource(bytes));
      await checkAnalysis(new MemoryByteSource(bytes));
    }), { numRuns: runs(100), seed: seed(23) });
  });

  it('a mutated header at the start of a sparse 10 GB file', { timeout: testTimeout(60) }, async () => {
    await fc.assert(fc.asyncProperty(mutated(fc.constantFrom(...SEEDS), 3), async (head) => {
      await checkFile(new SparseSource(head, 10 * 2 ** 30), { maxHeaderBytes: 1 << 16 });
      await checkAnalysis(new SparseSource(head, 10 * 2 ** 30));
    }), { numRuns: runs(60), seed: seed(24) });
  });

  it('shard indexes: mutated texts and arbitrary JSON never name a path outside the folder', { timeout: testTimeout(200) }, async () => {
    const anyJson = fc.oneof(fc.json(), fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('..', '.', '/etc/passwd', 'C:\\x', 'a/../b', '\\\\srv\\share')), { maxKeys: 6 }).map((m) => JSON.stringify({ weight_map: m })));
    await fc.assert(fc.asyncProperty(fc.oneof(mutatedText(fc.constantFrom(...INDEX_SEEDS), ['"..', '/', '\\\\', 'null', '{', '"weight_map"']), anyJson), async (text) => {
      const ix = await bounded('parseSafetensorsIndex', () => parseSafetensorsIndex(text));
      assertFindingsClear(ix.findings);
      for (const file of ix.weightMap.values()) assert.ok(file !== '' && file !== '.' && file !== '..' && !/[\\/]/.test(file), `shard "${file}"`);
      const hit = findPositionTableShard(ix);
      if (hit) assert.equal(ix.weightMap.get(hit.name), hit.shard);
    }), { numRuns: runs(200), seed: seed(25) });
  });


  describe('regressions', () => {
    it('a million non-string __metadata__ values are one finding, not a million', async () => {
      const metadata = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
      const h = await readSafetensorsHeader(new MemoryByteSource(buildSafetensors([], { metadata })));
      assert.deepEqual(h.findings.map((f) => f.code), ['safetensors.bad-metadata']);
      assert.match(h.findings[0]!.message, /^100000 __metadata__ values are not a string \(k0, k1, k2, k3, k4, …\)/);
    });
  });
});
