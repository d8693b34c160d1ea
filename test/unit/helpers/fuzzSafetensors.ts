// Arbitraries for safetensors files: headers whose entries are well formed, odd (wrong dtypes, shapes,
// offsets, metadata) or not entries at all, followed by any amount of data; and seeds for byte mutation.
import fc from 'fast-check';
import { bf16Bytes, buildSafetensors, ByteWriter, f16Bytes, f32Bytes } from './binaryWriters';
import { HUGE_U64 } from './fuzz';

const TABLE_NAMES = [
  'wpe.weight', 'transformer.wpe.weight', 'bert.embeddings.position_embeddings.weight', 'vit.embeddings.position_embeddings',
  'pos_embed', 'vision_model.embeddings.position_embedding.weight', 'model.decoder.embed_positions.weight', 'h.0.attn.c_attn.weight',
];
const DTYPES = ['F32', 'F16', 'BF16', 'F64', 'I8', 'U8', 'BOOL', 'F8_E4M3', 'X', ''];
const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I8: 1, U8: 1, BOOL: 1, F8_E4M3: 1 };
const oddNumber = fc.oneof(fc.nat({ max: 64 }), fc.constantFrom(0, -1, 1.5, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e308, -0), fc.integer());
const oddJson: fc.Arbitrary<unknown> = fc.oneof(oddNumber, fc.string({ maxLength: 6 }), fc.constant(null), fc.boolean(), fc.array(oddNumber, { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 4 }), oddNumber, { maxKeys: 3 }));

type Entry =
  | { kind: 'good'; name: string; dtype: string; shape: number[]; fill: number }
  | { kind: 'odd'; name: string; value: Record<string, unknown> }
  | { kind: 'junk'; name: string; value: unknown };

const name = fc.oneof(fc.constantFrom(...TABLE_NAMES), fc.string({ maxLength: 10 }));
const shape = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 16 })).map(([n, d]) => [n, d]),
  fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 8 })).map(([n, d]) => [1, n, d]),
  fc.array(fc.nat({ max: 6 }), { maxLength: 4 }),
);
const entry: fc.Arbitrary<Entry> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('good' as const), name, dtype: fc.constantFrom(...DTYPES), shape, fill: fc.nat({ max: 255 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('odd' as const),
      name,
      value: fc.record({ dtype: fc.oneof(fc.constantFrom(...DTYPES), oddJson), shape: fc.oneof(shape.map((s) => s as unknown), oddJson), data_offsets: fc.oneof(fc.tuple(oddNumber, oddNumber).map((t) => t as unknown), oddJson) }, { requiredKeys: [] }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('junk' as const), name: fc.constantFrom('__metadata__', ...TABLE_NAMES), value: oddJson }) },
);

/** A safetensors file from entries; good ones get consistent offsets and data, the rest are written as given. */
export const structuredSafetensors: fc.Arbitrary<Uint8Array> = fc
  .record({
    entries: fc.array(entry, { maxLength: 8 }),
    metadata: fc.option(fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 6 }), oddJson), { maxKeys: 3 }), { nil: undefined }),
    lengthLie: fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...HUGE_U64) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }).map((d) => d as number) }),
    extra: fc.integer({ min: -64, max: 64 }),
  })
  .map(({ entries, metadata, lengthLie, extra }) => {
    const header: Record<string, unknown> = {};
    if (metadata) header['__metadata__'] = metadata;
    const data: Uint8Array[] = [];
    let at = 0;
    for (const e of entries) {
      if (e.kind === 'good') {
        const bytes = (BYTES[e.dtype] ?? 1) * e.shape.reduce((a, b) => a * b, 1);
        header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [at, at + bytes] };
        data.push(new Uint8Array(bytes).fill(e.fill));
        at += bytes;
      } else header[e.name] = e.value;
    }
    const json = new TextEncoder().encode(JSON.stringify(header));
    const w = new ByteWriter();
    const length = lengthLie === null ? BigInt(json.length) : typeof lengthLie === 'bigint' ? lengthLie : BigInt(Math.max(0, json.length + lengthLie));
    w.u64(length).bytes(json);
    for (const d of data) w.bytes(d);
    const out = w.result();
    return extra < 0 ? out.slice(0, Math.max(0, out.length + extra)) : concatZeros(out, extra);
  });

function concatZeros(bytes: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(bytes.length + n);
  out.set(bytes);
  return out;
}

/** Real-looking files: GPT-2's wpe, a ViT grid, CLIP's vision tower, a RoPE model with no table. */
export function safetensorsSeeds(): Uint8Array[] {
  const values = (n: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5);
  return [
    buildSafetensors([{ name: 'wpe.weight', dtype: 'F32', shape: [16, 8], data: f32Bytes(values(128)) }, { name: 'wte.weight', dtype: 'F32', shape: [4, 8], data: f32Bytes(values(32)) }], { metadata: { format: 'pt' } }),
    buildSafetensors([{ name: 'vit.embeddings.position_embeddings', dtype: 'BF16', shape: [1, 17, 4], data: bf16Bytes(values(68).map((v) => Math.round(v * 8) / 8)) }]),
    buildSafetensors([{ name: 'vision_model.embeddings.position_embedding.weight', dtype: 'F16', shape: [10, 4], data: f16Bytes(values(40).map((v) => Math.round(v * 8) / 8)) }]),
    buildSafetensors([{ name: 'model.layers.0.self_attn.q_proj.weight', dtype: 'F32', shape: [4, 4], data: f32Bytes(values(16)) }], { metadata: { format: 'pt' } }),
  ];
}

/** model.safetensors.index.json texts: a weight_map of tensor → shard file, to be mutated. */
export const INDEX_SEEDS = [
  JSON.stringify({ metadata: { total_size: 123 }, weight_map: { 'transformer.wpe.weight': 'model-00001-of-00002.safetensors', 'transformer.h.0.attn.c_attn.weight': 'model-00002-of-00002.safetensors' } }, null, 2),
  JSON.stringify({ weight_map: { 'vit.embeddings.position_embeddings': 'model.safetensors', 'pos_embed': '../secret', 'x': 'a/b.safetensors', 'y': '.', 'z': 7 } }),
];
