// Arbitraries for GGUF files: headers built from any keys, types, values and counts, and real-looking
// seeds (the shapes convert_hf_to_gguf writes for a few families) for byte-level mutation.
import fc from 'fast-check';
import { GGUF_TYPE } from '../../../src/core/formats/gguf';
import { f32Bytes, GgufBuilder, type GgufArrayValue } from './binaryWriters';
import { concat, HUGE_U64 } from './fuzz';

const ARCHS = ['llama', 'qwen2vl', 'bloom', 'gemma3', 'phi3', 'deepseek2', 'gpt2'];
const SUFFIXES = [
  'context_length', 'embedding_length', 'attention.head_count', 'attention.head_count_kv', 'attention.key_length',
  'rope.dimension_count', 'rope.freq_base', 'rope.freq_base_swa', 'rope.scaling.type', 'rope.scaling.factor',
  'rope.scaling.original_context_length', 'rope.scaling.yarn_beta_fast', 'rope.scaling.yarn_beta_slow', 'rope.scaling.attn_factor',
  'rope.scaling.yarn_log_multiplier', 'rope.scale_linear', 'rope.dimension_sections', 'attention.max_alibi_bias',
  'attention.sliding_window', 'rope.scaling.alpha', 'rope.scaling.finetuned', 'rope.scaling.yarn_ext_factor',
];

const oddFloat = fc.oneof(fc.constantFrom(0, -0, -1, 1, 0.5, 4, 10000, 1e6, 1e38, 1e308, -1e308, NaN, Infinity, -Infinity, 5e-324, 131072), fc.double());
const scalar = (type: number): fc.Arbitrary<unknown> => {
  switch (type) {
    case GGUF_TYPE.UINT8: case GGUF_TYPE.INT8: case GGUF_TYPE.BOOL: return fc.nat({ max: 255 });
    case GGUF_TYPE.UINT16: case GGUF_TYPE.INT16: return fc.nat({ max: 65535 });
    case GGUF_TYPE.UINT32: return fc.oneof(fc.constantFrom(0, 1, 2, 4096, 131072, 0xffffffff), fc.nat());
    case GGUF_TYPE.INT32: return fc.oneof(fc.constantFrom(0, -1, 2 ** 31 - 1, -(2 ** 31), 128), fc.integer());
    case GGUF_TYPE.FLOAT32: case GGUF_TYPE.FLOAT64: return oddFloat;
    case GGUF_TYPE.UINT64: case GGUF_TYPE.INT64: return fc.oneof(fc.constantFrom(...HUGE_U64), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));
    case GGUF_TYPE.STRING: return fc.oneof(fc.constantFrom('none', 'linear', 'yarn', 'longrope', 'llama', ''), fc.string({ maxLength: 12 }), fc.uint8Array({ maxLength: 12 }));
    default: return fc.constant(0);
  }
};
const SCALAR_TYPES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12];
const arrayValue: fc.Arbitrary<GgufArrayValue> = fc.letrec<{ arr: GgufArrayValue }>((tie) => ({
  arr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...SCALAR_TYPES).chain((t) => fc.array(scalar(t), { maxLength: 24 }).map((items) => ({ elemType: t, items }))),
    fc.nat({ max: 2000 }).map((n) => ({ elemType: GGUF_TYPE.UINT8, items: new Array<number>(n).fill(1) })), // past the materialise limit
    fc.array(tie('arr'), { maxLength: 3 }).map((items) => ({ elemType: GGUF_TYPE.ARRAY, items })),
  ),
})).arr;
/** A value and the type it is written as; sometimes an unknown type id, which the writer leaves empty. */
const typedValue = fc.oneof(
  fc.constantFrom(...SCALAR_TYPES).chain((type) => scalar(type).map((value) => ({ type, value }))),
  arrayValue.map((value) => ({ type: GGUF_TYPE.ARRAY, value: value as unknown })),
);
/** An unknown type id: the writer writes no value, the reader must stop at the type. */
const unknownType = fc.constantFrom(13, 255, 0xffffffff).map((type) => ({ type, value: 0 as unknown }));
const typed = (type: number): fc.Arbitrary<{ type: number; value: unknown }> => scalar(type).map((value) => ({ type, value }));
const FLOAT_SUFFIXES = new Set(['rope.freq_base', 'rope.freq_base_swa', 'rope.scaling.factor', 'rope.scaling.yarn_beta_fast', 'rope.scaling.yarn_beta_slow', 'rope.scaling.attn_factor', 'rope.scaling.yarn_log_multiplier', 'rope.scale_linear', 'attention.max_alibi_bias', 'rope.scaling.alpha', 'rope.scaling.yarn_ext_factor']);
const countValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(0, 1, 2, 8, 32, 64, 96, 128, 4096, 32768, 131072, 0xffffffff).map((value) => ({ type: GGUF_TYPE.UINT32, value: value as unknown })) },
  { weight: 1, arbitrary: typed(GGUF_TYPE.UINT64) },
  { weight: 1, arbitrary: typed(GGUF_TYPE.INT32) },
  { weight: 1, arbitrary: typed(GGUF_TYPE.FLOAT32) },
);
/** A value of the type llama.cpp writes for that key (mostly), with odd numbers in it. */
function meaningfulValue(suffix: string): fc.Arbitrary<{ type: number; value: unknown }> {
  if (suffix === 'rope.scaling.type')
    return fc.oneof(fc.constantFrom('none', 'linear', 'yarn', 'longrope', 'dynamic', '').map((value) => ({ type: GGUF_TYPE.STRING, value: value as unknown })), typed(GGUF_TYPE.UINT32));
  if (suffix === 'rope.dimension_sections')
    return fc.array(scalar(GGUF_TYPE.INT32), { maxLength: 5 }).map((items) => ({ type: GGUF_TYPE.ARRAY, value: { elemType: GGUF_TYPE.INT32, items } as unknown }));
  if (suffix.startsWith('attention.head_count'))
    return fc.oneof(countValue, fc.array(fc.nat({ max: 64 }), { maxLength: 6 }).map((items) => ({ type: GGUF_TYPE.ARRAY, value: { elemType: GGUF_TYPE.UINT32, items } as unknown })));
  if (suffix === 'rope.scaling.finetuned') return typed(GGUF_TYPE.BOOL);
  if (FLOAT_SUFFIXES.has(suffix)) return fc.oneof({ weight: 4, arbitrary: typed(GGUF_TYPE.FLOAT32) }, typed(GGUF_TYPE.FLOAT64), countValue);
  return countValue;
}
type EntrySpec = { suffix: string; tv: { type: number; value: unknown } } | { key: string | Uint8Array; tv: { type: number; value: unknown } };
const entry: fc.Arbitrary<EntrySpec> = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...SUFFIXES).chain((suffix) => meaningfulValue(suffix).map((tv) => ({ suffix, tv }))) },
  { weight: 1, arbitrary: fc.constantFrom('general.alignment', 'general.architecture').chain((key) => fc.oneof(countValue, typedValue).map((tv) => ({ key, tv }))) },
  { weight: 3, arbitrary: fc.tuple(fc.oneof(fc.string({ maxLength: 10 }), fc.uint8Array({ minLength: 1, maxLength: 6 }).map((b) => concat(b, new Uint8Array([0xff])))), typedValue).map(([key, tv]) => ({ key, tv })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SUFFIXES), typedValue).map(([suffix, tv]) => ({ suffix, tv })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SUFFIXES), unknownType).map(([suffix, tv]) => ({ suffix, tv })) },
);
const tensor = fc.record({
  name: fc.oneof(fc.constantFrom('rope_freqs.weight', 'rope_factors_long.weight', 'rope_factors_short.weight', 'token_embd.weight'), fc.string({ maxLength: 8 })),
  dims: fc.array(fc.oneof(fc.nat({ max: 4096 }), fc.constantFrom(0, 2 ** 32, 2 ** 53 - 1)), { maxLength: 10 }),
  type: fc.constantFrom(0, 1, 30, 2, 12, 0xffffffff),
  offset: fc.oneof(fc.nat({ max: 512 }), fc.constantFrom(2 ** 40, 2 ** 53 - 1)),
});
const rarely = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ weight: 11, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

/** A whole GGUF file of one architecture: its keys with odd values, stray keys, tensors, and rare lies in the header. */
export const structuredGguf: fc.Arbitrary<Uint8Array> = fc
  .record({
    arch: fc.constantFrom(...ARCHS),
    archAs: fc.constantFrom('string', 'string', 'string', 'string', 'u32', 'missing'),
    entries: fc.array(entry, { maxLength: 16 }),
    duplicate: fc.nat({ max: 5 }),
    tensors: fc.array(tensor, { maxLength: 4 }),
    bigEndian: fc.boolean(),
    version: fc.constantFrom(3, 3, 3, 3, 3, 2, 2, 1, 7),
    magic: fc.constantFrom(...Array<string>(10).fill('GGUF'), 'FUGG', 'GGML'),
    kvCount: rarely(fc.constantFrom(...HUGE_U64)),
    tensorCount: rarely(fc.constantFrom(...HUGE_U64)),
    dataBytes: fc.nat({ max: 300 }),
  })
  .map((r) => {
    const b = new GgufBuilder({ bigEndian: r.bigEndian, version: r.version });
    if (r.archAs !== 'missing') b.kv('general.architecture', r.archAs === 'string' ? GGUF_TYPE.STRING : GGUF_TYPE.UINT32, r.archAs === 'string' ? r.arch : 7);
    for (const e of r.entries) b.kv('suffix' in e ? `${r.arch}.${e.suffix}` : e.key, e.tv.type, e.tv.value);
    const again = b.entries[r.duplicate]; // a repeated key (llama.cpp refuses the file)
    if (again) b.kv(again.key, again.type, again.value);
    for (const t of r.tensors) b.tensor(t.name, t.dims, t.type, t.offset);
    return b.build({ magic: r.magic, dataBytes: r.dataBytes, ...(r.kvCount !== undefined ? { kvCount: r.kvCount } : {}), ...(r.tensorCount !== undefined ? { tensorCount: r.tensorCount } : {}) });
  });

/** Real-looking files: the shapes convert_hf_to_gguf writes for a few model families. */
export function seedFiles(): Uint8Array[] {
  const tokens = Array.from({ length: 40 }, (_, i) => `t${i}`);
  const llama = new GgufBuilder().str('general.architecture', 'llama').u32('general.alignment', 32)
    .u32('llama.context_length', 131072).u32('llama.embedding_length', 4096).u32('llama.attention.head_count', 32)
    .u32('llama.attention.head_count_kv', 8).u32('llama.rope.dimension_count', 128).f32('llama.rope.freq_base', 500000)
    .str('llama.rope.scaling.type', 'yarn').f32('llama.rope.scaling.factor', 4).u32('llama.rope.scaling.original_context_length', 32768)
    .f32('llama.rope.scaling.yarn_beta_fast', 32).f32('llama.rope.scaling.yarn_beta_slow', 1)
    .arr('tokenizer.ggml.tokens', GGUF_TYPE.STRING, tokens).arr('tokenizer.ggml.scores', GGUF_TYPE.FLOAT32, tokens.map(() => 0))
    .tensor('token_embd.weight', [8, 4], 0, 0).tensor('rope_freqs.weight', [64], 0, 128);
  const qwenVl = new GgufBuilder().str('general.architecture', 'qwen2vl').u32('qwen2vl.context_length', 128000)
    .u32('qwen2vl.embedding_length', 3584).u32('qwen2vl.attention.head_count', 28).u32('qwen2vl.rope.dimension_count', 128)
    .f32('qwen2vl.rope.freq_base', 1000000).arr('qwen2vl.rope.dimension_sections', GGUF_TYPE.INT32, [16, 24, 24, 0]);
  const bloom = new GgufBuilder().str('general.architecture', 'bloom').u32('bloom.context_length', 2048)
    .u32('bloom.embedding_length', 1024).u32('bloom.attention.head_count', 16).f32('bloom.attention.max_alibi_bias', 8);
  const phi3 = new GgufBuilder({ bigEndian: true }).str('general.architecture', 'phi3').u32('phi3.context_length', 131072)
    .u32('phi3.embedding_length', 3072).u32('phi3.attention.head_count', 32).u32('phi3.rope.dimension_count', 96)
    .str('phi3.rope.scaling.type', 'longrope').u32('phi3.rope.scaling.original_context_length', 4096)
    .tensor('rope_factors_long.weight', [48], 0, 0).tensor('rope_factors_short.weight', [48], 0, 192);
  const gemma = new GgufBuilder().str('general.architecture', 'gemma3').u32('gemma3.context_length', 32768)
    .arr('gemma3.attention.head_count', GGUF_TYPE.UINT32, [4, 4, 8]).u32('gemma3.attention.key_length', 256)
    .f32('gemma3.rope.freq_base', 1000000).f32('gemma3.rope.freq_base_swa', 10000).u32('gemma3.attention.sliding_window', 512)
    .f32('gemma3.rope.scale_linear', 8).kv('gemma3.rope.scaling.finetuned', GGUF_TYPE.BOOL, 1);
  // rope_freqs factors as Llama 3.1 ships them in shape: 1 for high frequencies, 8 for low ones, a ramp between.
  const factors = Array.from({ length: 64 }, (_, i) => (i < 24 ? 1 : i >= 40 ? 8 : 1 + ((i - 24) * 7) / 16));
  const llamaData = concat(new Uint8Array(128), f32Bytes(factors), new Uint8Array(16));
  return [llama.build({ data: llamaData }), qwenVl.build(), bloom.build(), phi3.build({ dataBytes: 400 }), gemma.build()];
}
