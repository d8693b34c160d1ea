// Reads RoPE parameters from any layout (legacy rope_scaling, transformers-5 rope_parameters, per-layer
// dicts, Gemma's local base) into RopeParams, standardised the way transformers 5 does before validating.
import { child, isObject, type SrcNode } from '../source';
import type { ParamSource, RopeEntry, RopeLayout, RopeParams } from '../spec';
import { HEADS_KEYS, HIDDEN_KEYS, MROPE_CLASS_TYPES, MROPE_IGNORED_KEYS, canonicalRopeType, defaultDims, defaultTheta } from './families';
import { isFloatLiteral, type ScopeReader } from './reader';

export interface RopeLayer {
  layer: string | null;
  params: RopeParams;
  sources: Record<string, ParamSource>;
}

/** Head sizes beyond this are corrupt values (real ones are ≤ 1024) and would allocate without bound. */
const MAX_DIM = 65536;
const DIM = { positive: true, integer: true, max: MAX_DIM };
/** A RoPE base of 1 or less makes every frequency equal (or growing): the maths break down. */
const THETA = { above: 1, fallbackNote: 'the class default is used' };

const PER_LAYER_HINT = /attention$|_layers?$|^(full|sliding|local|global|linear|chunked)/;

/** A rope_parameters dict whose values are rope dicts keyed by layer type. */
export function isPerLayerDict(node: SrcNode | null): boolean {
  if (!isObject(node) || node.children.size === 0) return false;
  for (const [k, v] of node.children) {
    if (!isObject(v)) return false;
    if (!PER_LAYER_HINT.test(k) && !child(v, 'rope_type') && !child(v, 'rope_theta')) return false;
  }
  return true;
}

export function readHeadDims(r: ScopeReader, modelType: string | null = null): { headDim: number | null; hidden: number | null; heads: number | null } {
  const hiddenHit = r.first(HIDDEN_KEYS);
  const headsHit = r.first(HEADS_KEYS);
  const fallback = defaultDims(modelType);
  const hidden = r.number(hiddenHit?.node ?? null, { positive: true }) ?? (hiddenHit ? null : (fallback?.hidden ?? null));
  const heads = r.number(headsHit?.node ?? null, { positive: true }) ?? (headsHit ? null : (fallback?.heads ?? null));
  const quotient = hidden !== null && heads !== null && hidden / heads <= MAX_DIM ? Math.floor(hidden / heads) : null;
  const qk = r.number(r.get('qk_rope_head_dim'), DIM);
  const hd = r.number(r.get('head_dim'), DIM);
  const kv = r.number(r.get('kv_channels'), DIM);
  if (qk !== null) {
    r.source('headDim', r.get('qk_rope_head_dim'), 'qk_rope_head_dim', 'multi-head latent attention: the rotary part of each head');
    return { headDim: qk, hidden, heads };
  }
  if (hd !== null) {
    r.source('headDim', r.get('head_dim'), 'head_dim');
    return { headDim: hd, hidden, heads };
  }
  if (kv !== null) {
    r.source('headDim', r.get('kv_channels'), 'kv_channels');
    return { headDim: kv, hidden, heads };
  }
  if (fallback?.headDim !== undefined && !hiddenHit && !headsHit) {
    r.source('headDim', null, 'head_dim', `config class default for ${modelType}`);
    return { headDim: fallback.headDim, hidden, heads };
  }
  if (quotient !== null && hidden !== null && heads !== null) {
    const classDefault = !hiddenHit || !headsHit ? ` (${!hiddenHit ? 'hidden_size' : 'num_attention_heads'}: ${modelType} class default)` : '';
    r.source('headDim', null, 'head_dim', `${hiddenHit?.key ?? 'hidden_size'} / ${headsHit?.key ?? 'num_attention_heads'}${classDefault}`);
    if (hidden % heads !== 0) {
      // Either side may be the class default (no key in the file): name the key it would be.
      const named = (hit: typeof hiddenHit, fallbackKey: string, v: number): string => (hit ? `${hit.key} (${v})` : `${fallbackKey} (${v}, the ${modelType} class default)`);
      r.warn(hiddenHit?.node ?? headsHit?.node ?? null, 'dims.indivisible', `${named(hiddenHit, 'hidden_size', hidden)} is not divisible by ${named(headsHit, 'num_attention_heads', heads)}; the head size is taken as ${quotient}. Set \`head_dim\` explicitly.`);
    }
    return { headDim: quotient, hidden, heads };
  }
  r.source('headDim', null, 'head_dim', 'unknown');
  return { headDim: null, hidden, heads };
}

function entriesOf(node: SrcNode | null): Record<string, RopeEntry> {
  const out: Record<string, RopeEntry> = {};
  if (!isObject(node)) return out;
  for (const [k, v] of node.children) out[k] = { value: v.value, node: v, isFloat: isFloatLiteral(v) };
  return out;
}

function synthetic(value: unknown, node: SrcNode | null = null): RopeEntry {
  return { value, node, isFloat: typeof value === 'number' && (!Number.isInteger(value) || (node ? isFloatLiteral(node) : true)) };
}

interface LayerSource {
  layer: string | null;
  dictNode: SrcNode | null;
  layout: RopeLayout;
  /** rope_theta to use when the dict lacks one, and its node. */
  theta: { value: number; node: SrcNode | null; key: string };
  extra?: Record<string, RopeEntry>;
}

/** All RoPE layer variants of one scope. `L` is max_position_embeddings as read (null if absent). */
export function readRope(r: ScopeReader, modelType: string | null, L: number | null): RopeLayer[] {
  const { headDim } = readHeadDims(r, modelType);
  const topThetaHit = r.first(['rope_theta', 'rotary_emb_base', 'rope_embedding_base']);
  const topTheta = r.number(topThetaHit?.node ?? null, THETA);
  const fallbackTheta = defaultTheta(modelType);
  const theta = { value: topTheta ?? fallbackTheta, node: topTheta !== null ? (topThetaHit?.node ?? null) : null, key: topThetaHit?.key ?? 'rope_theta' };

  const params = r.get('rope_parameters');
  const scaling = r.get('rope_scaling');
  const layers: LayerSource[] = [];
  if (isPerLayerDict(params) && params?.children) {
    for (const [name, sub] of params.children) {
      layers.push({ layer: name, dictNode: sub, layout: 'rope_parameters_per_layer', theta: { value: 10000, node: null, key: `rope_parameters.${name}.rope_theta` } });
    }
  } else if (isObject(params)) {
    layers.push({ layer: null, dictNode: params, layout: 'rope_parameters', theta });
  } else {
    if (scaling && scaling.type !== 'null' && !isObject(scaling)) {
      r.warn(scaling, 'rope.scaling-not-object', '`rope_scaling` must be an object (or null); it is ignored here.', 'error');
    }
    const dict = isObject(scaling) ? scaling : null;
    const local = r.number(r.get('rope_local_base_freq'), THETA);
    if (local !== null) {
      // Gemma 2/3: global layers use rope_theta (+ rope_scaling); sliding-window layers use the local base.
      layers.push({ layer: 'full_attention', dictNode: dict, layout: 'gemma_local_base', theta });
      layers.push({
        layer: 'sliding_attention', dictNode: null, layout: 'gemma_local_base',
        theta: { value: local, node: r.get('rope_local_base_freq'), key: 'rope_local_base_freq' },
      });
    } else {
      layers.push({ layer: null, dictNode: dict, layout: dict ? 'rope_scaling' : 'none', theta });
    }
  }
  return layers.map((ls) => buildLayer(r, ls, modelType, headDim, L));
}

function buildLayer(r: ScopeReader, ls: LayerSource, modelType: string | null, headDim: number | null, L: number | null): RopeLayer {
  const sources: Record<string, ParamSource> = { ...r.sources };
  const src = (name: string, node: SrcNode | null, key: string, note?: string): void => {
    r.source(name, node, key, note);
    sources[name] = r.sources[name]!;
  };
  const entries = entriesOf(ls.dictNode);
  const dictKey = ls.dictNode ? ls.dictNode.path.join('.') : ls.layout === 'rope_parameters' ? 'rope_parameters' : 'rope_scaling';
  const get = (k: string): SrcNode | null => entries[k]?.node ?? null;

  // transformers 5 standardisation: rope_type from `type`, rope_theta copied in, L₀ for the types that use it.
  const rawTypeNode = get('rope_type') ?? get('type');
  const rawType = rawTypeNode ? r.string(rawTypeNode) : null;
  if (rawTypeNode && rawType === null) r.warn(rawTypeNode, 'rope.type-not-string', `\`${dictKey}.${get('rope_type') ? 'rope_type' : 'type'}\` must be a string.`, 'error');
  const ignoreKeys: string[] = [];
  let validationType = rawType ?? 'default';
  if (rawType === 'mrope' && modelType && MROPE_CLASS_TYPES.has(modelType)) validationType = 'default';
  if (rawType === 'su') validationType = 'longrope';
  if (modelType && MROPE_CLASS_TYPES.has(modelType)) ignoreKeys.push(...MROPE_IGNORED_KEYS);
  if (!entries['rope_type']) entries['rope_type'] = synthetic(validationType, rawTypeNode);
  else if (validationType !== rawType) entries['rope_type'] = { ...entries['rope_type'], value: validationType };
  const type = canonicalRopeType(rawType);

  const thetaNode = get('rope_theta');
  let theta = thetaNode ? r.number(thetaNode, THETA) : null;
  if (theta === null) {
    theta = ls.theta.value;
    entries['rope_theta'] = synthetic(theta, ls.theta.node);
    src('theta', ls.theta.node, ls.theta.key, ls.theta.node ? undefined : 'config class default');
  } else src('theta', thetaNode, 'rope_theta');

  const topOrig = r.get('original_max_position_embeddings');
  if (!entries['original_max_position_embeddings'] && ['yarn', 'longrope', 'llama3'].includes(type)) {
    const v = r.number(topOrig, { positive: true });
    // Without a top-level one, transformers copies max_position_embeddings (an int) in: not a float literal.
    entries['original_max_position_embeddings'] = v !== null ? synthetic(v, topOrig) : { value: L, node: null, isFloat: typeof L === 'number' && !Number.isInteger(L) };
  }

  const num = (k: string, positive = false): number | null => (entries[k]?.node ? r.number(entries[k]!.node, { positive }) : null);
  const factor = num('factor');
  // A top-level L₀ states the trained length even for types whose maths ignore it (linear, dynamic).
  const origNode = get('original_max_position_embeddings') ?? topOrig;
  const orig = origNode ? r.number(origNode, { positive: true }) : null;
  if (factor !== null) src('factor', get('factor'), `${dictKey}.factor`);
  if (origNode) src('originalMaxPositionEmbeddings', origNode, 'original_max_position_embeddings');

  const prf = num('partial_rotary_factor') ?? r.number(r.get('partial_rotary_factor')) ?? r.number(r.get('rotary_pct'));
  const prfNode = get('partial_rotary_factor') ?? r.get('partial_rotary_factor') ?? r.get('rotary_pct');
  const rotaryDimKey = r.number(r.get('rotary_dim'), DIM);
  const hd = headDim ?? 0;
  let rotaryDim: number;
  let p: number;
  if (rotaryDimKey !== null && type !== 'proportional') {
    rotaryDim = rotaryDimKey;
    // A head_dim of 1e-320 (warned as not a whole number) would make the ratio infinite.
    p = hd > 0 && Number.isFinite(rotaryDimKey / hd) ? rotaryDimKey / hd : 1;
    src('rotaryDim', r.get('rotary_dim'), 'rotary_dim');
  } else {
    p = prf !== null && prf > 0 && prf <= 1 ? prf : 1;
    if (prf !== null && (prf <= 0 || prf > 1)) r.warn(prfNode, 'rope.partial-out-of-range', `The partial rotary factor must be in (0, 1], got ${prf}; 1 is used here.`, 'error');
    rotaryDim = Math.floor(hd * p);
    src('rotaryDim', null, 'rotary_dim', p === 1 ? 'head_dim' : `⌊head_dim × ${p}⌋`);
  }
  src('partialRotaryFactor', prfNode, 'partial_rotary_factor', prfNode ? undefined : 'default 1');
  if (rotaryDim % 2 !== 0) r.warn(prfNode, 'rope.odd-dim', `The rotary dimension ${rotaryDim} is odd; RoPE rotates pairs, so the last dimension is never rotated.`);

  for (const k of ['short_factor', 'long_factor']) {
    const list = entries[k]?.node ? r.numberArray(entries[k]!.node) : null;
    if (list?.some((x) => !(x > 0))) r.warn(entries[k]!.node, 'rope.longrope-nonpositive', `\`${k}\` holds a factor ≤ 0; every LongRoPE factor divides a frequency and must be positive (1 is used for those here).`, 'error');
  }
  const sectionNode = get('mrope_section') ?? r.get('mrope_section');
  const params: RopeParams = {
    type, rawType, typeKey: get('rope_type') ? 'rope_type' : get('type') ? 'type' : null,
    theta, headDim: hd, rotaryDim, partialRotaryFactor: p, factor,
    originalMaxPositionEmbeddings: orig ?? positiveOrNull(entries['original_max_position_embeddings']?.value),
    attentionFactor: num('attention_factor'), betaFast: num('beta_fast'), betaSlow: num('beta_slow'),
    mscale: num('mscale'), mscaleAllDim: num('mscale_all_dim'),
    truncate: entries['truncate']?.node ? r.bool(entries['truncate'].node) : null,
    lowFreqFactor: num('low_freq_factor'), highFreqFactor: num('high_freq_factor'),
    shortFactor: entries['short_factor']?.node ? r.numberArray(entries['short_factor'].node) : null,
    longFactor: entries['long_factor']?.node ? r.numberArray(entries['long_factor'].node) : null,
    mropeSection: sectionNode ? r.numberArray(sectionNode) : null,
    mropeInterleaved: (entries['mrope_interleaved']?.node ? r.bool(entries['mrope_interleaved'].node) : null) ?? false,
    entries, hasDict: !!ls.dictNode, dictPath: ls.dictNode ? ls.dictNode.path : null, layout: ls.layout, ignoreKeys,
  };
  src('type', rawTypeNode, `${dictKey}.rope_type`, rawTypeNode ? undefined : 'no scaling: default RoPE');
  return { layer: ls.layer, params, sources };
}

function positiveOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
}

/** True when `key` is written in the rope dict itself (not added by standardisation or read from the top level). */
export function entryInDict(rope: RopeParams, key: string): boolean {
  const path = rope.entries[key]?.node?.path;
  const dict = rope.dictPath;
  return !!path && !!dict && path.length === dict.length + 1 && path[path.length - 1] === key && dict.every((p, i) => path[i] === p);
}
