// Seeds and tokens for the text formats: the shared corpus configs (JSON), training recipes (YAML), and
// the pieces that break parsers or numbers when spliced in (anchors, aliases, tags, huge literals, NaN).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { CORPUS } from '../referenceCases';

/** The shared configs, or a few inline ones when the shared corpus is not checked out. */
export function jsonSeeds(): string[] {
  const dir = join(CORPUS, 'configs');
  const shared = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(dir, f), 'utf8')) : [];
  return shared.length ? shared : [
    '{"model_type": "llama", "hidden_size": 4096, "num_attention_heads": 32, "max_position_embeddings": 131072, "rope_theta": 500000.0, "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}}',
    '{"model_type": "t5", "d_model": 768, "num_heads": 12, "relative_attention_num_buckets": 32, "relative_attention_max_distance": 128}',
    '{"model_type": "bloom", "n_head": 112, "hidden_size": 14336, "seq_length": 2048}',
  ];
}

/** Pieces that stress JSON numbers and structure when spliced into a config. */
export const JSON_TOKENS = [
  '1e999', '-1e999', '1e-400', '-0', '0.0', '1.5', '4096.0', '9007199254740993', 'NaN', 'Infinity', 'null', 'true', '"8192"', '""',
  '[]', '{}', '[1,2,3]', ',', ':', '"', '{', '}', '[', ']', '//', '/*', '*/', '\u2028', '\ud800', '"rope_scaling": {"type": "linear", "factor": 0}',
  '"rope_scaling": {"rope_type": "yarn", "factor": -1, "beta_fast": 0}', '"head_dim": 65536', '"max_position_embeddings": 1e308',
  '"num_attention_heads": 0', '"partial_rotary_factor": 2', '"text_config": {"rope_theta": 1}',
];

export const YAML_SEEDS = [
  `base_model: meta-llama/Llama-2-7b-hf
sequence_len: 16384
rope_theta: 1000000.0
rope_scaling:
  type: linear
  factor: 4
micro_batch_size: 1
overrides_of_model_config:
  max_position_embeddings: 16384
  rope_scaling:
    rope_type: yarn
    factor: 4.0
    original_max_position_embeddings: 4096
`,
  `### model
model_name_or_path: meta-llama/Meta-Llama-3-8B-Instruct
rope_scaling: yarn
### method
stage: sft
do_train: true
finetuning_type: lora
### dataset
cutoff_len: 20000
`,
  `model_name_or_path: Qwen/Qwen2.5-7B
rope_scaling: dynamic
cutoff_len: 1e6
defaults: &d
  factor: 2
  type: linear
rope_scaling_alt: *d
`,
];

/** Pieces that stress YAML (anchors, aliases, merges, tags, special floats, flow collections, documents). */
export const YAML_TOKENS = [
  '&a ', '*a', '<<: *a', '!!float ', '!!int ', '!!str ', '!!binary ', '.inf', '-.inf', '.nan', '1e6', '1.0e+6', '0x1F', '0o17', '~', 'null',
  '\t', '\n', '\n  ', '- ', '? ', ': ', '{', '}', '[', ']', '---\n', '...\n', '|\n  ', '>-\n  ', '"', "'", '#', '%YAML 1.1\n', '!<tag:x> ',
  'factor: 0\n', 'factor: -1\n', 'cutoff_len: .inf\n', 'sequence_len: 1e308\n', 'rope_theta: .nan\n', 'rope_scaling: {type: yarn, factor: .inf}\n',
];

/** An alias bomb (198 shapes in all): each level (a list or a mapping) refers to the previous one `width` times (width^depth values if expanded). */
export const aliasBomb = fc.tuple(fc.integer({ min: 2, max: 10 }), fc.integer({ min: 2, max: 12 }), fc.boolean()).map(([width, depth, maps]) => {
  const lines = ['l0: &l0 [1, 2]'];
  for (let d = 1; d <= depth; d++) {
    const refs = Array.from({ length: width }, (_, i) => (maps ? `k${i}: *l${d - 1}` : `*l${d - 1}`)).join(', ');
    lines.push(`l${d}: &l${d} ${maps ? `{${refs}}` : `[${refs}]`}`);
  }
  lines.push(`rope_scaling:\n  type: linear\n  factor: *l${depth}\nsequence_len: *l${depth}`);
  return lines.join('\n');
});
