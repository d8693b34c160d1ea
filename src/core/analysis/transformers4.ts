// What transformers 4.4x (checked against 4.45) says where it differs from 5.x, so users on older stacks
// are warned: the legacy `type` KeyError, yarn keys it rejects, int-vs-float checks, and different maths.
import { TYPE_COPY_CLASS_TYPES } from '../extract/families';
import { entryInDict } from '../extract/rope';
import type { Finding } from '../findings';
import { computeRope } from '../rope/frequencies';
import type { EncodingSpec, RopeEntry } from '../spec';
import type { Range } from '../source';
import { ropeContext } from './ropeContext';
import { RopeFindingSink, round } from './transformers5';

const V4_KEYS: Record<string, { required: string[]; optional: string[] }> = {
  default: { required: ['rope_type'], optional: [] },
  linear: { required: ['rope_type', 'factor'], optional: [] },
  dynamic: { required: ['rope_type', 'factor'], optional: ['original_max_position_embeddings'] },
  yarn: { required: ['rope_type', 'factor'], optional: ['attention_factor', 'beta_fast', 'beta_slow'] },
  longrope: { required: ['rope_type', 'short_factor', 'long_factor'], optional: ['attention_factor', 'factor', 'original_max_position_embeddings'] },
  llama3: { required: ['rope_type', 'factor', 'original_max_position_embeddings', 'low_freq_factor', 'high_freq_factor'], optional: [] },
};

const V4 = 'transformers 4.x (4.45)';

export function validateV4(spec: EncodingSpec, dictRange: Range | null): Finding[] {
  const rope = spec.rope;
  if (!rope) return [];
  const sink = new RopeFindingSink(rope, 'transformers-4', dictRange);
  if (rope.layout === 'rope_parameters' || rope.layout === 'rope_parameters_per_layer') {
    sink.add('warning', 'v4.rope-parameters-ignored', `transformers before 5.0 does not read \`rope_parameters\`: it looks for top-level \`rope_theta\` and \`rope_scaling\`, so on a 4.x stack this model silently runs default RoPE with theta 10000${rope.theta !== 10000 || rope.type !== 'default' ? ` instead of ${rope.type} with theta ${rope.theta}` : ''}. Pin transformers ≥ 5 or add the legacy keys.`);
    return sink.findings;
  }
  if (!rope.hasDict) return sink.findings;
  // Only keys that were in the file: 4.x had no standardisation step.
  const e: Record<string, RopeEntry> = Object.fromEntries(Object.entries(rope.entries).filter(([k]) => entryInDict(rope, k)));
  const modelType = spec.modelType;
  const classCopiesType = !!modelType && TYPE_COPY_CLASS_TYPES.has(modelType);
  if (!e['rope_type'] && e['type']) {
    if (classCopiesType) {
      // The model's config class copies type → rope_type, so 4.45 accepts it; older and custom-code classes do not.
      sink.add('info', 'v4.legacy-type', `Only the legacy \`type\` key is set. transformers 4.43–4.50 accept it here because the ${modelType} config class copies it to \`rope_type\`; custom-code models on 4.x raise KeyError. Renaming it to \`rope_type\` works everywhere.`, e['type']);
    } else {
      sink.add('warning', 'v4.legacy-type', `Only the legacy \`type\` key is set: ${V4} validation requires \`rope_type\` and raises KeyError for config classes that do not copy it. Rename \`type\` to \`rope_type\`.`, e['type']);
      return sink.findings;
    }
  }
  const rawType = (e['rope_type']?.value ?? e['type']?.value ?? 'default') as string;
  const type = rawType === 'mrope' ? 'default' : rawType === 'su' ? 'longrope' : rawType;
  if (Object.keys(e).length === 0) {
    sink.add('warning', 'v4.empty-dict', `An empty \`${sink.dictKey()}\` raises KeyError in ${V4} (it has no rope_type). Use null or remove it.`);
    return sink.findings;
  }
  if (type === 'llama3') {
    sink.add('info', 'v4.llama3-pre-443', 'transformers before 4.43 rejects llama3 scaling on Llama configs ("`rope_scaling` must be a dictionary with two fields, type and factor"): Llama 3.1 configs need transformers ≥ 4.43.', e['rope_type'] ?? e['type']);
  }
  const keys = V4_KEYS[type];
  if (!keys) return sink.findings;
  const ignore = ['type', 'rope_type', ...rope.ignoreKeys];
  const extra = Object.keys(e).filter((k) => !ignore.includes(k) && !keys.required.includes(k) && !keys.optional.includes(k) && k !== 'partial_rotary_factor' && k !== 'rope_theta');
  if (extra.length) {
    sink.add('warning', 'v4.unrecognized-keys', `${V4} does not know ${extra.map((k) => `\`${k}\``).join(', ')} for ${type}${type === 'yarn' ? ' (yarn accepted original_max_position_embeddings only from 4.51, and mscale/mscale_all_dim/truncate only in 5.x)' : ''}: ${extra.length > 1 ? 'they are' : 'it is'} ignored there and the maths differ.`, e[extra[0]!]);
  }
  const intWarn = (k: string, what: string): void => {
    const v = e[k];
    if (v && typeof v.value === 'number' && !v.isFloat) sink.add('info', 'v4.int-not-float', `${V4} warns that \`${k}\` must be a float${what}, got the integer ${v.value}; write ${v.value}.0 to keep older stacks quiet.`, v);
  };
  if (['linear', 'dynamic', 'yarn', 'llama3'].includes(type)) intWarn('factor', ' ≥ 1');
  if (type === 'yarn') ['beta_fast', 'beta_slow', 'attention_factor'].forEach((k) => intWarn(k, ''));
  if (type === 'llama3') ['low_freq_factor', 'high_freq_factor'].forEach((k) => intWarn(k, ''));
  mathsDiffer(spec, sink);
  return sink.findings;
}

/** Compares the 4.45 frequencies and attention factor with 5.x's and reports what changes on an old stack. */
function mathsDiffer(spec: EncodingSpec, sink: RopeFindingSink): void {
  const rope = spec.rope!;
  if (!['yarn', 'longrope'].includes(rope.type)) return;
  const v5 = computeRope(rope, ropeContext(spec, null, 'v5'));
  const v4 = computeRope(rope, ropeContext(spec, null, 'v4'));
  let maxRel = 0;
  v5.invFreq.forEach((f, i) => {
    const g = v4.invFreq[i] ?? f;
    if (f !== 0) maxRel = Math.max(maxRel, Math.abs(g - f) / Math.abs(f));
  });
  const afDiff = Math.abs(v4.attentionFactor - v5.attentionFactor) > 1e-12;
  if (maxRel < 1e-9 && !afDiff) return;
  const parts: string[] = [];
  if (afDiff) parts.push(`attention factor ${round(v4.attentionFactor)} instead of ${round(v5.attentionFactor)}${rope.mscale !== null ? ' (4.x ignores mscale/mscale_all_dim)' : ''}`);
  if (maxRel >= 1e-9) parts.push(`frequencies up to ${(maxRel * 100).toPrecision(3)}% different${rope.type === 'yarn' ? ' (4.x ramps over max_position_embeddings, not the original length)' : ''}`);
  sink.add('warning', 'v4.maths-differ', `On transformers 4.x (4.45) this ${rope.type} config computes a different encoding: ${parts.join('; ')}. Outputs will not match a 5.x deployment.`, rope.entries['rope_type']?.node ? rope.entries['rope_type'] : null, { v4AttentionFactor: v4.attentionFactor, maxRelDiff: maxRel });
}
