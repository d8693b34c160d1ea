// transformers 5.x `validate_rope` parity: the same verdict (missing keys → error and stop; unrecognized keys
// and bad values → warnings) for every rope dict, told in our words and pinned to the key's range.
import type { Finding, Severity } from '../findings';
import { pathToKey, type Range, type SrcNode } from '../source';
import type { EncodingSpec, RopeEntry, RopeParams } from '../spec';

interface KeySpec {
  required: string[];
  optional: string[];
}

export const V5_KEYS: Record<string, KeySpec> = {
  default: { required: ['rope_type'], optional: ['rope_theta'] },
  linear: { required: ['rope_type', 'factor'], optional: ['rope_theta'] },
  dynamic: { required: ['rope_type', 'factor'], optional: ['rope_theta'] },
  yarn: {
    required: ['rope_type', 'factor', 'original_max_position_embeddings'],
    optional: ['rope_theta', 'attention_factor', 'beta_fast', 'beta_slow', 'mscale', 'mscale_all_dim', 'truncate'],
  },
  longrope: { required: ['rope_type', 'short_factor', 'long_factor', 'original_max_position_embeddings'], optional: ['rope_theta', 'attention_factor', 'factor'] },
  llama3: { required: ['rope_type', 'factor', 'original_max_position_embeddings', 'low_freq_factor', 'high_freq_factor', 'rope_theta'], optional: [] },
  proportional: { required: ['rope_type', 'rope_theta'], optional: [] },
};

/** Keys every type accepts: the legacy `type` (standardised into rope_type) and the partial rotary factor. */
const ALWAYS_ALLOWED = ['type', 'partial_rotary_factor'];

export class RopeFindingSink {
  readonly findings: Finding[] = [];
  constructor(
    private readonly rope: RopeParams,
    private readonly runtime: Finding['runtime'],
    private readonly fallback: Range | null,
  ) {}

  dictKey(): string {
    return this.rope.dictPath ? pathToKey(this.rope.dictPath) : this.rope.layout === 'rope_parameters' ? 'rope_parameters' : 'rope_scaling';
  }

  /** Range of an entry's key, else of the dict, else of the scope. */
  rangeOf(entry?: RopeEntry | null): { key: string | null; range: Range | null } {
    const node: SrcNode | null = entry?.node ?? null;
    if (node) return { key: pathToKey(node.path), range: node.keyRange ?? node.range };
    return { key: this.dictKey(), range: this.fallback };
  }

  add(severity: Severity, code: string, message: string, entry?: RopeEntry | null, data?: Record<string, unknown>): void {
    const at = this.rangeOf(entry);
    this.findings.push({ severity, code, runtime: this.runtime, message, key: at.key, range: at.range, ...(data ? { data } : {}) });
  }
}

function num(e: RopeEntry | undefined): number | null {
  return e && typeof e.value === 'number' && Number.isFinite(e.value) ? e.value : null;
}

function isNumber(e: RopeEntry | undefined): boolean {
  return !!e && typeof e.value === 'number';
}

/**
 * Validates one rope dict as transformers 5 does. `L` is max_position_embeddings as the config class reads it;
 * `dictRange` locates the dict (or the scope) for findings about absent keys.
 */
export function validateV5(spec: EncodingSpec, dictRange: Range | null): Finding[] {
  const rope = spec.rope;
  if (!rope) return [];
  const sink = new RopeFindingSink(rope, 'transformers', dictRange);
  const e = rope.entries;
  const type = typeof e['rope_type']?.value === 'string' ? (e['rope_type'].value as string) : String(e['rope_type']?.value);
  const keys = V5_KEYS[type];
  const where = sink.dictKey();
  if (!keys) {
    sink.add('warning', 'rope.unknown-type', `transformers 5 has no rope type "${type}": it cannot validate \`${where}\`, and loading the model fails when it looks up the RoPE function for this type. Known types: ${Object.keys(V5_KEYS).join(', ')}.`, e['rope_type']);
    return sink.findings;
  }
  const received = Object.keys(e).filter((k) => !ALWAYS_ALLOWED.includes(k) && !rope.ignoreKeys.includes(k));
  const missing = keys.required.filter((k) => !received.includes(k));
  if (missing.length > 0) {
    sink.add('error', 'rope.missing-keys', `\`${where}\` with rope_type "${type}" needs ${missing.map((k) => `\`${k}\``).join(', ')}: transformers 5 raises KeyError when it loads this config.`, e['rope_type']?.node ? e['rope_type'] : null, { missing, ropeType: type });
    return sink.findings;
  }
  const extra = received.filter((k) => !keys.required.includes(k) && !keys.optional.includes(k));
  for (const k of extra) {
    sink.add('warning', 'rope.unrecognized-key', `transformers 5 does not use \`${k}\` for rope_type "${type}" and warns that it is unrecognized; it has no effect there.`, e[k], { extraKey: k, ropeType: type });
  }
  const L = spec.maxContext;
  const factor = e['factor'];
  const checkFactor = (): void => {
    if (!isNumber(factor) || (num(factor) ?? 0) < 1) {
      sink.add('warning', 'rope.factor-range', `The scaling factor must be a number ≥ 1, got ${JSON.stringify(factor?.value ?? null)}: a factor below 1 shrinks the usable context instead of extending it.`, factor);
    }
  };
  switch (type) {
    case 'linear':
    case 'dynamic':
      checkFactor();
      break;
    case 'yarn': {
      checkFactor();
      const af = e['attention_factor'];
      if (af && af.value !== null && (!isNumber(af) || !af.isFloat || (num(af) ?? -1) < 0)) {
        sink.add('warning', 'rope.attention-factor', `\`attention_factor\` must be a float ≥ 0 (write ${num(af) ?? '…'}${af.isFloat ? '' : '.0'}), got ${JSON.stringify(af.value)}.`, af);
      }
      const bf = num(e['beta_fast']) ?? 32;
      const bs = num(e['beta_slow']) ?? 1;
      for (const k of ['beta_fast', 'beta_slow']) {
        const b = e[k];
        if (b && b.value !== null && !isNumber(b)) sink.add('warning', 'rope.beta-type', `\`${k}\` must be a number, got ${JSON.stringify(b.value)}.`, b);
      }
      if (bf < bs) sink.add('warning', 'rope.beta-order', `\`beta_fast\` (${bf}) must be greater than \`beta_slow\` (${bs}): the ramp between interpolated and extrapolated dimensions runs backwards.`, e['beta_fast'] ?? e['beta_slow']);
      const L0 = num(e['original_max_position_embeddings']);
      const f = num(factor);
      if (L !== null && L0 !== null && L0 > 0 && f !== null) {
        const implicit = L / L0;
        if (implicit !== 1 && Math.abs(implicit - f) > 1e-12 * Math.max(1, f)) {
          sink.add('warning', 'rope.factor-mismatch', `The factor (${f}) disagrees with max_position_embeddings / original_max_position_embeddings = ${L} / ${L0} = ${round(implicit)}; transformers 5 warns, and runtimes that derive the factor from the lengths will use ${round(implicit)}.`, factor, { impliedFactor: implicit, expectedMax: L0 * f });
        }
      }
      break;
    }
    case 'longrope': {
      const half = Math.floor(rope.rotaryDim / 2);
      for (const k of ['short_factor', 'long_factor']) {
        const list = e[k];
        const v = list?.value;
        if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) sink.add('warning', 'rope.longrope-list', `\`${k}\` must be a list of numbers.`, list);
        else if (v.length !== half) sink.add('warning', 'rope.longrope-length', `\`${k}\` has ${v.length} entries; the rotary dimension ${rope.rotaryDim} needs ${half} (one per frequency pair).`, list, { expected: half });
      }
      if (factor === undefined) {
        sink.add('warning', 'rope.longrope-no-factor', `\`${where}\` has no \`factor\`, so transformers derives it from max_position_embeddings / original_max_position_embeddings and recommends setting \`factor\` explicitly (${L !== null && num(e['original_max_position_embeddings']) ? `here ${round(L / num(e['original_max_position_embeddings'])!)}` : 'that ratio'}).`, null, L !== null && num(e['original_max_position_embeddings']) ? { factor: L / num(e['original_max_position_embeddings'])! } : undefined);
      } else checkFactor();
      const af = e['attention_factor'];
      if (af && (!isNumber(af) || (num(af) ?? -1) < 0)) sink.add('warning', 'rope.attention-factor', `\`attention_factor\` must be a number ≥ 0, got ${JSON.stringify(af.value)}.`, af);
      break;
    }
    case 'llama3': {
      checkFactor();
      const lo = e['low_freq_factor'];
      const hi = e['high_freq_factor'];
      for (const [k, v] of [['low_freq_factor', lo], ['high_freq_factor', hi]] as const) {
        if (!isNumber(v)) sink.add('warning', 'rope.llama3-freq-type', `\`${k}\` must be a number, got ${JSON.stringify(v?.value ?? null)}.`, v);
      }
      if (isNumber(lo) && isNumber(hi) && (num(hi) ?? 0) <= (num(lo) ?? 0)) {
        sink.add('warning', 'rope.llama3-freq-order', `\`high_freq_factor\` (${num(hi)}) must be greater than \`low_freq_factor\` (${num(lo)}): the smooth band between them is empty or inverted.`, hi);
      }
      const o = e['original_max_position_embeddings'];
      const ov = num(o);
      if (ov === null || !Number.isInteger(ov) || (o?.isFloat ?? false)) sink.add('warning', 'rope.orig-not-integer', `\`original_max_position_embeddings\` must be an integer, got ${JSON.stringify(o?.value ?? null)}.`, o);
      if (ov !== null && L !== null && ov >= L) {
        const msg = o?.node
          ? `\`original_max_position_embeddings\` (${ov}) must be less than max_position_embeddings (${L}): llama3 scaling extends a trained length to a longer one.`
          : `No \`original_max_position_embeddings\`: transformers 5 copies max_position_embeddings (${L}) in as the trained length, then warns that it must be less than max_position_embeddings — llama3 scaling extends nothing. Add the trained length to the rope dict.`;
        // Raising the max fixes it only when the file states the trained length (in the dict or at top level):
        // without it the trained length follows the max itself (the missing key has its own finding).
        sink.add('warning', 'rope.orig-ge-max', msg, o, o?.node && num(factor) !== null ? { expectedMax: ov * num(factor)! } : undefined);
      }
      break;
    }
  }
  return sink.findings;
}

export function round(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(6).replace(/0+$/, '').replace(/\.$/, '');
}
