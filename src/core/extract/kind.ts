// Decides which position encoding a config scope describes, from the runtimes' semantics of its keys:
// explicit switches first (alibi, position_embedding_type), then rotary keys, then family knowledge.
import type { EncodingKind } from '../spec';
import { ALIBI_MODEL_TYPES, PATCH_GRID_MODEL_TYPES, ROPE_MODEL_TYPES, SINUSOIDAL_MODEL_TYPES, T5_MODEL_TYPES } from './families';
import type { ScopeReader } from './reader';

const ROTARY_KEYS = [
  'rope_theta', 'rope_scaling', 'rope_parameters', 'rotary_pct', 'rotary_dim', 'partial_rotary_factor',
  'rotary_emb_base', 'qk_rope_head_dim', 'rope_local_base_freq', 'mrope_section',
];

export interface KindDecision {
  kind: EncodingKind;
  /** Why, in a few words: shown in hovers and the CLI. */
  reason: string;
}

export function detectKind(r: ScopeReader, modelType: string | null): KindDecision {
  const pet = r.string(r.get('position_embedding_type'))?.toLowerCase() ?? null;
  const attn = r.object('attn_config');
  const mptAlibi = attn?.children?.get('alibi');
  if (r.get('alibi')?.value === true) return { kind: 'alibi', reason: '`alibi: true`' };
  if (mptAlibi?.value === true) return { kind: 'alibi', reason: '`attn_config.alibi: true`' };
  if (pet === 'alibi') return { kind: 'alibi', reason: '`position_embedding_type: alibi`' };
  if (pet === 'relative_key' || pet === 'relative_key_query') return { kind: 'relative_key', reason: `\`position_embedding_type: ${pet}\`` };
  if (pet === 'rotary' || pet === 'rope') return { kind: 'rope', reason: `\`position_embedding_type: ${pet}\`` };
  if (r.has('relative_attention_num_buckets') || (modelType && T5_MODEL_TYPES.has(modelType))) {
    return { kind: 't5_relative', reason: r.has('relative_attention_num_buckets') ? '`relative_attention_num_buckets`' : `model_type ${modelType}` };
  }
  const rotary = ROTARY_KEYS.find((k) => r.has(k));
  if (rotary) return { kind: 'rope', reason: `\`${rotary}\`` };
  if (modelType && ALIBI_MODEL_TYPES.has(modelType)) return { kind: 'alibi', reason: `model_type ${modelType} (ALiBi, no position keys)` };
  if (modelType && ROPE_MODEL_TYPES.has(modelType)) return { kind: 'rope', reason: `model_type ${modelType}` };
  if (r.get('sinusoidal_embeddings')?.value === true || r.get('sinusoidal_pos_embds')?.value === true || pet === 'sinusoidal') {
    return { kind: 'sinusoidal', reason: 'sinusoidal embeddings switched on' };
  }
  if (modelType && SINUSOIDAL_MODEL_TYPES.has(modelType)) return { kind: 'sinusoidal', reason: `model_type ${modelType}` };
  if ((modelType && PATCH_GRID_MODEL_TYPES.has(modelType)) || (r.has('image_size') && r.has('patch_size'))) {
    return { kind: 'patch_grid', reason: modelType && PATCH_GRID_MODEL_TYPES.has(modelType) ? `model_type ${modelType}` : '`image_size` and `patch_size`' };
  }
  if (pet === 'absolute') return { kind: 'learned', reason: '`position_embedding_type: absolute`' };
  if (r.has('n_positions') || r.has('max_position_embeddings')) {
    return { kind: 'learned', reason: `\`${r.has('n_positions') ? 'n_positions' : 'max_position_embeddings'}\` with no rotary, ALiBi or relative keys` };
  }
  return { kind: 'none', reason: 'no position-encoding keys' };
}
