// The engine on the project's own fixtures: parsing as people write JSON, every layout, odd values, and a
// few transformers reference values carried here so the tests mean something without ../shared.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText, transformersOutcome } from '../../src/core/analyze';
import { fixesFor } from '../../src/core/edit/fixes';

const FIX = join(__dirname, '..', 'fixtures', 'configs');
const load = (name: string, opts = {}) => analyzeText(readFileSync(join(FIX, name), 'utf8'), opts);
const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe('engine on own fixtures', () => {
  it('reads JSONC (comments, trailing comma) with ranges for every key', () => {
    const a = load('llama_jsonc.json');
    assert.equal(a.findings.length, 0);
    const e = a.encodings[0]!;
    assert.equal(e.spec.kind, 'rope');
    assert.equal(e.spec.rope!.headDim, 128);
    assert.deepEqual(e.spec.sources['theta']!.keyRange, { start: { line: 6, character: 2 }, end: { line: 6, character: 14 } });
    assert.equal(e.spec.sources['theta']!.isDefault, false);
    close(e.rope!.invFreq[1]!, 0.8659643233600653);
  });

  it('marks defaults as defaults', () => {
    const a = analyzeText('{"model_type":"llama","hidden_size":4096,"num_attention_heads":32,"max_position_embeddings":4096}');
    const e = a.encodings[0]!;
    assert.equal(e.spec.rope!.theta, 10000);
    assert.equal(e.spec.sources['theta']!.isDefault, true);
    assert.ok(e.findings.some((f) => f.code === 'lens.theta-default'));
  });

  it('legacy `type` passes transformers 5 and warns for 4.x custom classes; top-level L₀ is the trained length', () => {
    const e = load('legacy_type_linear.json').encodings[0]!;
    assert.equal(e.spec.rope!.type, 'linear');
    assert.equal(transformersOutcome(e), 'pass');
    assert.equal(e.spec.trainedContext, 4096);
    assert.ok(e.findings.some((f) => f.runtime === 'transformers-4' && f.code === 'v4.legacy-type'));
    assert.ok(e.findings.some((f) => f.runtime === 'vllm' && f.code === 'vllm.max-len' && f.severity === 'warning'));
    assert.equal(e.extrapolation!.verdict, 'scaled');
  });

  it('yarn without original_max_position_embeddings: vLLM error, transformers 5 pass', () => {
    const e = load('yarn_no_orig.json').encodings[0]!;
    assert.equal(transformersOutcome(e), 'pass');
    assert.ok(e.findings.some((f) => f.code === 'vllm.yarn-no-orig' && f.severity === 'error'));
    close(e.rope!.attentionFactor, 0.1 * Math.log(4) + 1);
  });

  it('llama3 missing low_freq_factor is a transformers error on the rope_type key', () => {
    const e = load('llama3_missing_low.json').encodings[0]!;
    assert.equal(transformersOutcome(e), 'error');
    const f = e.findings.find((x) => x.code === 'rope.missing-keys')!;
    assert.match(f.message, /low_freq_factor/);
    assert.equal(f.range!.start.line, 6);
  });

  it('per-layer rope_parameters give one encoding per layer type', () => {
    const a = load('v5_per_layer.json');
    assert.deepEqual(a.encodings.map((e) => [e.spec.layer, e.spec.rope!.type, e.spec.rope!.theta]), [
      ['full_attention', 'linear', 1e6],
      ['sliding_attention', 'default', 1e4],
    ]);
    assert.ok(a.encodings.every((e) => transformersOutcome(e) === 'pass'));
  });

  it('odd values become findings, never exceptions or NaN', () => {
    const a = load('odd_values.json', { target: 1e9 });
    const e = a.encodings[0]!;
    const codes = e.findings.map((f) => f.code);
    for (const c of ['value.string-number', 'value.not-positive', 'rope.partial-out-of-range', 'value.not-finite']) assert.ok(codes.includes(c), `missing ${c}: ${codes.join(',')}`);
    assert.ok(e.findings.some((f) => f.code === 'rope.beta-order'));
    assert.ok(codes.includes('rope.no-dim'));
    assert.notEqual(e.spec.trainedContext, Infinity);
    assert.ok(!JSON.stringify(e.extrapolation ?? {}).includes('NaN'));
  });

  it('MPT ALiBi under attn_config', () => {
    const e = load('mpt_alibi.json').encodings[0]!;
    assert.equal(e.spec.kind, 'alibi');
    assert.equal(e.spec.alibi!.slopes.length, 32);
    close(e.spec.alibi!.slopes[0]!, Math.pow(2, -8 / 32));
    assert.equal(e.spec.trainedContext, 2048);
  });

  it('non-model JSON and broken JSON are reported, not thrown', () => {
    assert.ok(load('not_a_model.json').findings.some((f) => f.code === 'file.no-model-keys'));
    assert.ok(load('broken.json').findings.some((f) => f.code === 'syntax'));
    for (const t of ['', '[]', 'null', '"x"', '{"rope_scaling": 5}', '{"rope_parameters": {"a": {}}}', '{"hidden_size": 1e999, "rope_theta": -1}']) analyzeText(t);
  });

  it('reference values (transformers 5) for each scaling family', () => {
    const cases: [string, number, Record<number, number>, number][] = [
      ['{"hidden_size":4096,"num_attention_heads":32,"head_dim":128,"max_position_embeddings":131072,"rope_theta":500000.0,"rope_scaling":{"factor":8.0,"high_freq_factor":4.0,"low_freq_factor":1.0,"original_max_position_embeddings":8192,"rope_type":"llama3"}}', 0, { 16: 0.03760603093086393, 32: 0.0005248461609929547, 48: 6.647869871181236e-6, 63: 3.068925988914511e-7 }, 1],
      ['{"hidden_size":7168,"num_attention_heads":128,"qk_rope_head_dim":64,"max_position_embeddings":163840,"rope_theta":10000,"rope_scaling":{"beta_fast":32,"beta_slow":1,"factor":40,"mscale":1.0,"mscale_all_dim":1.0,"original_max_position_embeddings":4096,"type":"yarn"}}', 0, { 8: 0.1, 16: 0.0055, 24: 2.5e-5, 31: 3.33380358040831e-6 }, 1],
      ['{"hidden_size":4096,"num_attention_heads":32,"max_position_embeddings":4096,"rope_theta":10000.0,"rope_scaling":{"rope_type":"dynamic","factor":4.0}}', 16384, { 16: 0.052130723432660536, 32: 0.002717612325612543, 63: 8.882938343765066e-6 }, 1],
      ['{"hidden_size":2880,"num_attention_heads":64,"head_dim":64,"max_position_embeddings":131072,"rope_theta":150000.0,"rope_scaling":{"rope_type":"yarn","factor":32.0,"beta_fast":32.0,"beta_slow":1.0,"original_max_position_embeddings":4096,"truncate":false}}', 0, { 8: 0.050813274815461475, 16: 0.00045648391922324086, 31: 3.0235114281192144e-7 }, 1.3465735902799727],
    ];
    for (const [text, seqLen, want, af] of cases) {
      const e = analyzeText(text, { seqLen: seqLen || null }).encodings[0]!;
      for (const [i, v] of Object.entries(want)) close(e.rope!.invFreq[Number(i)]!, v, 1e-9);
      close(e.rope!.attentionFactor, af, 1e-9);
    }
  });
});

describe('configs in the wild that lean on class defaults', () => {
  it('a partial nested text_config takes the attention shape from its class defaults, marked as such', () => {
    const e = analyzeText('{"model_type":"xgenmm","text_config":{"model_type":"phi3","vocab_size":32012}}').encodings[0]!;
    assert.equal(e.spec.scope, 'text_config');
    assert.equal(e.spec.rope!.headDim, 96);
    assert.match(e.spec.sources['headDim']!.note!, /phi3 class default/);
    assert.equal(e.spec.maxContext, 4096);
  });
  it('Falcon RefinedWeb (alibi false) is rotary; Qwen v1 remote-code NTK keys are explained', () => {
    const f = analyzeText('{"model_type":"RefinedWebModel","alibi":false,"hidden_size":4544,"n_head":71}').encodings[0]!;
    assert.deepEqual([f.spec.kind, f.spec.rope!.headDim, f.spec.maxContext], ['rope', 64, 2048]);
    const q = analyzeText('{"model_type":"qwen","hidden_size":4096,"num_attention_heads":32,"kv_channels":128,"rotary_emb_base":10000,"rotary_pct":1.0,"seq_length":8192,"use_dynamic_ntk":true,"use_logn_attn":true}').encodings[0]!;
    assert.equal(q.spec.maxContext, 8192);
    assert.ok(q.findings.some((x) => x.code === 'lens.remote-code-ntk'));
  });
});

describe('text from callers that keep the byte-order mark', () => {
  it('reads a BOM as whitespace: same analysis, same ranges as without it', () => {
    const text = '{\n  "model_type": "llama",\n  "rope_theta": 500000.0\n}\n';
    const plain = analyzeText(text);
    const bom = analyzeText(`\ufeff${text}`);
    assert.deepEqual(bom.findings.filter((f) => f.code === 'syntax'), []);
    assert.equal(bom.encodings[0]!.spec.rope!.theta, 500000);
    assert.deepEqual(bom.encodings[0]!.spec.sources['theta']!.valueRange, { start: { line: 2, character: 16 }, end: { line: 2, character: 24 } });
    assert.deepEqual(bom.encodings[0]!.spec.sources['theta']!.valueRange, plain.encodings[0]!.spec.sources['theta']!.valueRange);
  });
});

describe('llama3 whose original length equals the max', () => {
  const base = { model_type: 'llama', max_position_embeddings: 8192, rope_theta: 500000.0, rope_scaling: { rope_type: 'llama3', factor: 8.0, low_freq_factor: 1.0, high_freq_factor: 4.0 } };
  it('stated at top level: the fix raises the max to factor × original', () => {
    const text = JSON.stringify({ ...base, original_max_position_embeddings: 8192 }, null, 2);
    assert.deepEqual(fixesFor(analyzeText(text), text).map((f) => f.fix.title), ['Set max_position_embeddings to 65536']);
  });
  it('not stated: no max to raise (the trained length follows it); the warning says the key is missing', () => {
    const text = JSON.stringify(base, null, 2);
    const a = analyzeText(text);
    assert.deepEqual(fixesFor(a, text), []);
    assert.match(a.encodings[0]!.findings.find((f) => f.code === 'rope.orig-ge-max')!.message, /^No `original_max_position_embeddings`/);
    assert.ok(!a.encodings[0]!.findings.some((f) => f.code === 'rope.orig-not-integer'));
  });
});
