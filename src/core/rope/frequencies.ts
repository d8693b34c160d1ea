// RoPE inverse frequencies and attention factor for every transformers type, in float64.
// The single source of truth for these formulas: host, CLI and webview all import this file.
import type { RopeParams, RopeResult } from '../spec';

/** Which runtime's semantics to reproduce: transformers 5.x (current) or 4.45 (older stacks). */
export type RopeProfile = 'v5' | 'v4';

export interface RopeContext {
  /** L: max_position_embeddings as the runtime reads it. */
  maxPositionEmbeddings: number;
  /** Current sequence length, for dynamic and longrope (null: not running yet). */
  seqLen: number | null;
  profile?: RopeProfile;
  /**
   * transformers 5 reads yarn's `truncate` from the outer rope dict even for per-layer dicts, so a
   * per-layer `truncate` is ignored. Callers pass the outer value here for per-layer layouts.
   */
  truncateOverride?: { value: boolean | null };
}

/** θᵢ = b^(−2i/d) for i = 0 … d/2−1, computed as transformers does: 1 / b^(2i/d). */
export function baseInvFreq(base: number, dim: number, exponentDim = dim): number[] {
  const n = Math.max(0, Math.floor(dim / 2));
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = 1 / Math.pow(base, (2 * i) / exponentDim);
  return out;
}

/** YaRN's m(s, k) = 0.1·k·ln s + 1 (1 when s ≤ 1). */
export function yarnMscale(scale: number, mscale = 1): number {
  return scale <= 1 ? 1 : 0.1 * mscale * Math.log(scale) + 1;
}

/** Dimension index at which a frequency completes `rotations` turns within `length` tokens. */
export function yarnCorrectionDim(rotations: number, dim: number, base: number, length: number): number {
  return (dim * Math.log(length / (rotations * 2 * Math.PI))) / (2 * Math.log(base));
}

export function yarnCorrectionRange(
  betaFast: number,
  betaSlow: number,
  dim: number,
  base: number,
  length: number,
  truncate: boolean,
): [number, number] {
  let lo = yarnCorrectionDim(betaFast, dim, base, length);
  let hi = yarnCorrectionDim(betaSlow, dim, base, length);
  if (truncate) {
    lo = Math.floor(lo);
    hi = Math.ceil(hi);
  }
  return [Math.max(lo, 0), Math.min(hi, dim - 1)];
}

/** γᵢ = clamp((i − lo)/(hi − lo), 0, 1) over `n` pair indices. */
export function linearRamp(lo: number, hi: number, n: number): number[] {
  const top = lo === hi ? hi + 0.001 : hi;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(1, Math.max(0, (i - lo) / (top - lo)));
  return out;
}

/** The scaled RoPE. Never throws: callers validate first, and odd values give NaN-free fallbacks. */
export function computeRope(p: RopeParams, ctx: RopeContext): RopeResult {
  const r = scaledRope(p, ctx);
  const valid = r.invFreq.every((f) => Number.isFinite(f) && f >= 0);
  if (valid && Number.isFinite(r.attentionFactor)) return r;
  // Parameters the formulas cannot take (a factor ≤ 0, a beta ≤ 0, lengths below one token; validation reports
  // each) would give NaN, infinite or negative frequencies to every chart and check: show unscaled RoPE instead.
  const unscaled = (): number[] => (p.type === 'proportional' ? scaledRope({ ...p, factor: 1 }, ctx).invFreq : baseInvFreq(p.theta, p.rotaryDim));
  return { invFreq: valid ? r.invFreq : unscaled(), attentionFactor: Number.isFinite(r.attentionFactor) ? r.attentionFactor : 1 };
}

function scaledRope(p: RopeParams, ctx: RopeContext): RopeResult {
  const profile = ctx.profile ?? 'v5';
  const dim = p.rotaryDim;
  const base = p.theta;
  const L = ctx.maxPositionEmbeddings;
  switch (p.type) {
    case 'linear': {
      const s = p.factor ?? 1;
      return { invFreq: baseInvFreq(base, dim).map((f) => f / s), attentionFactor: 1 };
    }
    case 'dynamic': {
      const s = p.factor ?? 1;
      const seq = ctx.seqLen !== null && ctx.seqLen > L ? ctx.seqLen : L;
      const b = base * Math.pow((s * seq) / L - (s - 1), dim / (dim - 2));
      return { invFreq: baseInvFreq(b, dim), attentionFactor: 1 };
    }
    case 'yarn':
      return yarn(p, ctx, profile);
    case 'longrope':
      return longrope(p, ctx, profile);
    case 'llama3':
      return llama3(p);
    case 'proportional': {
      const s = p.factor ?? 1;
      const rotated = Math.floor((p.partialRotaryFactor * p.headDim) / 2);
      const n = Math.floor(p.headDim / 2);
      const out = new Array<number>(n).fill(0);
      for (let i = 0; i < Math.min(rotated, n); i++) out[i] = 1 / Math.pow(base, (2 * i) / p.headDim) / s;
      return { invFreq: out, attentionFactor: 1 };
    }
    default:
      return { invFreq: baseInvFreq(base, dim), attentionFactor: 1 };
  }
}

function yarn(p: RopeParams, ctx: RopeContext, profile: RopeProfile): RopeResult {
  const dim = p.rotaryDim;
  const base = p.theta;
  const L = ctx.maxPositionEmbeddings;
  // transformers 4.45 ramps over L; 5.x over L₀ (original_max_position_embeddings, which defaults to L).
  const L0 = profile === 'v4' ? L : (p.originalMaxPositionEmbeddings ?? L);
  const factor = p.factor ?? L / L0;
  let attention = p.attentionFactor;
  if (attention === null) {
    if (profile === 'v5' && p.mscale !== null && p.mscaleAllDim !== null) {
      attention = yarnMscale(factor, p.mscale) / yarnMscale(factor, p.mscaleAllDim);
    } else {
      attention = yarnMscale(factor);
    }
  }
  const truncate = profile === 'v4' ? true : (ctx.truncateOverride ? ctx.truncateOverride.value : p.truncate) ?? true;
  const [lo, hi] = yarnCorrectionRange(p.betaFast ?? 32, p.betaSlow ?? 1, dim, base, L0, truncate);
  const ramp = linearRamp(lo, hi, Math.floor(dim / 2));
  const invFreq = baseInvFreq(base, dim).map((extrap, i) => {
    const interp = extrap / factor;
    const extrapWeight = 1 - (ramp[i] ?? 0);
    return interp * (1 - extrapWeight) + extrap * extrapWeight;
  });
  return { invFreq, attentionFactor: attention };
}

function longrope(p: RopeParams, ctx: RopeContext, profile: RopeProfile): RopeResult {
  const dim = p.rotaryDim;
  const L = ctx.maxPositionEmbeddings;
  const L0 = p.originalMaxPositionEmbeddings ?? L;
  // 4.45 always takes L/L₀ when a top-level original length exists; 5.x prefers an explicit factor.
  const origInFile = !!p.entries['original_max_position_embeddings']?.node;
  const factor = profile === 'v4' ? (origInFile ? L / L0 : (p.factor ?? 1)) : (p.factor ?? L / L0);
  let attention = p.attentionFactor;
  if (attention === null) attention = factor <= 1 ? 1 : Math.sqrt(1 + Math.log(factor) / Math.log(L0));
  const useLong = ctx.seqLen !== null && ctx.seqLen > L0;
  const ext = (useLong ? p.longFactor : p.shortFactor) ?? [];
  // A zero or negative factor is invalid input (reported at extraction); it must not become an infinite frequency.
  const invFreq = baseInvFreq(p.theta, dim).map((f, i) => {
    const e = ext[i] ?? 1;
    return e > 0 ? f / e : f;
  });
  return { invFreq, attentionFactor: attention };
}

function llama3(p: RopeParams): RopeResult {
  const invFreq = llama3InvFreq(p.theta, p.rotaryDim, p.factor ?? 1, p.lowFreqFactor ?? 1, p.highFreqFactor ?? 4, p.originalMaxPositionEmbeddings ?? 8192);
  return { invFreq, attentionFactor: 1 };
}

/** llama3 scaling: high frequencies kept, low ones divided by `factor`, a smooth blend between (also read back from GGUF rope_freqs). */
export function llama3InvFreq(theta: number, dim: number, factor: number, low: number, high: number, original: number): number[] {
  const lowWavelen = original / low;
  const highWavelen = original / high;
  return baseInvFreq(theta, dim).map((f) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < highWavelen) return f;
    if (wavelen > lowWavelen) return f / factor;
    const k = (original / wavelen - low) / (high - low);
    return ((1 - k) * f) / factor + k * f;
  });
}

/** Wavelength λᵢ = 2π/θᵢ in tokens (Infinity for a zero frequency). */
export function wavelengths(invFreq: readonly number[]): number[] {
  return invFreq.map((f) => (f > 0 ? (2 * Math.PI) / f : Infinity));
}
