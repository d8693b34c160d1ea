// What transformers' config classes know that the file does not say: class defaults, key aliases,
// and the renames a model class applies before validation. Keyed by `model_type`, never by file.

/** Keys that hold the claimed maximum length, in the order families use them. */
export const MAX_LENGTH_KEYS = ['max_position_embeddings', 'n_positions', 'max_sequence_length', 'seq_length', 'max_seq_len', 'n_ctx'] as const;

export const HIDDEN_KEYS = ['hidden_size', 'n_embd', 'n_embed', 'd_model', 'embed_dim', 'dim'] as const;
export const HEADS_KEYS = ['num_attention_heads', 'n_head', 'num_heads', 'n_heads'] as const;

/** Nested configs that hold the language model of a multimodal or wrapper config. */
export const TEXT_SCOPES = ['text_config', 'llm_config', 'language_config'] as const;

/** Keys whose presence says "this is a model config" (a JSON file without any is not ours to judge). */
export const MODEL_KEYS = [
  'model_type', 'architectures', ...HIDDEN_KEYS, ...HEADS_KEYS, ...MAX_LENGTH_KEYS, 'rope_theta', 'rope_scaling',
  'rope_parameters', 'rotary_pct', 'rotary_dim', 'partial_rotary_factor', 'alibi', 'position_embedding_type',
  'relative_attention_num_buckets', 'image_size', 'patch_size', 'head_dim', 'num_hidden_layers', 'n_layer',
] as const;

/** Families that use RoPE even when their config.json carries no rotary key (old Llama exports). */
export const ROPE_MODEL_TYPES = new Set([
  'llama', 'mistral', 'mixtral', 'qwen2', 'qwen2_moe', 'qwen3', 'qwen3_moe', 'qwen2_vl', 'qwen2_5_vl', 'gemma', 'gemma2',
  'gemma3', 'gemma3_text', 'phi', 'phi3', 'phimoe', 'gpt_neox', 'gptj', 'falcon', 'deepseek_v2', 'deepseek_v3',
  'starcoder2', 'olmo', 'olmo2', 'cohere', 'cohere2', 'internlm', 'internlm2', 'stablelm', 'persimmon', 'granite',
  'granitemoe', 'exaone', 'baichuan', 'chatglm', 'glm', 'glm4', 'yi', 'minicpm', 'nemotron', 'gpt_oss', 'smollm3',
  'ernie4_5', 'hunyuan', 'esm', 'roformer', 'codegen', 'mpt_rope', 'jamba', 'dbrx', 'arcee', 'seed_oss',
  // Falcon's first releases (remote code) and Qwen v1 (remote code, rotary_emb_base/rotary_pct).
  'RefinedWebModel', 'RefinedWeb', 'qwen',
]);

export const ALIBI_MODEL_TYPES = new Set(['bloom']);
export const T5_MODEL_TYPES = new Set(['t5', 'mt5', 'umt5', 'longt5', 'switch_transformers', 'pop2piano', 'udop']);
export const SINUSOIDAL_MODEL_TYPES = new Set(['marian', 'fsmt', 'pegasus', 'speech_to_text', 'm2m_100', 'nllb_moe', 'xglm']);
export const PATCH_GRID_MODEL_TYPES = new Set(['vit', 'deit', 'dinov2', 'vit_mae', 'vit_msn', 'siglip_vision_model', 'clip_vision_model', 'dino']);

/** Class defaults for rope_theta where a family differs from 10000. */
const THETA_DEFAULTS: Record<string, number> = { gemma3: 1_000_000, gemma3_text: 1_000_000 };

export function defaultTheta(modelType: string | null): number {
  return (modelType && THETA_DEFAULTS[modelType]) || 10000;
}

/** Class defaults of max_position_embeddings (used, and marked as defaults, when the file omits it). */
const MAX_LENGTH_DEFAULTS: Record<string, number> = {
  llama: 2048, mistral: 131072, mixtral: 131072, qwen2: 32768, qwen3: 32768, gemma: 8192, gemma2: 8192,
  gemma3_text: 131072, phi3: 4096, phi: 2048, gpt_neox: 2048, gptj: 2048, gpt2: 1024, bert: 512, roberta: 512,
  t5: 512, falcon: 2048, RefinedWebModel: 2048, RefinedWeb: 2048, deepseek_v3: 4096, vit: 224,
};

export function defaultMaxLength(modelType: string | null): number | null {
  return (modelType && modelType !== 'vit' && MAX_LENGTH_DEFAULTS[modelType]) || null;
}

/** Class defaults of the attention shape, for configs (often nested text_config) that omit them. */
const DIM_DEFAULTS: Record<string, { hidden: number; heads: number; headDim?: number }> = {
  llama: { hidden: 4096, heads: 32 }, mistral: { hidden: 4096, heads: 32 }, mixtral: { hidden: 4096, heads: 32 },
  qwen2: { hidden: 4096, heads: 32 }, qwen3: { hidden: 4096, heads: 32, headDim: 128 }, phi3: { hidden: 3072, heads: 32 },
  phi: { hidden: 2048, heads: 32 }, gemma: { hidden: 3072, heads: 16, headDim: 256 }, gemma2: { hidden: 2304, heads: 8, headDim: 256 },
  gemma3_text: { hidden: 2304, heads: 8, headDim: 256 }, gpt_neox: { hidden: 6144, heads: 64 }, falcon: { hidden: 4544, heads: 71 },
};

export function defaultDims(modelType: string | null): { hidden: number; heads: number; headDim?: number } | null {
  return (modelType && DIM_DEFAULTS[modelType]) || null;
}

/** Config classes that rename M-RoPE's `mrope` type to `default` and ignore its section keys at validation. */
export const MROPE_CLASS_TYPES = new Set(['qwen2_vl', 'qwen2_5_vl', 'qwen2_5_omni', 'qwen3_vl', 'qwen3_vl_moe', 'qwen3_omni_moe', 'glm4v']);
export const MROPE_IGNORED_KEYS = ['mrope_section', 'mrope_interleaved'];

/** Config classes that copy a legacy `type` into `rope_type` (transformers 4.4x BC in their __init__). */
export const TYPE_COPY_CLASS_TYPES = new Set([
  'llama', 'mistral', 'mixtral', 'qwen2', 'qwen2_moe', 'qwen2_vl', 'phi3', 'phi', 'gemma', 'gemma2', 'gpt_neox',
  'falcon', 'deepseek_v2', 'deepseek_v3', 'starcoder2', 'olmo', 'cohere', 'stablelm', 'persimmon', 'granite', 'nemotron',
]);

/** Legacy type names and their canonical maths. */
export function canonicalRopeType(raw: string | null): string {
  if (raw === null) return 'default';
  if (raw === 'su') return 'longrope';
  if (raw === 'mrope' || raw === 'default') return 'default';
  return raw;
}
