// Odd values never throw: arbitrary JSON in every position key, and byte-level mutations of real configs,
// always give findings and finite numbers (quick profile; `npm run fuzz` runs more cases).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeText } from '../../src/core/analyze';
import { analysisToJson } from '../../src/core/report/json';
import { suggest } from '../../src/core/suggest/suggest';
import { CORPUS } from './referenceCases';

const RUNS = Number(process.env['PELENS_FUZZ_RUNS'] ?? 150);
const KEYS = ['rope_theta', 'rope_scaling', 'rope_parameters', 'max_position_embeddings', 'original_max_position_embeddings', 'head_dim', 'hidden_size', 'num_attention_heads', 'partial_rotary_factor', 'rotary_pct', 'rope_local_base_freq', 'alibi', 'n_positions', 'position_embedding_type', 'relative_attention_num_buckets', 'image_size', 'patch_size', 'qk_rope_head_dim'];
const ROPE_KEYS = ['rope_type', 'type', 'factor', 'original_max_position_embeddings', 'attention_factor', 'beta_fast', 'beta_slow', 'mscale', 'mscale_all_dim', 'truncate', 'low_freq_factor', 'high_freq_factor', 'short_factor', 'long_factor', 'rope_theta', 'mrope_section'];
const oddNumber = fc.oneof(fc.constantFrom(0, -1, 1, 0.5, 1e308, -1e308, 2 ** 53, 1e-320, 7.5, 131072), fc.double(), fc.integer());
const oddValue = fc.oneof(oddNumber, fc.string({ maxLength: 8 }), fc.constant(null), fc.boolean(), fc.array(oddNumber, { maxLength: 70 }), fc.constantFrom('yarn', 'llama3', 'longrope', 'dynamic', 'linear', 'su', 'mrope', 'default', 'proportional'));
const ropeDict = fc.dictionary(fc.constantFrom(...ROPE_KEYS), oddValue, { maxKeys: 8 });
const config = fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(oddValue, ropeDict, fc.dictionary(fc.constantFrom('full_attention', 'sliding_attention'), ropeDict)), { maxKeys: 10 });

function checkSane(text: string): void {
  const a = analyzeText(text, { target: 1_000_000, seqLen: 65536 });
  const json = JSON.stringify(analysisToJson('x', a, 65536));
  assert.ok(!json.includes('NaN'), 'NaN in output');
  for (const e of a.encodings) for (const f of e.rope?.invFreq ?? []) assert.ok(Number.isFinite(f), `non-finite frequency ${f}`);
}

describe('robustness', () => {
  it('arbitrary values in position keys never throw or produce NaN', () => {
    fc.assert(fc.property(config, (c) => {
      const text = JSON.stringify({ model_type: 'llama', ...c });
      checkSane(text);
      suggest(text, 1_000_000);
    }), { numRuns: RUNS, seed: 42 });
  });

  it('mutated real configs never throw', { skip: existsSync(join(CORPUS, 'configs')) ? false : 'no shared corpus' }, () => {
    const texts = readdirSync(join(CORPUS, 'configs')).filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(CORPUS, 'configs', f), 'utf8'));
    fc.assert(fc.property(fc.constantFrom(...texts), fc.nat(), fc.nat({ max: 40 }), fc.string({ maxLength: 6 }), (t, at, del, ins) => {
      const i = at % (t.length + 1);
      checkSane(t.slice(0, i) + ins + t.slice(i + del));
    }), { numRuns: RUNS, seed: 7 });
  });
});
