// The safetensors header reader and the single-tensor read of a learned position table.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MemoryByteSource, type ByteSource } from '../../src/core/formats/byteSource';
import {
  findPositionTableShard,
  findPositionTables,
  parseSafetensorsIndex,
  readSafetensorsHeader,
  type SafetensorsHeader,
} from '../../src/core/formats/safetensors';
import { readPositionTable } from '../../src/core/formats/learnedRows';
import { bf16Bytes, buildSafetensors, f16Bytes, f32Bytes } from './helpers/binaryWriters';

const T = { timeout: 10_000 };
const codes = (h: { findings: { code: string }[] }): string[] => h.findings.map((f) => f.code);
const values = [0, 1, -2, 0.5, 3, -0.25];
const read = (b: Uint8Array): Promise<SafetensorsHeader> => readSafetensorsHeader(new MemoryByteSource(b));

describe('safetensors header', () => {
  const gpt2 = buildSafetensors([
    { name: 'wte.weight', dtype: 'F32', shape: [4, 3], data: f32Bytes(new Array(12).fill(1)) },
    { name: 'wpe.weight', dtype: 'F32', shape: [2, 3], data: f32Bytes(values) },
  ], { metadata: { format: 'pt' } });

  it('reads tensors and metadata, finds and reads wpe.weight', T, async () => {
    const src = new MemoryByteSource(gpt2);
    const h = await readSafetensorsHeader(src);
    assert.deepEqual(h.findings, []);
    assert.deepEqual(h.metadata, { format: 'pt' });
    assert.equal(h.tensors.size, 2);
    const [m] = findPositionTables(h.tensors);
    assert.deepEqual(m, { name: 'wpe.weight', kind: 'learned', rows: 2, dim: 3 });
    const { table, findings } = await readPositionTable(src, h, m!);
    assert.deepEqual(findings, []);
    assert.deepEqual([...table!.data], values);
  });

  it('reads only the table bytes', T, async () => {
    const inner = new MemoryByteSource(gpt2);
    const reads: [number, number][] = [];
    const src: ByteSource = { size: inner.size, read: (o, n) => { reads.push([o, n]); return inner.read(o, n); } };
    const h = await readSafetensorsHeader(src);
    reads.length = 0;
    await readPositionTable(src, h, findPositionTables(h.tensors)[0]!);
    assert.deepEqual(reads, [[h.dataOffset + 48, 24]]);
  });

  it('F16 and BF16 tables; BERT, CLIP and ViT names', T, async () => {
    const file = buildSafetensors([
      { name: 'bert.embeddings.position_embeddings.weight', dtype: 'F16', shape: [3, 2], data: f16Bytes(values) },
      { name: 'vision_model.embeddings.position_embedding.weight', dtype: 'BF16', shape: [2, 3], data: bf16Bytes(values) },
      { name: 'vit.embeddings.position_embeddings', dtype: 'F32', shape: [1, 2, 3], data: f32Bytes(values) },
    ]);
    const src = new MemoryByteSource(file);
    const h = await readSafetensorsHeader(src);
    const found = findPositionTables(h.tensors);
    assert.deepEqual(found.map((m) => [m.name, m.kind, m.rows, m.dim]), [
      ['bert.embeddings.position_embeddings.weight', 'learned', 3, 2],
      ['vision_model.embeddings.position_embedding.weight', 'learned', 2, 3],
      ['vit.embeddings.position_embeddings', 'vit', 2, 3],
    ]);
    for (const m of found) assert.deepEqual([...(await readPositionTable(src, h, m)).table!.data], values, m.name);
  });

  it('header length larger than the file', T, async () => {
    const h = await read(buildSafetensors([], { headerLength: 2n ** 40n }));
    assert.deepEqual(codes(h), ['safetensors.header-past-end']);
  });

  it('header length over the cap, too short a file, bad JSON', T, async () => {
    const big = buildSafetensors([{ name: 'x', dtype: 'F32', shape: [8], data: f32Bytes(new Array(8).fill(0)) }]);
    const h = await readSafetensorsHeader(new MemoryByteSource(big), { maxHeaderBytes: 10 });
    assert.deepEqual(codes(h), ['safetensors.header-too-large']);
    assert.deepEqual(codes(await read(new Uint8Array(5))), ['safetensors.truncated']);
    const bad = buildSafetensors([]);
    bad[8] = 0x5b; // "[" instead of "{"
    assert.deepEqual(codes(await read(bad)), ['safetensors.bad-header']);
    const broken = buildSafetensors([{ name: 'x', dtype: 'F32', shape: [1], data: f32Bytes([1]) }]);
    broken[broken.length - 6] = 0x2c; // break the JSON
    assert.deepEqual(codes(await read(broken)), ['safetensors.bad-header']);
  });

  it('tensor offsets out of range and size mismatches', T, async () => {
    const h = await read(buildSafetensors([
      { name: 'wpe.weight', dtype: 'F32', shape: [2, 3], data: f32Bytes(values), offsets: [0, 4000] },
      { name: 'b', dtype: 'F32', shape: [2], data: f32Bytes([1, 2, 3]) },
      { name: 'c', dtype: 'F32', shape: [-1], data: f32Bytes([1]) },
    ]));
    assert.deepEqual(codes(h).sort(), ['safetensors.bad-entry', 'safetensors.offset-out-of-range', 'safetensors.size-mismatch']);
    assert.equal(h.tensors.size, 0);
    assert.equal(h.complete, false);
  });

  it('unsupported dtype for the table', T, async () => {
    const file = buildSafetensors([{ name: 'wpe.weight', dtype: 'I32', shape: [2, 3], data: f32Bytes(values) }]);
    const src = new MemoryByteSource(file);
    const h = await readSafetensorsHeader(src);
    const { table, findings } = await readPositionTable(src, h, findPositionTables(h.tensors)[0]!);
    assert.equal(table, null);
    assert.deepEqual(codes({ findings }), ['safetensors.unsupported-dtype']);
  });

  it('a table over the size cap is refused', T, async () => {
    const src = new MemoryByteSource(buildSafetensors([{ name: 'wpe.weight', dtype: 'F32', shape: [2, 3], data: f32Bytes(values) }]));
    const h = await readSafetensorsHeader(src);
    const r = await readPositionTable(src, h, findPositionTables(h.tensors)[0]!, { maxTableBytes: 8 });
    assert.deepEqual(codes(r), ['safetensors.table-too-large']);
  });
});

describe('sharded safetensors index', () => {
  it('finds the shard holding the position table', () => {
    const index = parseSafetensorsIndex(JSON.stringify({
      metadata: { total_size: 1 },
      weight_map: { 'h.0.attn.c_attn.weight': 'model-00001-of-00002.safetensors', 'transformer.wpe.weight': 'model-00002-of-00002.safetensors', bad: '../../etc/passwd' },
    }));
    assert.deepEqual(findPositionTableShard(index), { name: 'transformer.wpe.weight', shard: 'model-00002-of-00002.safetensors' });
    assert.deepEqual(codes(index), ['safetensors.bad-shard-name']);
  });

  it('bad index files become findings', () => {
    assert.deepEqual(codes(parseSafetensorsIndex('{')), ['safetensors.bad-index']);
    assert.deepEqual(codes(parseSafetensorsIndex('{"metadata": {}}')), ['safetensors.bad-index']);
    assert.equal(findPositionTableShard(parseSafetensorsIndex('{"weight_map": {"a": "x.safetensors"}}')), null);
  });
});
