// GGUF metadata → an HF-style config (the keys the engine reads from config.json), with each produced key
// traced back to the GGUF key it came from, plus what llama.cpp does differently with those keys.
import type { Finding, Severity } from '../findings';
import type { SrcNode } from '../source';
import { GGUF_TYPE, type GgufHeader, type GgufValue } from './gguf';
import { shown } from './ggufValues';
import { applyRopeFreqs, ropeFreqsTensor } from './ggufRopeFreqs';
import { srcFromValue } from './srcValue';

export interface GgufConfig {
  /** general.architecture, or null when the file does not say. */
  arch: string | null;
  /** HF-style config: model_type, max_position_embeddings, rope_theta, rope_scaling, … */
  config: Record<string, unknown>;
  /** Dotted config key (`rope_scaling.factor`) → the GGUF key it came from (`llama.rope.scaling.factor`). */
  sources: Map<string, string>;
  /** The config as a SrcNode tree (no text ranges: a binary file has none). */
  root: SrcNode;
  findings: Finding[];
}

const SCALING_TYPES = new Set(['none', 'linear', 'yarn', 'longrope']);
/** llama.cpp keys with no transformers equivalent: reported, not mapped. */
const UNMAPPED_EXTRAS = ['rope.scaling.yarn_ext_factor', 'rope.scaling.yarn_attn_factor'];

/** `ropeFreqs`: the values of the rope_freqs tensor, when the caller read them (readRopeFreqs). */
export function ggufToConfig(header: Pick<GgufHeader, 'kv' | 'kvTypes' | 'tensors'>, extras: { ropeFreqs?: Float32Array | null } = {}): GgufConfig {
  const { kv, kvTypes, tensors } = header;
  const config: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  const floatKeys = new Set<string>();
  const findings: Finding[] = [];
  const note = (severity: Severity, code: string, message: string, key: string | null): void => {
    findings.push({ severity, code, runtime: 'llama.cpp', message, key, range: null });
  };
  const finish = (arch: string | null): GgufConfig => ({ arch, config, sources, root: srcFromValue(config, [], floatKeys), findings });

  const arch = asString(kv.get('general.architecture'));
  if (!arch) {
    note('error', 'gguf.no-architecture', 'general.architecture is missing: llama.cpp cannot load the file, and no {arch}.* keys can be found.', 'general.architecture');
    return finish(null);
  }
  const key = (suffix: string): string => `${arch}.${suffix}`;
  const num = (suffix: string): number | null => asNumber(kv.get(key(suffix)));
  /** Sets a config key from a GGUF key; `isFloat` overrides the GGUF type (for derived values). */
  const set = (path: string, value: unknown, ggufKey: string, isFloat?: boolean): void => {
    const parts = path.split('.');
    let target = config;
    for (const p of parts.slice(0, -1)) target = (target[p] ??= {}) as Record<string, unknown>;
    target[parts[parts.length - 1] as string] = value;
    sources.set(path, ggufKey);
    const t = kvTypes.get(ggufKey);
    if (isFloat ?? (t === GGUF_TYPE.FLOAT32 || t === GGUF_TYPE.FLOAT64)) floatKeys.add(path);
  };
  const copy = (suffix: string, path: string): number | null => {
    const v = num(suffix);
    if (v !== null) set(path, v, key(suffix));
    return v;
  };

  set('model_type', arch, 'general.architecture');
  const ctx = copy('context_length', 'max_position_embeddings');
  const theta = copy('rope.freq_base', 'rope_theta');
  const hidden = copy('embedding_length', 'hidden_size');
  const heads = headCount(kv.get(key('attention.head_count')));
  if (heads !== null) set('num_attention_heads', heads, key('attention.head_count'), false);
  if (isArray(kv.get(key('attention.head_count')))) note('info', 'gguf.per-layer-heads', `${key('attention.head_count')} is per layer; the largest count is used here.`, key('attention.head_count'));
  const kvHeads = headCount(kv.get(key('attention.head_count_kv')));
  if (kvHeads !== null) set('num_key_value_heads', kvHeads, key('attention.head_count_kv'), false);
  const keyLength = copy('attention.key_length', 'head_dim');
  copy('attention.sliding_window', 'sliding_window');
  copy('rope.freq_base_swa', 'rope_local_base_freq');

  // Rotary dim: transformers derives it as head_dim · partial_rotary_factor, llama.cpp stores it directly.
  const rotDim = num('rope.dimension_count');
  const headDim = keyLength ?? (hidden !== null && typeof heads === 'number' && heads > 0 ? hidden / heads : null);
  if (rotDim !== null && headDim !== null && rotDim !== headDim && headDim > 0)
    set('partial_rotary_factor', rotDim / headDim, key('rope.dimension_count'), true);
  else if (rotDim !== null && headDim === null) set('head_dim', rotDim, key('rope.dimension_count'));

  const alibi = num('attention.max_alibi_bias');
  if (alibi !== null && alibi > 0) {
    set('alibi', true, key('attention.max_alibi_bias'));
    set('alibi_bias_max', alibi, key('attention.max_alibi_bias'));
  }

  const scalingType = mapScaling(kv, arch, ctx, set, note);
  const freqsTensor = ropeFreqsTensor(tensors);
  if (extras.ropeFreqs && freqsTensor) {
    const linear = scalingType === 'linear' ? asNumber((config['rope_scaling'] as Record<string, GgufValue> | undefined)?.['factor']) : null;
    // llama.cpp's defaults: freq_base 10000, n_rot = the head dim.
    applyRopeFreqs(extras.ropeFreqs, freqsTensor.name, { theta: theta ?? 10000, rotaryDim: ggufRotaryDim(kv), scalingType, linearFactor: linear }, set, note);
  }
  const sections = kv.get(key('rope.dimension_sections'));
  if (isArray(sections)) {
    const values = sections.items.map(asNumber).filter((v): v is number => v !== null);
    while (values.length > 1 && values[values.length - 1] === 0) values.pop(); // GGUF pads to 4 sections
    if (!config['rope_scaling']) set('rope_scaling.rope_type', 'default', key('rope.dimension_sections'));
    set('rope_scaling.mrope_section', values, key('rope.dimension_sections'));
  }
  tensorFindings(arch, ctx, ggufRotaryDim(kv), scalingType, kv, tensors, note, !!extras.ropeFreqs);
  return finish(arch);
}

type Setter = (path: string, value: unknown, ggufKey: string, isFloat?: boolean) => void;
type Note = (severity: Severity, code: string, message: string, key: string | null) => void;

/** The `{arch}.rope.scaling.*` family (and the legacy scale_linear); returns the effective scaling type. */
function mapScaling(kv: Map<string, GgufValue>, arch: string, ctx: number | null, set: Setter, note: Note): string | null {
  const k = (suffix: string): string => `${arch}.${suffix}`;
  const num = (suffix: string): number | null => asNumber(kv.get(k(suffix)));
  const rawType = kv.get(k('rope.scaling.type'));
  let type = asString(rawType);
  const factor = num('rope.scaling.factor');
  const legacy = num('rope.scale_linear');
  const orig = num('rope.scaling.original_context_length');

  if (type === null && legacy !== null) {
    note('info', 'gguf.legacy-scale-linear', `${k('rope.scale_linear')} is the legacy form of linear scaling (factor ${legacy}).`, k('rope.scale_linear'));
    if (legacy !== 1) {
      set('rope_scaling.rope_type', 'linear', k('rope.scale_linear'));
      set('rope_scaling.factor', legacy, k('rope.scale_linear'));
    }
    return legacy !== 1 ? 'linear' : null;
  }
  if (type !== null && !SCALING_TYPES.has(type)) {
    note('warning', 'gguf.unknown-scaling-type', `${k('rope.scaling.type')} is "${type}"; llama.cpp knows none, linear, yarn and longrope, and treats others as unspecified.`, k('rope.scaling.type'));
    return null;
  }
  if (type === null || type === 'none') {
    if (factor !== null && factor !== 1)
      note('warning', 'gguf.scaling-factor-ignored', `${k('rope.scaling.factor')} is ${factor} but the scaling type is ${type ?? 'not set'}: llama.cpp never scales then, so the factor has no effect.`, k('rope.scaling.factor'));
    type = null;
  } else {
    set('rope_scaling.rope_type', type, k('rope.scaling.type'));
    if (factor !== null) set('rope_scaling.factor', factor, k('rope.scaling.factor'));
    else if (type !== 'longrope')
      note('warning', 'gguf.scaling-no-factor', `${k('rope.scaling.type')} is ${type} but ${k('rope.scaling.factor')} is missing: llama.cpp then uses factor 1, i.e. no scaling.`, k('rope.scaling.type'));
    if (orig !== null) set('rope_scaling.original_max_position_embeddings', orig, k('rope.scaling.original_context_length'));
    else if (type === 'yarn' || type === 'longrope')
      note('warning', 'gguf.yarn-no-original-context', `${type} scaling without ${k('rope.scaling.original_context_length')}: llama.cpp falls back to context_length (${ctx ?? 'unknown'}) as the trained length, which puts the YaRN ramp in the wrong place for an extended model.`, k('rope.scaling.type'));
  }
  const yarnKeys: [string, string][] = [
    ['rope.scaling.yarn_beta_fast', 'beta_fast'],
    ['rope.scaling.yarn_beta_slow', 'beta_slow'],
    ['rope.scaling.attn_factor', 'attention_factor'],
  ];
  for (const [suffix, hf] of yarnKeys) {
    const v = num(suffix);
    if (v === null) continue;
    if (type === 'yarn') set(`rope_scaling.${hf}`, v, k(suffix));
    else note('info', 'gguf.yarn-key-unused', `${k(suffix)} is set but the scaling type is ${type ?? 'none'}, so it is unused.`, k(suffix));
  }
  const logMul = num('rope.scaling.yarn_log_multiplier');
  if (logMul !== null && type === 'yarn') {
    // convert_hf_to_gguf writes 0.1 · mscale_all_dim (DeepSeek); llama.cpp computes mscale = 1 + log_mul · ln(factor).
    set('rope_scaling.mscale_all_dim', logMul / 0.1, k('rope.scaling.yarn_log_multiplier'), true);
    note('info', 'gguf.yarn-log-multiplier', `${k('rope.scaling.yarn_log_multiplier')} = ${logMul} is read as mscale_all_dim = ${logMul / 0.1} (llama.cpp scales attention by 1 + ${logMul}·ln(factor)).`, k('rope.scaling.yarn_log_multiplier'));
  }
  const alpha = num('rope.scaling.alpha');
  if (alpha !== null) set('rope_scaling.alpha', alpha, k('rope.scaling.alpha'));
  const finetuned = kv.get(k('rope.scaling.finetuned'));
  if (finetuned !== undefined)
    note('info', 'gguf.scaling-finetuned', `${k('rope.scaling.finetuned')} = ${shown(finetuned)} is recorded for information only; llama.cpp reads it but it changes no computation.`, k('rope.scaling.finetuned'));
  const extras = UNMAPPED_EXTRAS.filter((s) => kv.has(k(s)));
  if (extras.length)
    note('info', 'gguf.llama-cpp-only-keys', `llama.cpp-only keys with no transformers equivalent, not analysed: ${extras.map(k).join(', ')}.`, k(extras[0] as string));
  if (rawType !== undefined && typeof rawType !== 'string')
    note('warning', 'gguf.bad-scaling-type', `${k('rope.scaling.type')} must be a string.`, k('rope.scaling.type'));
  return type;
}

/** Frequency factors that ship as tensors, and what their absence means. */
function tensorFindings(
  arch: string, ctx: number | null, rotDim: number | null, scalingType: string | null,
  kv: Map<string, GgufValue>, tensors: GgufHeader['tensors'], note: Note, valuesRead: boolean,
): void {
  const find = (stem: string) => tensors.find((t) => t.name === stem || t.name.startsWith(`${stem}.`));
  const freqs = find('rope_freqs');
  const long = find('rope_factors_long');
  const short = find('rope_factors_short');
  if (freqs) {
    const n = freqs.dims.reduce((a, b) => a * b, 1);
    // With the values read, applyRopeFreqs says what they are; this is the header-only account.
    if (!valuesRead) note('info', 'gguf.rope-freqs-tensor', `Per-dimension frequency factors ship in tensor "${freqs.name}" (${n} values): llama.cpp divides each frequency by its factor (Llama-3.1's llama3 scaling, or LongRoPE). The metadata keys do not show this scaling; its low/high_freq_factor cannot be recovered from the header.`, null);
    if (rotDim !== null && n !== rotDim / 2)
      note('warning', 'gguf.rope-freqs-size', `Tensor "${freqs.name}" has ${n} values but the rotary dimension/2 is ${rotDim / 2}; llama.cpp expects one factor per frequency (and refuses the file), so they are not used here.`, `${arch}.rope.dimension_count`);
  }
  if (long || short)
    note('info', 'gguf.longrope-tensors', `LongRoPE factors ship in tensors ${[long?.name, short?.name].filter(Boolean).join(' and ')}, not as keys.`, null);
  if (scalingType === 'longrope' && !long && !freqs)
    note('warning', 'gguf.longrope-no-factors', 'The scaling type is longrope but no rope_factors_long / rope_freqs tensor exists: llama.cpp then runs plain RoPE.', `${arch}.rope.scaling.type`);
  const hasScalingKeys = kv.has(`${arch}.rope.scaling.type`) || kv.has(`${arch}.rope.scaling.factor`) || kv.has(`${arch}.rope.scale_linear`);
  if (arch === 'llama' && ctx === 131072 && !freqs && !hasScalingKeys)
    note('warning', 'gguf.llama3-scaling-dropped', 'A llama model with context_length 131072 but no rope_freqs tensor and no scaling keys: this looks like Llama 3.1 converted without its llama3 RoPE factors, so positions beyond 8192 will degrade. Re-convert with a current convert_hf_to_gguf.py.', `${arch}.context_length`);
}

/** n_rot as llama.cpp reads it: rope.dimension_count, else the head dim (key_length, else embedding / heads). */
export function ggufRotaryDim(kv: Map<string, GgufValue>): number | null {
  const arch = asString(kv.get('general.architecture'));
  if (!arch) return null;
  const n = (suffix: string): number | null => asNumber(kv.get(`${arch}.${suffix}`));
  const heads = headCount(kv.get(`${arch}.attention.head_count`));
  const hidden = n('embedding_length');
  return n('rope.dimension_count') ?? n('attention.key_length') ?? (hidden !== null && heads !== null && heads > 0 ? hidden / heads : null);
}

function asNumber(v: GgufValue | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  return null;
}

function asString(v: GgufValue | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

function isArray(v: GgufValue | undefined): v is Extract<GgufValue, { kind: 'array' }> {
  return typeof v === 'object' && v !== null && !(typeof v === 'bigint') && v.kind === 'array';
}

/** A head count, which newer architectures store per layer (an array): the largest is returned then. */
function headCount(v: GgufValue | undefined): number | null {
  if (isArray(v)) {
    const values = v.items.map(asNumber).filter((n): n is number => n !== null);
    return values.length ? Math.max(...values) : null;
  }
  return asNumber(v);
}
