// YAML into SrcNode with real ranges, and training recipes (axolotl, LLaMA-Factory) into an HF-style config.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseYaml, pyyamlNumberKind } from '../../src/core/formats/yaml';
import { trainingYamlToConfig } from '../../src/core/formats/yamlConfig';
import { child } from '../../src/core/source';

const T = { timeout: 10_000 };
const codes = (x: { findings: { code: string }[] }): string[] => x.findings.map((f) => f.code).sort();

const axolotl = `base_model: meta-llama/Llama-2-7b-hf
sequence_len: 16384
rope_theta: 1000000.0
rope_scaling:
  type: linear
  factor: 4
micro_batch_size: 1
`;

const llamaFactory = `### model
model_name_or_path: meta-llama/Meta-Llama-3-8B-Instruct
rope_scaling: yarn
### method
stage: sft
do_train: true
finetuning_type: lora
### dataset
cutoff_len: 20000
`;

describe('YAML → SrcNode', () => {
  it('keeps key and value ranges', T, () => {
    const { root, findings } = parseYaml(axolotl);
    assert.deepEqual(findings, []);
    const factor = child(child(root, 'rope_scaling'), 'factor');
    assert.equal(factor?.value, 4);
    assert.equal(factor?.raw, '4');
    assert.deepEqual(factor?.range, { start: { line: 5, character: 10 }, end: { line: 5, character: 11 } });
    assert.deepEqual(factor?.keyRange, { start: { line: 5, character: 2 }, end: { line: 5, character: 8 } });
    assert.deepEqual(factor?.path, ['rope_scaling', 'factor']);
    assert.equal(child(root, 'rope_theta')?.raw, '1000000.0');
    assert.deepEqual(root?.value, {
      base_model: 'meta-llama/Llama-2-7b-hf', sequence_len: 16384, rope_theta: 1e6, rope_scaling: { type: 'linear', factor: 4 }, micro_batch_size: 1,
    });
  });

  it('syntax errors are findings with ranges, never throws', T, () => {
    const r = parseYaml('a: 1\nrope_scaling:\n  type: [linear\nb: "x\n');
    assert.ok(r.findings.length > 0);
    assert.ok(r.findings.every((f) => f.code === 'syntax' && f.severity === 'error' && f.range !== null));
    for (const bad of ['', ':', '- - - [', '{a: 1', 'a: *nope', '%YAML 9.9\n---\na: 1', 'a: 1\n---\nb: 2', '\t- x']) parseYaml(bad);
  });

  it('duplicate keys: last wins, reported', T, () => {
    const r = parseYaml('rope_theta: 1\nrope_theta: 2\n');
    assert.equal(child(r.root, 'rope_theta')?.value, 2);
    assert.deepEqual(codes(r), ['yaml.duplicate-key']);
  });

  it('alias bombs are bounded', T, () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 12; i++) text += `a${i}: &a${i} [${new Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    const t0 = performance.now();
    const r = parseYaml(text);
    assert.ok(performance.now() - t0 < 3000);
    assert.ok(codes(r).includes('yaml.too-large'));
  });

  it('PyYAML number typing', () => {
    assert.equal(pyyamlNumberKind('1e6'), 'string');
    assert.equal(pyyamlNumberKind('1.0e6'), 'string');
    assert.equal(pyyamlNumberKind('1.0e+6'), 'float');
    assert.equal(pyyamlNumberKind('4.0'), 'float');
    assert.equal(pyyamlNumberKind('4'), 'int');
  });
});

describe('training recipes → config', () => {
  it('axolotl: rope_scaling dict passes through with ranges', T, () => {
    const c = trainingYamlToConfig(parseYaml(axolotl).root);
    assert.equal(c.recipe, 'axolotl');
    assert.equal(c.baseModel, 'meta-llama/Llama-2-7b-hf');
    assert.deepEqual(c.config, { max_position_embeddings: 16384, rope_theta: 1e6, rope_scaling: { type: 'linear', factor: 4 } });
    assert.equal(c.sources.get('rope_scaling.factor'), 'rope_scaling.factor');
    const factor = child(child(c.root, 'rope_scaling'), 'factor');
    assert.equal(factor?.range?.start.line, 5);
    assert.equal(factor?.raw, '4');
    assert.equal(child(c.root, 'rope_scaling')?.keyRange?.start.line, 3);
    assert.equal(child(c.root, 'rope_theta')?.raw, '1000000.0');
    assert.deepEqual(codes(c), ['yaml.training-length']);
  });

  it('axolotl: a rope_scaling factor PyYAML reads as a string, and a string rope_scaling', T, () => {
    const c = trainingYamlToConfig(parseYaml('base_model: x\nrope_scaling:\n  type: yarn\n  factor: 4e0\n').root);
    assert.deepEqual(codes(c), ['yaml.pyyaml-string']);
    assert.equal(c.findings[0]?.range?.start.line, 3);
    const s = trainingYamlToConfig(parseYaml('base_model: x\noverrides_of_model_config:\n  rope_scaling: linear\n').root);
    assert.deepEqual(codes(s), ['yaml.rope-scaling-not-dict']);
  });

  it('LLaMA-Factory without the base config: says what is missing', T, () => {
    const c = trainingYamlToConfig(parseYaml(llamaFactory).root);
    assert.equal(c.recipe, 'llama-factory');
    assert.equal(c.baseModel, 'meta-llama/Meta-Llama-3-8B-Instruct');
    assert.equal(c.needsBaseMaxPositions, true);
    assert.deepEqual(codes(c), ['yaml.factor-needs-base-config']);
    assert.match(c.findings[0]!.message, /ceil\(cutoff_len \/ max_position_embeddings\)/);
    assert.deepEqual(c.config, {});
  });

  it('LLaMA-Factory with the base length: factor = ceil(cutoff_len / L)', T, () => {
    const c = trainingYamlToConfig(parseYaml(llamaFactory).root, { baseMaxPositions: 8192 });
    assert.deepEqual(c.config, {
      rope_scaling: { rope_type: 'yarn', factor: 3, original_max_position_embeddings: 8192 },
      max_position_embeddings: 24576,
    });
    assert.equal(c.sources.get('rope_scaling.factor'), 'cutoff_len');
    assert.equal(child(child(c.root, 'rope_scaling'), 'factor')?.raw, '3.0');
    assert.equal(child(child(c.root, 'rope_scaling'), 'factor')?.range?.start.line, 8);
    assert.equal(child(c.root, 'rope_scaling')?.range?.start.line, 2);
    assert.deepEqual(codes(c), ['yaml.factor-rounded']);
  });

  it('LLaMA-Factory: llama3 extras, disabled scaling, bad names, inference', T, () => {
    const l3 = trainingYamlToConfig(parseYaml(llamaFactory.replace('yarn', 'llama3')).root, { baseMaxPositions: 10000 });
    assert.deepEqual(l3.config['rope_scaling'], { rope_type: 'llama3', factor: 2, original_max_position_embeddings: 10000, low_freq_factor: 1, high_freq_factor: 4 });
    const off = trainingYamlToConfig(parseYaml(llamaFactory).root, { baseMaxPositions: 32768 });
    assert.deepEqual(codes(off), ['yaml.scaling-disabled']);
    assert.deepEqual(off.config, {});
    const bad = trainingYamlToConfig(parseYaml(llamaFactory.replace('yarn', 'ntk')).root);
    assert.deepEqual(codes(bad), ['yaml.unknown-rope-scaling']);
    const inf = trainingYamlToConfig(parseYaml(llamaFactory.replace('do_train: true', 'do_train: false')).root);
    assert.deepEqual(inf.config['rope_scaling'], { rope_type: 'yarn', factor: 2 });
    assert.deepEqual(codes(inf), ['yaml.inference-factor']);
  });

  it('non-mapping and empty documents', T, () => {
    assert.deepEqual(codes(trainingYamlToConfig(parseYaml('- a\n- b\n').root)), ['yaml.not-a-mapping']);
    const empty = trainingYamlToConfig(parseYaml('').root);
    assert.equal(empty.recipe, 'unknown');
    assert.equal(empty.root.type, 'object');
  });
});
