// Learned position tables for the panel: the sampled-row read (F32/F16/BF16, strided, bounded), the base64
// wire format and its check, and the host side that puts them into PanelData (opened .safetensors, weights
// beside a config.json, sharded checkpoints) — with files written by the test.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MemoryByteSource, type ByteSource } from '../../src/core/formats/byteSource';
import { decodeBase64, encodeBase64, learnedKey, parseLearnedTable, toLearnedTableData } from '../../src/core/formats/learnedPayload';
import { readPositionRows, rowSampling } from '../../src/core/formats/learnedRows';
import { findPositionTables, readSafetensorsHeader } from '../../src/core/formats/safetensors';
import { baseInvFreq, llama3InvFreq } from '../../src/core/rope/frequencies';
import { panelData } from '../../src/extension/panelData';
import { LearnedTables, readFolderTable, withoutKnownData } from '../../src/extension/panelLearned';
import { parseWebviewMessage, type AnalyzeParams, type PanelData } from '../../src/protocol';
import { bf16Bytes, buildSafetensors, f16Bytes, f32Bytes, GgufBuilder } from './helpers/binaryWriters';

const T = { timeout: 20_000 };
const params: AnalyzeParams = { target: null, methods: ['current'], layer: null, seqLen: null };
const doc = { name: 'x', version: 1 };

/** Values exact in f16 and bf16 alike (small multiples of 1/8), distinct per position and dimension. */
function table(rows: number, dim: number): number[] {
  return Array.from({ length: rows * dim }, (_, i) => ((Math.floor(i / dim) % 61) - 30 + (i % dim) / 8) / 8);
}
const BYTES = { F32: f32Bytes, F16: f16Bytes, BF16: bf16Bytes } as const;

function decode(d: PanelData): Float32Array {
  const parsed = parseLearnedTable(d.learned?.table);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.values;
}

const dir = mkdtempSync(join(tmpdir(), 'pelens-learned-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function folder(files: Record<string, Uint8Array | string>): string {
  const d = join(dir, `m${n++}`);
  mkdirSync(d);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(d, name), bytes);
  return d;
}

describe('sampled rows of a learned table', () => {
  for (const dtype of ['F32', 'F16', 'BF16'] as const) {
    it(`${dtype}: every row of a small table, exactly`, T, async () => {
      const values = table(40, 6);
      const src = new MemoryByteSource(buildSafetensors([{ name: 'transformer.wpe.weight', dtype, shape: [40, 6], data: BYTES[dtype](values) }]));
      const h = await readSafetensorsHeader(src);
      const r = await readPositionRows(src, h, findPositionTables(h.tensors)[0]!);
      assert.deepEqual(r.findings, []);
      assert.equal(r.rows!.stride, 1);
      assert.deepEqual([...r.rows!.data], values);
    });
  }

  it('a long table is read every k-th row: bounded, and by row when the span is large', T, async () => {
    const rows = 5000;
    const values = table(rows, 4);
    const inner = new MemoryByteSource(buildSafetensors([{ name: 'wpe.weight', dtype: 'F16', shape: [rows, 4], data: f16Bytes(values) }]));
    const reads: number[] = [];
    const src: ByteSource = { size: inner.size, read: (o, len) => { reads.push(len); return inner.read(o, len); } };
    const h = await readSafetensorsHeader(src);
    for (const [maxSpanBytes, expectReads] of [[1 << 20, 1], [64, 1000]] as const) {
      reads.length = 0;
      const r = (await readPositionRows(src, h, findPositionTables(h.tensors)[0]!, { maxSpanBytes })).rows!;
      assert.equal(r.stride, 5);
      assert.equal(r.rowsUsed, 1000);
      assert.equal(reads.length, expectReads);
      for (const j of [0, 1, 517, 999]) assert.deepEqual([...r.data.subarray(j * 4, j * 4 + 4)], values.slice(j * 5 * 4, j * 5 * 4 + 4));
    }
  });

  it('sampling keeps ≤ 1024 rows and ≤ 1M values; a ViT grid keeps every row while it fits', () => {
    assert.deepEqual(rowSampling(1024, 768, 'learned'), { stride: 1, rowsUsed: 1024 });
    assert.deepEqual(rowSampling(131072, 4096, 'learned'), { stride: 512, rowsUsed: 256 });
    assert.deepEqual(rowSampling(577, 1024, 'vit'), { stride: 1, rowsUsed: 577 });
    assert.deepEqual(rowSampling(2049, 8, 'learned'), { stride: 3, rowsUsed: 683 });
  });

  it('unsupported dtype, truncated file: findings', T, async () => {
    const i32 = new MemoryByteSource(buildSafetensors([{ name: 'wpe.weight', dtype: 'I32', shape: [2, 3], data: f32Bytes([1, 2, 3, 4, 5, 6]) }]));
    const h = await readSafetensorsHeader(i32);
    assert.deepEqual((await readPositionRows(i32, h, findPositionTables(h.tensors)[0]!)).findings.map((f) => f.code), ['safetensors.unsupported-dtype']);
    const full = buildSafetensors([{ name: 'wpe.weight', dtype: 'F32', shape: [2, 3], data: f32Bytes([1, 2, 3, 4, 5, 6]) }]);
    const h2 = await readSafetensorsHeader(new MemoryByteSource(full));
    const cut = new MemoryByteSource(full.subarray(0, full.length - 4));
    assert.deepEqual((await readPositionRows(cut, h2, findPositionTables(h2.tensors)[0]!)).findings.map((f) => f.code), ['safetensors.offset-out-of-range']);
  });
});

describe('the wire format', () => {
  it('base64 agrees with Node for every length mod 3', () => {
    for (let len = 0; len < 40; len++) {
      const bytes = Uint8Array.from({ length: len }, (_, i) => (i * 97 + len * 13) & 255);
      const b64 = encodeBase64(bytes);
      assert.equal(b64, Buffer.from(bytes).toString('base64'));
      assert.deepEqual(decodeBase64(b64), bytes);
    }
    for (const bad of ['abc', 'ab=c', '====', 'ab c', 'abé=']) assert.equal(decodeBase64(bad), null, bad);
  });

  it('round trip is exact; damaged tables are refused', () => {
    const data = Float32Array.from(table(10, 3), (v, i) => (i === 7 ? -0 : v * Math.PI));
    const wire = toLearnedTableData({ name: 'wpe.weight', dtype: 'F32', kind: 'learned', shape: [10, 3], rows: 10, dim: 3, stride: 1, rowsUsed: 10, data }, 1.5);
    const back = parseLearnedTable(JSON.parse(JSON.stringify(wire)));
    assert.ok(back.ok);
    assert.deepEqual(back.values, data);
    for (const bad of [null, [], { ...wire, rowsUsed: 9 }, { ...wire, dim: 4 }, { ...wire, data: `${wire.data.slice(0, -4)}@@@@` },
      { ...wire, data: wire.data.slice(4) }, { ...wire, kind: 'x' }, { ...wire, rows: 1e9, rowsUsed: 1e9 }, { ...wire, shape: [-1] }, { ...wire, stride: 0 }]) {
      assert.equal(parseLearnedTable(bad).ok, false, JSON.stringify(bad).slice(0, 80));
    }
  });

  it('the learned request is validated like the others', () => {
    assert.equal(parseWebviewMessage({ type: 'request', id: 3, method: 'learned', params: { layer: null } }).ok, true);
    assert.equal(parseWebviewMessage({ type: 'request', id: 3, method: 'learned', params: { layer: 7 } }).ok, false);
    assert.equal(parseWebviewMessage({ type: 'request', id: 3, method: 'learned' }).ok, false);
  });
});

describe('PanelData.learned on the host', () => {
  for (const dtype of ['F32', 'F16', 'BF16'] as const) {
    it(`an opened ${dtype} .safetensors carries its table`, T, async () => {
      const values = table(1024, 16);
      const d = folder({ 'gpt2.safetensors': buildSafetensors([
        { name: 'wte.weight', dtype, shape: [8, 16], data: BYTES[dtype](new Array(128).fill(0.5)) },
        { name: 'wpe.weight', dtype, shape: [1024, 16], data: BYTES[dtype](values) },
      ]) });
      const data = await new LearnedTables().binaryPanelData(join(d, 'gpt2.safetensors'), doc, params);
      assert.equal(data.kind, 'learned');
      assert.equal(data.maxContext, 1024);
      assert.equal(data.learned?.source, 'gpt2.safetensors');
      const t = data.learned!.table!;
      assert.deepEqual([t.name, t.dtype, t.rows, t.dim, t.stride, t.rowsUsed, t.kind], ['wpe.weight', dtype, 1024, 16, 1, 1024, 'learned']);
      assert.deepEqual([...decode(data)], values);
      assert.equal(t.data.length, 4 * Math.ceil((1024 * 16 * 4) / 3)); // base64 of the float32 bytes: 4/3 of 64 KB
    });
  }

  it('a longer table is downsampled for the charts, and says so', T, async () => {
    const values = table(4000, 8);
    const d = folder({ 'long.safetensors': buildSafetensors([{ name: 'model.decoder.embed_positions.weight', dtype: 'F16', shape: [4000, 8], data: f16Bytes(values) }]) });
    const t = (await new LearnedTables().binaryPanelData(join(d, 'long.safetensors'), doc, params)).learned!.table!;
    assert.deepEqual([t.rows, t.stride, t.rowsUsed], [4000, 4, 1000]);
    const data = parseLearnedTable(t);
    assert.ok(data.ok);
    assert.deepEqual([...data.values.subarray(8 * 250, 8 * 251)], values.slice(8 * 1000, 8 * 1001));
  });

  it('a .safetensors without a position table explains itself', T, async () => {
    const d = folder({ 'llama.safetensors': buildSafetensors([{ name: 'model.embed_tokens.weight', dtype: 'F32', shape: [2, 2], data: f32Bytes([1, 2, 3, 4]) }]) });
    await assert.rejects(new LearnedTables().binaryPanelData(join(d, 'llama.safetensors'), doc, params), /No learned position table/);
  });

  it('a Llama 3.1 GGUF shows the scaled frequencies from its rope_freqs', T, async () => {
    const base = baseInvFreq(500000, 128);
    const scaled = llama3InvFreq(500000, 128, 8, 1, 4, 8192);
    const gguf = new GgufBuilder().str('general.architecture', 'llama').u32('llama.context_length', 131072).u32('llama.embedding_length', 4096)
      .u32('llama.attention.head_count', 32).u32('llama.rope.dimension_count', 128).f32('llama.rope.freq_base', 500000)
      .tensor('rope_freqs.weight', [64]).build({ data: f32Bytes(scaled.map((f, i) => base[i]! / f)) });
    const d = folder({ 'llama31.gguf': gguf });
    const data = await new LearnedTables().binaryPanelData(join(d, 'llama31.gguf'), doc, params);
    assert.equal(data.kind, 'rope');
    assert.equal(data.trainedContext, 8192);
    assert.equal(data.learned, null);
    const cur = data.series[0]!;
    assert.match(cur.label, /llama3/);
    assert.ok(cur.invFreq.every((f, i) => Math.abs(f - scaled[i]!) <= 1e-12 * scaled[i]!));
  });

  it('a config.json beside model.safetensors: offered, read on request, then carried', T, async () => {
    const values = table(64, 8);
    const config = JSON.stringify({ model_type: 'gpt2', n_positions: 64, n_embd: 8, n_head: 2, n_layer: 1 });
    const d = folder({ 'config.json': config, 'model.safetensors': buildSafetensors([{ name: 'transformer.wpe.weight', dtype: 'BF16', shape: [64, 8], data: bf16Bytes(values) }]) });
    const tables = new LearnedTables();
    const first = panelData(config, doc, params);
    assert.equal(first.kind, 'learned');
    await tables.attach(join(d, 'config.json'), first);
    assert.deepEqual(first.learned, { source: 'model.safetensors', table: null, problem: null }, 'offered, nothing read yet');
    assert.deepEqual(await tables.load(join(d, 'config.json'), first.layer), { loaded: true, problem: null });
    const next = panelData(config, doc, params);
    await tables.attach(join(d, 'config.json'), next);
    assert.deepEqual([...decode(next)], values);
    // A RoPE config beside weights gets no offer: its positions are not stored.
    const rope = panelData(JSON.stringify({ model_type: 'llama', max_position_embeddings: 4096, hidden_size: 64, num_attention_heads: 2 }), doc, params);
    await tables.attach(join(d, 'config.json'), rope);
    assert.equal(rope.learned, undefined);
  });

  it('sharded weights: the index names the shard, only that shard is opened', T, async () => {
    const values = table(32, 4);
    const d = folder({
      'model.safetensors.index.json': JSON.stringify({ metadata: {}, weight_map: { 'bert.encoder.layer.0.w': 'model-00001-of-00002.safetensors', 'bert.embeddings.position_embeddings.weight': 'model-00002-of-00002.safetensors' } }),
      'model-00001-of-00002.safetensors': new Uint8Array([1, 2, 3]), // not even safetensors: it must not be read
      'model-00002-of-00002.safetensors': buildSafetensors([
        { name: 'bert.embeddings.word_embeddings.weight', dtype: 'F32', shape: [2, 4], data: f32Bytes(new Array(8).fill(1)) },
        { name: 'bert.embeddings.position_embeddings.weight', dtype: 'F16', shape: [32, 4], data: f16Bytes(values) },
      ]),
    });
    const p = await readFolderTable(d);
    assert.equal(p.problem, null);
    assert.equal(p.source, 'model-00002-of-00002.safetensors');
    const parsed = parseLearnedTable(p.table);
    assert.ok(parsed.ok);
    assert.deepEqual([...parsed.values], values);
  });

  it('CLIP-like weights: the tower of the picked layer decides the table; broken weights give a problem', T, async () => {
    const d = folder({ 'model.safetensors': buildSafetensors([
      { name: 'text_model.embeddings.position_embedding.weight', dtype: 'F32', shape: [4, 2], data: f32Bytes(table(4, 2)) },
      { name: 'vision_model.embeddings.position_embedding.weight', dtype: 'F32', shape: [5, 2], data: f32Bytes(table(5, 2)) },
    ]) });
    assert.equal((await readFolderTable(d, 'vision')).table?.name, 'vision_model.embeddings.position_embedding.weight');
    assert.equal((await readFolderTable(d, 'text')).table?.name, 'text_model.embeddings.position_embedding.weight');
    const bad = folder({ 'model.safetensors': new Uint8Array([255, 255, 255, 255, 255, 255, 255, 255, 0]) });
    assert.match((await readFolderTable(bad)).problem ?? '', /header/);
    const missing = folder({ 'model.safetensors.index.json': '{"weight_map": {"wpe.weight": "gone.safetensors"}}' });
    assert.match((await readFolderTable(missing)).problem ?? '', /Could not read/);
  });
});

describe('the learned table travels once', () => {
  it('a reply for the table the webview holds leaves its data out; any other keeps it', () => {
    const table = { name: 'wpe.weight', dtype: 'F32', kind: 'learned' as const, shape: [4, 2], rows: 4, dim: 2, stride: 1, rowsUsed: 4, data: 'AAAA', readMs: 1.5 };
    const learned = { source: 'model.safetensors', table, problem: null };
    const held = learnedKey('model.safetensors', table);
    assert.equal(withoutKnownData(learned, held)!.table!.data, '');
    assert.equal(withoutKnownData(learned, held)!.table!.name, 'wpe.weight');
    assert.equal(withoutKnownData(learned, null)!.table!.data, 'AAAA');
    assert.equal(withoutKnownData(learned, learnedKey('other.safetensors', table))!.table!.data, 'AAAA');
    assert.equal(withoutKnownData(learned, learnedKey('model.safetensors', { ...table, readMs: 2 }))!.table!.data, 'AAAA', 'a re-read is another table');
    assert.equal(learned.table.data, 'AAAA', 'the held copy is not changed');
  });
});
