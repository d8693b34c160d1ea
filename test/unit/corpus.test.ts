// Every shared real config comes out with the right kind, dimensions and context lengths.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText } from '../../src/core/analyze';
import { CORPUS, hasShared } from './referenceCases';

// file → [scope, layer, kind, ropeType, headDim, rotaryDim, theta, trained, claimed] per encoding
type Row = [string, string | null, string, string | null, number | null, number | null, number | null, number | null, number | null];
const EXPECTED: Record<string, Row[]> = {
  'llama2_7b_hf.json': [['', null, 'rope', 'default', 128, 128, 10000, 4096, 4096]],
  'llama31_8b_instruct.json': [['', null, 'rope', 'llama3', 128, 128, 500000, 8192, 131072]],
  'mistral_7b_instruct_v02.json': [['', null, 'rope', 'default', 128, 128, 1e6, 32768, 32768]],
  'qwen25_14b_instruct_ft.json': [['', null, 'rope', 'default', 128, 128, 1e6, 131072, 131072]],
  'qwen2_vl_7b_olmocr.json': [['', null, 'rope', 'default', 128, 128, 1e6, 32768, 32768]],
  'smollm2_135m_v5_layout.json': [['', null, 'rope', 'default', 64, 64, 100000, 8192, 8192]],
  'phi3_mini_128k_longrope.json': [['', null, 'rope', 'longrope', 96, 96, 10000, 4096, 131072]],
  'deepseek_v3_base.json': [['', null, 'rope', 'yarn', 64, 64, 10000, 4096, 163840]],
  'gemma3_1b_it.json': [
    ['', 'full_attention', 'rope', 'default', 256, 256, 1e6, 32768, 32768],
    ['', 'sliding_attention', 'rope', 'default', 256, 256, 10000, 32768, 32768],
  ],
  'pythia_410m_ft.json': [['', null, 'rope', 'default', 64, 16, 10000, 2048, 2048]],
  'gpt2_xl.json': [['', null, 'learned', null, null, null, null, 1024, 1024]],
  'bert_base_uncased.json': [['', null, 'learned', null, null, null, null, 512, 512]],
  't5_base.json': [['', null, 't5_relative', null, null, null, null, 512, 512]],
  'bloom_176b.json': [['', null, 'alibi', null, null, null, null, null, null]],
  'vit_base_patch16_224_in21k.json': [['', null, 'patch_grid', null, null, null, null, 197, 197]],
};

describe('shared corpus configs (../shared/corpus/configs)', { skip: hasShared ? false : 'shared corpus not present' }, () => {
  for (const [file, rows] of Object.entries(EXPECTED)) {
    it(file, () => {
      const a = analyzeText(readFileSync(join(CORPUS, 'configs', file), 'utf8'));
      assert.equal(a.findings.length, 0);
      const got: Row[] = a.encodings.map((e) => [
        e.spec.scope, e.spec.layer, e.spec.kind, e.spec.rope?.type ?? null, e.spec.rope?.headDim ?? null,
        e.spec.rope?.rotaryDim ?? null, e.spec.rope?.theta ?? null, e.spec.trainedContext, e.spec.maxContext,
      ]);
      assert.deepEqual(got, rows);
      for (const e of a.encodings) assert.ok(!e.findings.some((f) => f.severity === 'error'), `${file}: ${e.findings.map((f) => f.message).join('; ')}`);
    });
  }

  it('details of the non-rotary kinds', () => {
    const read = (f: string) => analyzeText(readFileSync(join(CORPUS, 'configs', f), 'utf8')).encodings[0]!.spec;
    const bloom = read('bloom_176b.json');
    assert.equal(bloom.alibi!.numHeads, 112);
    assert.equal(bloom.alibi!.slopes.length, 112);
    assert.deepEqual(read('t5_base.json').t5, { numBuckets: 32, maxDistance: 128, bidirectional: true });
    assert.deepEqual(read('vit_base_patch16_224_in21k.json').patchGrid, { imageSize: 224, patchSize: 16, gridSize: 14, numPositions: 197, hasClsToken: true, dim: 768 });
    assert.equal(read('gpt2_xl.json').learned!.dim, 1600);
    assert.equal(read('qwen2_vl_7b_olmocr.json').rope!.mropeSection!.join(','), '16,24,24');
  });
});
