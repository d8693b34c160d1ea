// The normalized model of a config's position encoding: one EncodingSpec per scope (root, text_config, …)
// and per layer variant (Gemma's sliding/full layers). Every parameter remembers where it came from.
import type { Finding } from './findings';
import type { JsonPath, Range, SrcNode } from './source';

export type EncodingKind =
  | 'rope'
  | 'learned'
  | 'sinusoidal'
  | 'alibi'
  | 't5_relative'
  | 'relative_key'
  | 'patch_grid'
  | 'none';

/** Where a parameter's value came from: a key in the file, or a default of the model's config class. */
export interface ParamSource {
  /** Dotted key as the user sees it (`rope_scaling.factor`), or the key that would hold it. */
  key: string;
  path: JsonPath | null;
  keyRange: Range | null;
  valueRange: Range | null;
  /** True when the file does not set it and the value is the config class default. */
  isDefault: boolean;
  /** Short why for defaults/derivations, e.g. "hidden_size / num_attention_heads". */
  note?: string;
}

/** Which dict layout the RoPE parameters were written in (quick fixes and suggestions keep it). */
export type RopeLayout = 'none' | 'rope_scaling' | 'rope_parameters' | 'rope_parameters_per_layer' | 'gemma_local_base' | 'gguf' | 'yaml';

export interface RopeParams {
  /** Canonical type used for the maths: default, linear, dynamic, yarn, longrope, llama3, proportional, or unknown names as written. */
  type: string;
  /** The type exactly as written (e.g. `su`, `mrope`), and which key held it. */
  rawType: string | null;
  typeKey: 'rope_type' | 'type' | null;
  theta: number;
  headDim: number;
  rotaryDim: number;
  partialRotaryFactor: number;
  factor: number | null;
  originalMaxPositionEmbeddings: number | null;
  attentionFactor: number | null;
  betaFast: number | null;
  betaSlow: number | null;
  mscale: number | null;
  mscaleAllDim: number | null;
  truncate: boolean | null;
  lowFreqFactor: number | null;
  highFreqFactor: number | null;
  shortFactor: number[] | null;
  longFactor: number[] | null;
  mropeSection: number[] | null;
  mropeInterleaved: boolean;
  /** The rope dict after transformers' legacy→v5 standardisation, entry by entry, for validation. */
  entries: Record<string, RopeEntry>;
  /** True when the file holds a rope dict at all (legacy `rope_scaling: null` has none). */
  hasDict: boolean;
  /** Path of the rope dict in the file, when there is one. */
  dictPath: JsonPath | null;
  layout: RopeLayout;
  /** Keys the model's config class tells validation to ignore (M-RoPE sections). */
  ignoreKeys: string[];
}

export interface RopeEntry {
  value: unknown;
  /** The node in the file, or null when standardisation added the key (e.g. rope_theta copied in). */
  node: SrcNode | null;
  /** Python float vs int, from how the literal was written. */
  isFloat: boolean;
}

export interface RopeResult {
  invFreq: number[];
  attentionFactor: number;
}

export interface AlibiSpec {
  numHeads: number;
  slopes: number[];
  maxBias: number;
}

export interface T5Spec {
  numBuckets: number;
  maxDistance: number;
  bidirectional: boolean;
}

export interface LearnedSpec {
  tableSize: number;
  dim: number | null;
}

export interface PatchGridSpec {
  imageSize: number;
  patchSize: number;
  gridSize: number;
  numPositions: number;
  hasClsToken: boolean;
  dim: number | null;
}

export interface RelativeKeySpec {
  variant: string;
  maxPositionEmbeddings: number | null;
}

export interface SinusoidalSpec {
  dim: number | null;
  base: number;
}

export interface EncodingSpec {
  scope: string;
  layer: string | null;
  kind: EncodingKind;
  modelType: string | null;
  /** L₀: the length the model was trained at; null when the file does not say. */
  trainedContext: number | null;
  /** What the config claims (max_position_embeddings or its family key). */
  maxContext: number | null;
  slidingWindow: number | null;
  rope: RopeParams | null;
  alibi: AlibiSpec | null;
  t5: T5Spec | null;
  learned: LearnedSpec | null;
  patchGrid: PatchGridSpec | null;
  relativeKey: RelativeKeySpec | null;
  sinusoidal: SinusoidalSpec | null;
  /** Parameter name → where it came from (theta, headDim, maxContext, …). */
  sources: Record<string, ParamSource>;
  /** Findings raised while reading this scope (odd values, defaults worth knowing). */
  findings: Finding[];
  /** Everything the scope holds, for runtime checks that look at sibling keys. */
  raw: Record<string, unknown>;
}

export interface ModelSpec {
  encodings: EncodingSpec[];
  /** File-level findings (syntax, no model keys). */
  findings: Finding[];
}
