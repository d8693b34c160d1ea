// For a target length and a method: the rope block in the file's own layout, the max length to set,
// and the key edits that write them — touching only rope keys and the length key.
import { unseenAngles } from '../analysis/extrapolation';
import { V5_KEYS } from '../analysis/transformers5';
import { baseInvFreq, computeRope } from '../rope/frequencies';
import { FloatValue, type KeyEdit } from '../edit/jsonEdit';
import { entryInDict } from '../extract/rope';
import type { EncodingSpec } from '../spec';
import type { JsonPath } from '../source';

export const METHODS = ['linear', 'dynamic', 'ntk', 'yarn', 'llama3', 'longrope'] as const;
export type Method = (typeof METHODS)[number];

export function isMethod(m: string): m is Method {
  return (METHODS as readonly string[]).includes(m);
}

export interface Plan {
  method: Method;
  /** The rope_type written (ntk is applied as transformers' dynamic NTK). */
  ropeType: string;
  factor: number;
  trained: number;
  /** The block as it will read in the file (floats as numbers). */
  block: Record<string, unknown>;
  /** Where the block lives: `rope_scaling`, `rope_parameters` or a per-layer dict. */
  blockPath: JsonPath;
  maxKey: string;
  maxPositionEmbeddings: number;
  edits: KeyEdit[];
}

/** Why a method cannot be planned for this encoding, or null. */
export function cannotPlan(spec: EncodingSpec, method: Method, target: number): string | null {
  if (spec.kind !== 'rope' || !spec.rope) return `${spec.kind} encodings have no RoPE scaling to configure.`;
  if (spec.trainedContext === null) return 'The trained length is unknown (set max_position_embeddings or original_max_position_embeddings first).';
  if (!(target > spec.trainedContext)) return `The target ${target} is within the trained ${spec.trainedContext} tokens: no scaling is needed.`;
  if (method === 'longrope') return 'LongRoPE needs per-dimension factors found by an evolutionary search on the model itself (Ding et al. 2024); this tool does not run that search and will not invent factors. Use yarn or llama3 here, or run the LongRoPE search and paste its factors.';
  if (spec.rope.layout === 'gguf' || spec.rope.layout === 'yaml') return 'Suggestions are applied to config.json files.';
  return null;
}

/** The plan for applying `method` to reach `target`. Call cannotPlan first. */
export function plan(spec: EncodingSpec, method: Method, target: number): Plan {
  const rope = spec.rope!;
  const L0 = spec.trainedContext!;
  const T = Math.floor(target);
  // s = T / L₀ exactly: transformers compares a yarn factor with max / original to the last bit.
  const ropeType = method === 'ntk' ? 'dynamic' : method;
  const factor = ropeType === 'dynamic' ? dynamicFactor(spec, T, L0) : T / L0;
  const block: Record<string, unknown> = { rope_type: ropeType, factor: new FloatValue(factor) };
  // linear and dynamic read max_position_embeddings as the trained length (dynamic's formula uses it, vLLM
  // multiplies it by the factor), so it stays L₀; yarn and llama3 state L₀ explicitly and claim the target.
  let maxLen = L0;
  if (method === 'yarn') {
    block['original_max_position_embeddings'] = L0;
    maxLen = T;
  } else if (method === 'llama3') {
    block['low_freq_factor'] = new FloatValue(1);
    block['high_freq_factor'] = new FloatValue(4);
    block['original_max_position_embeddings'] = L0;
    maxLen = T;
  }
  const perLayer = rope.layout === 'rope_parameters_per_layer';
  const layoutIsV5 = rope.layout === 'rope_parameters' || perLayer;
  if (layoutIsV5 || method === 'llama3') block['rope_theta'] = rope.theta;
  const blockPath: JsonPath = rope.dictPath ?? [...(spec.scope ? spec.scope.split('.') : []), 'rope_scaling'];
  const allowed = new Set([...V5_KEYS[ropeType]!.required, ...V5_KEYS[ropeType]!.optional, 'partial_rotary_factor', ...rope.ignoreKeys]);

  const edits: KeyEdit[] = [];
  const existing = rope.hasDict ? rope.entries : {};
  const inFile = (k: string): boolean => rope.hasDict && entryInDict(rope, k);
  if (!rope.hasDict) {
    edits.push({ path: blockPath, value: block });
  } else {
    for (const [k, v] of Object.entries(block)) {
      const cur = existing[k];
      if (inFile(k) && sameValue(cur!.value, v, cur!.isFloat)) continue;
      edits.push({ path: [...blockPath, k], value: v });
    }
    for (const k of Object.keys(existing)) {
      if (!inFile(k) || k in block) continue;
      // A stale legacy `type` would contradict the new rope_type; other keys stay if the new type accepts them.
      if (k === 'type' ? existing[k]!.value !== ropeType : !allowed.has(k)) edits.push({ path: [...blockPath, k], value: undefined });
    }
  }
  const maxSrc = spec.sources['maxContext'];
  const maxKey = maxSrc && !maxSrc.isDefault && maxSrc.path ? String(maxSrc.path[maxSrc.path.length - 1]) : 'max_position_embeddings';
  const maxPath: JsonPath = maxSrc && !maxSrc.isDefault && maxSrc.path ? maxSrc.path : [...(spec.scope ? spec.scope.split('.') : []), 'max_position_embeddings'];
  if (spec.maxContext !== maxLen || maxSrc?.isDefault) edits.push({ path: maxPath, value: maxLen });
  const plain = Object.fromEntries(Object.entries(block).map(([k, v]) => [k, v instanceof FloatValue ? v.value : v]));
  return { method, ropeType, factor, trained: L0, block: plain, blockPath, maxKey, maxPositionEmbeddings: maxLen, edits };
}

function sameValue(a: unknown, b: unknown, aIsFloat: boolean): boolean {
  if (b instanceof FloatValue) return typeof a === 'number' && a === b.value && aIsFloat;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The block as JSON text with floats written as floats (for reports and vLLM overrides). */
export function blockJson(p: Plan): string {
  const floats = new Set(['factor', 'low_freq_factor', 'high_freq_factor', 'attention_factor', 'beta_fast', 'beta_slow']);
  const parts = Object.entries(p.block).map(([k, v]) => `"${k}": ${typeof v === 'number' && floats.has(k) ? new FloatValue(v).literal() : JSON.stringify(v)}`);
  return `{${parts.join(', ')}}`;
}

/**
 * Dynamic NTK stretches the base, not each frequency, so at s = T/L₀ a middle pair can still overshoot the
 * angle it reached in training (when its wavelength sits just above L₀). Raise s in 1% steps until no pair
 * does, so the suggestion really covers the target.
 */
function dynamicFactor(spec: EncodingSpec, T: number, L0: number): number {
  const rope = spec.rope!;
  const orig = baseInvFreq(rope.theta, rope.rotaryDim);
  let s = T / L0;
  for (let i = 0; i < 200; i++) {
    const scaled = computeRope({ ...rope, type: 'dynamic', factor: s }, { maxPositionEmbeddings: L0, seqLen: T }).invFreq;
    if (unseenAngles(orig, scaled, L0, T).pairs === 0) break;
    s = Number((s * 1.01).toPrecision(4));
  }
  return s;
}
