// GGUF metadata → HF-style config: the mapping, the provenance of every key, and llama.cpp's quirks.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MemoryByteSource } from '../../src/core/formats/byteSource';
import { GGUF_TYPE, readGgufHeader } from '../../src/core/formats/gguf';
import { ggufToConfig, type GgufConfig } from '../../src/core/formats/ggufConfig';
import { srcFromValue } from '../../src/core/formats/srcValue';
import { child } from '../../src/core/source';
import { GgufBuilder } from './helpers/binaryWriters';

const T = { timeout: 10_000 };

async function configOf(b: GgufBuilder): Promise<GgufConfig> {
  const h = await readGgufHeader(new MemoryByteSource(b.build({ dataBytes: 1024 })));
  assert.deepEqual(h.findings, []);
  return ggufToConfig(h);
}
const codes = (c: GgufConfig): string[] => c.findings.map((f) => f.code).sort();

function base(arch = 'llama', ctx = 131072): GgufBuilder {
  return new GgufBuilder()
    .str('general.architecture', arch)
    .u32(`${arch}.context_length`, ctx)
    .u32(`${arch}.embedding_length`, 4096)
    .u32(`${arch}.attention.head_count`, 32)
    .u32(`${arch}.attention.head_count_kv`, 8)
    .u32(`${arch}.rope.dimension_count`, 128)
    .f32(`${arch}.rope.freq_base`, 500000);
}

describe('GGUF → config', () => {
  it('maps a yarn llama with provenance and float-ness', T, async () => {
    const c = await configOf(base('qwen2').str('qwen2.rope.scaling.type', 'yarn').f32('qwen2.rope.scaling.factor', 4)
      .u32('qwen2.rope.scaling.original_context_length', 32768).f32('qwen2.rope.scaling.yarn_beta_fast', 32).f32('qwen2.rope.scaling.yarn_beta_slow', 1));
    assert.deepEqual(c.config, {
      model_type: 'qwen2', max_position_embeddings: 131072, rope_theta: 500000, hidden_size: 4096,
      num_attention_heads: 32, num_key_value_heads: 8,
      rope_scaling: { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 32768, beta_fast: 32, beta_slow: 1 },
    });
    assert.equal(c.sources.get('rope_scaling.factor'), 'qwen2.rope.scaling.factor');
    assert.equal(c.sources.get('max_position_embeddings'), 'qwen2.context_length');
    assert.deepEqual(c.findings, []);
    const factor = child(child(c.root, 'rope_scaling'), 'factor');
    assert.equal(factor?.raw, '4.0'); // an f32 in the file: a float for Python runtimes
    assert.equal(child(c.root, 'max_position_embeddings')?.raw, '131072');
    assert.equal(factor?.range, null);
    assert.deepEqual(factor?.path, ['rope_scaling', 'factor']);
  });

  it('reports the rope_freqs tensor (Llama 3.1 factors)', T, async () => {
    const c = await configOf(base().tensor('rope_freqs.weight', [64]));
    assert.deepEqual(codes(c), ['gguf.rope-freqs-tensor']);
    assert.equal(c.config['rope_scaling'], undefined);
  });

  it('warns when a 131072-context llama has neither rope_freqs nor scaling keys', T, async () => {
    const c = await configOf(base());
    assert.deepEqual(codes(c), ['gguf.llama3-scaling-dropped']);
    assert.equal(c.findings[0]?.key, 'llama.context_length');
    assert.equal(c.findings[0]?.runtime, 'llama.cpp');
  });

  it('rope_freqs of the wrong length', T, async () => {
    const c = await configOf(base().tensor('rope_freqs.weight', [32]));
    assert.deepEqual(codes(c), ['gguf.rope-freqs-size', 'gguf.rope-freqs-tensor']);
  });

  it('yarn without original_context_length, finetuned flag, DeepSeek log multiplier', T, async () => {
    const c = await configOf(base('deepseek2', 163840).str('deepseek2.rope.scaling.type', 'yarn').f32('deepseek2.rope.scaling.factor', 40)
      .bool('deepseek2.rope.scaling.finetuned', true).f32('deepseek2.rope.scaling.yarn_log_multiplier', 0.1));
    assert.deepEqual(codes(c), ['gguf.scaling-finetuned', 'gguf.yarn-log-multiplier', 'gguf.yarn-no-original-context']);
    const rs = c.config['rope_scaling'] as Record<string, number>;
    assert.ok(Math.abs((rs['mscale_all_dim'] ?? 0) - 1) < 1e-6);
  });

  it('legacy scale_linear, partial rotary, ALiBi, M-RoPE sections, SWA base', T, async () => {
    const c = await configOf(new GgufBuilder().str('general.architecture', 'x').u32('x.embedding_length', 2560).u32('x.attention.head_count', 32)
      .u32('x.rope.dimension_count', 20).f32('x.rope.scale_linear', 2).f32('x.attention.max_alibi_bias', 8)
      .arr('x.rope.dimension_sections', GGUF_TYPE.INT32, [16, 24, 24, 0]).f32('x.rope.freq_base_swa', 10000));
    assert.deepEqual(c.config['rope_scaling'], { rope_type: 'linear', factor: 2, mrope_section: [16, 24, 24] });
    assert.equal(c.config['partial_rotary_factor'], 0.25);
    assert.equal(c.config['alibi'], true);
    assert.equal(c.config['alibi_bias_max'], 8);
    assert.equal(c.config['rope_local_base_freq'], 10000);
    assert.equal(c.sources.get('partial_rotary_factor'), 'x.rope.dimension_count');
    assert.deepEqual(codes(c), ['gguf.legacy-scale-linear']);
  });

  it('a factor with scaling type none is ignored by llama.cpp', T, async () => {
    const c = await configOf(base('mistral', 32768).str('mistral.rope.scaling.type', 'none').f32('mistral.rope.scaling.factor', 8));
    assert.deepEqual(codes(c), ['gguf.scaling-factor-ignored']);
    assert.equal(c.config['rope_scaling'], undefined);
  });

  it('unknown scaling type and a missing architecture', T, async () => {
    assert.deepEqual(codes(await configOf(base('phi3', 4096).str('phi3.rope.scaling.type', 'su'))), ['gguf.unknown-scaling-type']);
    const none = await configOf(new GgufBuilder().u32('llama.context_length', 4096));
    assert.deepEqual(codes(none), ['gguf.no-architecture']);
    assert.equal(none.root.type, 'object');
  });

  it('longrope: factors in tensors, or missing', T, async () => {
    const ok = await configOf(base('phi3', 131072).str('phi3.rope.scaling.type', 'longrope').u32('phi3.rope.scaling.original_context_length', 4096)
      .tensor('rope_factors_long.weight', [48]).tensor('rope_factors_short.weight', [48]));
    assert.deepEqual(codes(ok), ['gguf.longrope-tensors']);
    const missing = await configOf(base('phi3', 131072).str('phi3.rope.scaling.type', 'longrope').u32('phi3.rope.scaling.original_context_length', 4096));
    assert.deepEqual(codes(missing), ['gguf.longrope-no-factors']);
  });
});

describe('srcFromValue', () => {
  it('builds a tree with paths, children and no ranges', () => {
    const n = srcFromValue({ a: [1, { b: 'x' }], c: null, d: 10n }, ['root'], new Set(['root.a[0]']));
    assert.equal(n.type, 'object');
    assert.deepEqual(n.value, { a: [1, { b: 'x' }], c: null, d: 10 });
    const a0 = n.children?.get('a')?.items?.[0];
    assert.deepEqual(a0?.path, ['root', 'a', 0]);
    assert.equal(a0?.raw, '1.0');
    assert.equal(n.children?.get('c')?.type, 'null');
  });
});
