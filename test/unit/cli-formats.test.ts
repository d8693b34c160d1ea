// `pelens analyze` on the other files model authors open: GGUF, safetensors and training YAML, written here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { GGUF_TYPE } from '../../src/core/formats/gguf';
import { GgufBuilder, buildSafetensors, f32Bytes } from './helpers/binaryWriters';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'pelens-fmt-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('pelens on GGUF, safetensors and YAML', () => {
  it('GGUF yarn header → the same RoPE analysis, with llama.cpp findings', () => {
    const file = join(tmp, 'model.gguf');
    const tokens = Array.from({ length: 50_000 }, (_, i) => `t${i}`);
    writeFileSync(file, new GgufBuilder()
      .str('general.architecture', 'llama').u32('llama.context_length', 131072).u32('llama.embedding_length', 4096)
      .u32('llama.attention.head_count', 32).u32('llama.rope.dimension_count', 128).f32('llama.rope.freq_base', 1e6)
      .str('llama.rope.scaling.type', 'yarn').f32('llama.rope.scaling.factor', 4).u32('llama.rope.scaling.original_context_length', 32768)
      .arr('tokenizer.ggml.tokens', GGUF_TYPE.STRING, tokens).build());
    const r = run('analyze', file, '--json');
    assert.equal(r.status, 0, r.stderr);
    const e = JSON.parse(r.stdout).encodings[0];
    assert.equal(e.kind, 'rope');
    assert.equal(e.rope.type, 'yarn');
    assert.equal(e.trainedContext, 32768);
    assert.equal(e.maxContext, 131072);
    assert.equal(e.extrapolation.verdict, 'scaled');
  });

  it('a truncated GGUF is one clear line, exit 2', () => {
    const file = join(tmp, 'bad.gguf');
    writeFileSync(file, new TextEncoder().encode('GGUF\x03\x00'));
    const r = run('analyze', file);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^pelens: .*bad\.gguf: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('safetensors with a learned position table', () => {
    const file = join(tmp, 'model.safetensors');
    writeFileSync(file, buildSafetensors([{ name: 'wpe.weight', dtype: 'F32', shape: [16, 4], data: f32Bytes(Array.from({ length: 64 }, (_, i) => i / 64)) }]));
    const r = run('analyze', file, '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.encodings[0].kind, 'learned');
    assert.equal(j.encodings[0].learned.tableSize, 16);
  });

  it('axolotl YAML rope_scaling analysed like a config', () => {
    const file = join(tmp, 'axolotl.yaml');
    writeFileSync(file, 'base_model: meta-llama/Llama-2-7b-hf\nsequence_len: 16384\nrope_scaling:\n  type: linear\n  factor: 4\n');
    const r = run('analyze', file, '--json');
    assert.equal(r.status, 0, r.stderr);
    const e = JSON.parse(r.stdout).encodings[0];
    assert.equal(e.rope.type, 'linear');
    assert.equal(e.rope.factor, 4);
  });
});
