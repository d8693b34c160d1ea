// GGUF rope_freqs: the factors are read (one bounded read) and used as llama.cpp uses them, θᵢ / fᵢ; llama3
// factors become llama3 rope_scaling with transformers' frequencies; broken tensor infos become findings.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeSource, type FileAnalysis } from '../../src/core/analyzeFile';
import { analyzeText } from '../../src/core/analyze';
import { MemoryByteSource, type ByteSource } from '../../src/core/formats/byteSource';
import { matchLlama3 } from '../../src/core/formats/ggufRopeFreqs';
import { baseInvFreq, llama3InvFreq } from '../../src/core/rope/frequencies';
import { f32Bytes, GgufBuilder } from './helpers/binaryWriters';
import { hasShared, loadReference } from './referenceCases';

const T = { timeout: 10_000 };

function llama(ctx = 131072, theta = 500000, dim = 128): GgufBuilder {
  return new GgufBuilder()
    .str('general.architecture', 'llama').u32('llama.context_length', ctx).u32('llama.embedding_length', 32 * dim)
    .u32('llama.attention.head_count', 32).u32('llama.attention.head_count_kv', 8).u32('llama.rope.dimension_count', dim)
    .f32('llama.rope.freq_base', theta);
}

/** The factors convert_hf_to_gguf writes for llama3 scaling: θᵢ / llama3(θ)ᵢ, from the core's own formula. */
function llama3Factors(theta: number, dim: number, factor: number, low: number, high: number, orig: number): number[] {
  const base = baseInvFreq(theta, dim);
  return llama3InvFreq(theta, dim, factor, low, high, orig).map((f, i) => base[i]! / f);
}

/** A GGUF whose only tensor is rope_freqs.weight (F32 unless told) with these values. */
function withFreqs(b: GgufBuilder, values: number[], opts: { type?: number; offset?: number; dims?: number[]; truncate?: number } = {}): Uint8Array {
  b.tensor('rope_freqs.weight', opts.dims ?? [values.length], opts.type ?? 0, opts.offset ?? 0);
  const bytes = b.build({ data: f32Bytes(values) });
  return opts.truncate ? bytes.subarray(0, bytes.length - opts.truncate) : bytes;
}

const analyze = (bytes: Uint8Array): Promise<FileAnalysis> => analyzeSource('gguf', new MemoryByteSource(bytes));
const codes = (a: FileAnalysis): string[] => [...a.findings, ...a.encodings.flatMap((e) => e.findings)].map((f) => f.code);
const maxRel = (a: readonly number[], b: readonly number[]): number => {
  assert.equal(a.length, b.length);
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]!) / Math.abs(b[i]!)));
};

describe('GGUF rope_freqs values', () => {
  it('Llama 3.1: the llama3 factors give transformers\' llama3 frequencies', T, async () => {
    const factors = llama3Factors(500000, 128, 8, 1, 4, 8192);
    const a = await analyze(withFreqs(llama(), factors));
    const e = a.encodings[0]!;
    assert.equal(e.spec.rope?.type, 'llama3');
    assert.equal(e.spec.rope?.factor, 8);
    assert.equal(e.spec.rope?.originalMaxPositionEmbeddings, 8192);
    assert.equal(e.spec.rope?.highFreqFactor, 4);
    assert.equal(e.spec.trainedContext, 8192);
    assert.ok(codes(a).includes('gguf.rope-freqs-llama3'));
    assert.ok(!codes(a).includes('llamacpp.llama3-tensor'), 'the "check the GGUF has rope_freqs" advice is answered');
    // transformers 5's own llama3 inv_freq for Llama 3.1 (shared reference), else the core formula parity-tested against it.
    const ref = hasShared
      ? loadReference('reference_v5.json').find((c) => c.name === 'llama31_8b_instruct')!.invFreq!
      : analyzeText('{"max_position_embeddings":131072,"hidden_size":4096,"num_attention_heads":32,"rope_theta":500000.0,"rope_scaling":{"rope_type":"llama3","factor":8.0,"low_freq_factor":1.0,"high_freq_factor":4.0,"original_max_position_embeddings":8192}}').encodings[0]!.rope!.invFreq;
    assert.ok(maxRel(e.rope!.invFreq, ref) < 1e-12, `vs transformers: ${maxRel(e.rope!.invFreq, ref)}`);
    // And what llama.cpp computes from the float32 factors, θᵢ / fᵢ, agrees to float32 precision.
    const cpp = baseInvFreq(500000, 128).map((f, i) => f / Math.fround(factors[i]!));
    assert.ok(maxRel(e.rope!.invFreq, cpp) < 1e-6);
    // The scaled wavelengths: the longest pair now turns 8× slower than unscaled.
    const base = baseInvFreq(500000, 128);
    assert.ok(Math.abs(base[63]! / e.rope!.invFreq[63]! - 8) < 1e-6);
  });

  it('a llama3 variant (factor 16, low 2, high 8, original 4096) is recovered up to original/low', T, async () => {
    const a = await analyze(withFreqs(llama(65536), llama3Factors(500000, 128, 16, 2, 8, 4096)));
    const rope = a.encodings[0]!.spec.rope!;
    assert.equal(rope.type, 'llama3');
    assert.equal(rope.originalMaxPositionEmbeddings, 2048); // 4096 / 2: the factors fix only original/low
    assert.equal(rope.highFreqFactor, 4); // (4096/2) / (4096/8)
    const ref = hasShared ? loadReference('reference_v5.json').find((c) => c.name === 'syn_llama3_f16_lf2_hf8_orig4096')?.invFreq : null;
    const expected = ref ?? llama3InvFreq(500000, 128, 16, 2, 8, 4096);
    assert.ok(maxRel(a.encodings[0]!.rope!.invFreq, expected) < 1e-12);
  });

  it('other factors are used as they are: θᵢ / fᵢ (and times a linear factor)', T, async () => {
    const factors = Array.from({ length: 64 }, (_, i) => 1 + (i % 5) * 0.25);
    const a = await analyze(withFreqs(llama(32768), factors));
    const e = a.encodings[0]!;
    assert.ok(codes(a).includes('gguf.rope-freqs-factors'));
    assert.equal(e.rope!.attentionFactor, 1);
    const expected = baseInvFreq(500000, 128).map((f, i) => f / factors[i]!);
    assert.ok(maxRel(e.rope!.invFreq, expected) < 1e-12);

    const lin = await analyze(withFreqs(llama(32768).str('llama.rope.scaling.type', 'linear').f32('llama.rope.scaling.factor', 2), factors));
    assert.ok(maxRel(lin.encodings[0]!.rope!.invFreq, expected.map((f) => f / 2)) < 1e-9);
  });

  it('with yarn on top the factors are reported, not silently dropped', T, async () => {
    const b = llama(131072).str('llama.rope.scaling.type', 'yarn').f32('llama.rope.scaling.factor', 4).u32('llama.rope.scaling.original_context_length', 32768);
    const a = await analyze(withFreqs(b, llama3Factors(500000, 128, 8, 1, 4, 8192)));
    assert.ok(codes(a).includes('gguf.rope-freqs-combined'));
    assert.equal(a.encodings[0]!.spec.rope?.type, 'yarn');
  });

  it('all-ones factors change nothing', T, async () => {
    const a = await analyze(withFreqs(llama(8192), new Array(64).fill(1)));
    assert.ok(codes(a).includes('gguf.rope-freqs-identity'));
    assert.equal(a.encodings[0]!.spec.rope?.type, 'default');
  });

  it('reads only the header chunk and the 256 factor bytes', T, async () => {
    const inner = new MemoryByteSource(withFreqs(llama(), llama3Factors(500000, 128, 8, 1, 4, 8192)));
    const reads: [number, number][] = [];
    const src: ByteSource = { size: inner.size, read: (o, n) => { reads.push([o, n]); return inner.read(o, n); } };
    await analyzeSource('gguf', src);
    assert.equal(reads.length, 2);
    assert.deepEqual(reads[1]![1], 256);
  });

  it('honours general.alignment', T, async () => {
    const b = llama().u32('general.alignment', 64).tensor('rope_freqs.weight', [64], 0, 0);
    const a = await analyze(b.build({ align: 64, data: f32Bytes(llama3Factors(500000, 128, 8, 1, 4, 8192)) }));
    assert.equal(a.encodings[0]!.spec.rope?.type, 'llama3');
  });

  describe('bad tensor infos are findings, never a throw', () => {
    const good = llama3Factors(500000, 128, 8, 1, 4, 8192);
    const cases: [string, () => Uint8Array, string][] = [
      ['wrong dtype (F16)', () => withFreqs(llama(), good, { type: 1 }), 'gguf.rope-freqs-type'],
      ['offset past the end', () => withFreqs(llama(), good, { offset: 1 << 20 }), 'gguf.rope-freqs-out-of-range'],
      ['file truncated inside the tensor', () => withFreqs(llama(), good, { truncate: 10 }), 'gguf.rope-freqs-out-of-range'],
      ['wrong length', () => withFreqs(llama(), good.slice(0, 32)), 'gguf.rope-freqs-size'],
      ['misaligned offset', () => withFreqs(llama(), good, { offset: 4 }), 'gguf.rope-freqs-misaligned'],
      ['a zero factor', () => withFreqs(llama(), [0, ...good.slice(1)]), 'gguf.rope-freqs-bad-value'],
      ['a NaN factor', () => withFreqs(llama(), [...good.slice(0, 63), NaN]), 'gguf.rope-freqs-bad-value'],
    ];
    for (const [what, bytes, code] of cases) {
      it(what, T, async () => {
        const a = await analyze(bytes());
        assert.ok(codes(a).includes(code), `${code} in ${codes(a).join(', ')}`);
        // Unread factors leave the plain metadata analysis: unscaled RoPE, no invented scaling.
        assert.equal(a.encodings[0]!.spec.rope?.type, 'default');
      });
    }
  });

  it('matchLlama3 refuses factors that are not llama3\'s', () => {
    const f = llama3Factors(500000, 128, 8, 1, 4, 8192);
    f[40] = f[40]! * 1.01;
    assert.equal(matchLlama3(f, 500000, 128), null);
    assert.equal(matchLlama3(f.slice(0, 10), 500000, 128), null);
    assert.ok(matchLlama3(llama3Factors(10000, 128, 8, 1, 4, 4096), 10000, 128));
  });
});
