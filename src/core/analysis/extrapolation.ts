// Does the encoding hold at a target length? For RoPE: which dimensions never completed a turn in training,
// which rotation angles the target reaches that training never showed, and how far the scaling carries.
import { t5SaturationDistance } from '../encodings/relative';
import { baseInvFreq, computeRope, wavelengths } from '../rope/frequencies';
import type { EncodingSpec } from '../spec';
import { gridSideFor } from '../vision/gridInterpolation';
import { ropeContext } from './ropeContext';

export type Verdict = 'within' | 'scaled' | 'beyond';

export interface Extrapolation {
  target: number;
  verdict: Verdict;
  trainedContext: number;
  /** How far the configured encoding carries: the longer of pure-interpolation coverage and the claimed length for scaled RoPE; the hard limit of a table. */
  effectiveContext: number | null;
  /** RoPE: the longest length at which no dimension reaches an angle unseen at the original length. */
  interpolationLimit?: number;
  summary: string;
  rope?: RopeExtrapolation;
}

export interface RopeExtrapolation {
  /** Frequency pairs whose original wavelength exceeds L₀: they never completed a turn in training. */
  criticalPairs: number;
  /** d_extra = 2⌈(d/2)·log_b(L₀/2π)⌉ of "Scaling laws of RoPE-based extrapolation". */
  criticalDimension: number;
  /** 2π·b^(d_extra/d): the paper's extrapolation bound for this base. */
  scalingLawLimit: number;
  /** Mean over rotary pairs of the share of the angle range reached at the target that training never showed. */
  unseenAngleFraction: number;
  /** Pairs that reach unseen angles at the target. */
  pairsBeyond: number;
  wavelengthMin: number;
  wavelengthMax: number;
}

const TOLERANCE = 1e-9;

/** Share of angles per pair at length T (with frequencies `scaled`) that training at L₀ (with `orig`) never showed. */
export function unseenAngles(orig: readonly number[], scaled: readonly number[], L0: number, T: number): { fraction: number; pairs: number } {
  let sum = 0;
  let pairs = 0;
  const n = Math.min(orig.length, scaled.length);
  for (let i = 0; i < n; i++) {
    const seen = Math.min(L0 * orig[i]!, 2 * Math.PI);
    const reached = Math.min(T * scaled[i]!, 2 * Math.PI);
    if (reached <= 0) continue;
    const over = Math.max(0, reached - seen) / reached;
    if (over > TOLERANCE) pairs++;
    sum += over;
  }
  return { fraction: n > 0 ? sum / n : 0, pairs };
}

export function extrapolate(spec: EncodingSpec, target: number): Extrapolation | null {
  const L0 = spec.trainedContext;
  if (L0 === null || !(L0 > 0) || !(target > 0)) return null;
  const T = Math.floor(target);
  // Without a rotary dimension there are no frequencies to judge.
  if (spec.kind === 'rope' && spec.rope) return spec.rope.rotaryDim >= 2 ? ropeExtrapolation(spec, L0, T) : null;
  const within = T <= L0;
  const base = { target: T, trainedContext: L0 };
  switch (spec.kind) {
    case 'patch_grid': {
      // An image grid does not grow past its table: a larger image gets a resized grid (transformers'
      // interpolate_pos_encoding=True), or the model refuses the image size. Nothing is indexed past the end.
      const g = spec.patchGrid!;
      const side = gridSideFor(T, g.hasClsToken);
      return { ...base, verdict: within ? 'within' : 'beyond', effectiveContext: L0, summary: within
        ? `Within the ${g.gridSize}×${g.gridSize} patch grid (${L0} positions).`
        : `The table holds a ${g.gridSize}×${g.gridSize} patch grid (${g.imageSize} px images, ${g.patchSize} px patches). ${T} positions means about a ${side}×${side} grid: pass interpolate_pos_encoding=True to resize the table bicubically (the model was not trained on the resized grid), without it ViT-style models reject any image that is not ${g.imageSize} px.` };
    }
    case 'learned':
      return { ...base, verdict: within ? 'within' : 'beyond', effectiveContext: L0, summary: within ? `Within the ${L0}-position table.` : `The learned table has ${L0} positions: position ${L0} and later have no embedding (index error or a silently clipped position).` };
    case 'alibi':
      return { ...base, verdict: within ? 'within' : 'beyond', effectiveContext: null, summary: within ? `Within the trained ${L0} tokens.` : `ALiBi has no hard limit: the bias keeps growing linearly past the trained ${L0} tokens. Press et al. report stable perplexity to about 2× the trained length; expect attention to fade to the most recent tokens beyond that.` };
    case 't5_relative': {
      const t5 = spec.t5!;
      const sat = t5SaturationDistance(t5.numBuckets, t5.maxDistance, t5.bidirectional);
      return { ...base, verdict: within ? 'within' : 'beyond', effectiveContext: null, summary: `Relative buckets saturate at distance ${sat}: every pair farther apart shares one bucket, so T5 runs at any length but cannot tell long distances apart. ${within ? 'The target is within the trained length.' : `Past the trained ${L0} tokens quality depends on the task.`}` };
    }
    default:
      return { ...base, verdict: within ? 'within' : 'beyond', effectiveContext: L0, summary: within ? 'Within the trained length.' : `Beyond the trained ${L0} positions.` };
  }
}

function ropeExtrapolation(spec: EncodingSpec, L0: number, T: number): Extrapolation {
  const rope = spec.rope!;
  const orig = baseInvFreq(rope.theta, rope.rotaryDim);
  const scaledAt = (len: number): number[] => computeRope(rope, ropeContext(spec, len)).invFreq;
  const scaled = scaledAt(T);
  const origWl = wavelengths(orig);
  const criticalPairs = origWl.filter((w) => w > L0).length;
  const d = rope.rotaryDim;
  const b = rope.theta;
  const criticalDimension = Math.max(0, Math.min(d, 2 * Math.ceil((d / 2) * (Math.log(L0 / (2 * Math.PI)) / Math.log(b)))));
  const scalingLawLimit = 2 * Math.PI * Math.pow(b, criticalDimension / d);
  const { fraction, pairs } = unseenAngles(orig, scaled, L0, T);
  const scaledWl = wavelengths(scaled).filter((w) => Number.isFinite(w));
  const isScaled = rope.type !== 'default' && !(rope.type === 'proportional' && (rope.factor ?? 1) === 1);
  const covers = (len: number): boolean => unseenAngles(orig, scaledAt(len), L0, len).pairs === 0;
  const angleCoverage = isScaled ? coverage(L0, covers) : L0;
  // A scaled config is built for the length it claims (Llama 3.1 and YaRN models are long-context trained
  // with their scaling), so the claimed length counts as covered even where pure interpolation stops short.
  const claimed = spec.maxContext ?? L0;
  const effective = isScaled ? Math.max(angleCoverage, claimed) : L0;
  let verdict: Verdict = 'within';
  if (T > L0) verdict = isScaled && T <= effective ? 'scaled' : 'beyond';
  const pct = (x: number): string => `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`;
  const summary =
    verdict === 'within'
      ? `Within the trained ${L0} tokens: every angle at ${T} was seen in training.`
      : verdict === 'scaled'
        ? `${T} tokens is ${round1(T / L0)}× the original ${L0}; ${pairs === 0 ? `the ${rope.type} scaling keeps every dimension inside the angles seen in training (it carries to ~${angleCoverage})` : `the ${rope.type} scaling interpolates to ~${angleCoverage}; beyond that ${pairs} pairs reach angles the original training never showed, so the config's ${claimed} relies on long-context training with this scaling`}. ${fineTuneAdvice(rope.type, T / L0)}`
        : `Extrapolating: at ${T} tokens ${pairs} of ${orig.length} frequency pairs reach angles never seen in training (${pct(fraction)} of the angle range); ${criticalPairs} pairs never completed a turn within ${L0} tokens. Expect degradation${isScaled ? ` — the ${rope.type} scaling carries to ~${effective}` : ''}.`;
  return {
    target: T, verdict, trainedContext: L0, effectiveContext: effective, interpolationLimit: angleCoverage, summary,
    rope: {
      criticalPairs, criticalDimension, scalingLawLimit, unseenAngleFraction: fraction, pairsBeyond: pairs,
      wavelengthMin: scaledWl.length ? Math.min(...scaledWl) : 0, wavelengthMax: scaledWl.length ? Math.max(...scaledWl) : 0,
    },
  };
}

/** Largest length that `covers` (monotone in practice), by doubling then bisection; capped at 2³⁰ tokens. */
function coverage(L0: number, covers: (len: number) => boolean): number {
  const cap = 2 ** 30;
  let lo = L0;
  let hi = L0 * 2;
  while (hi <= cap && covers(hi)) {
    lo = hi;
    hi *= 2;
  }
  if (hi > cap) return cap;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (covers(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

function round1(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

/** What the papers report about fine-tuning for each method at this scale. */
export function fineTuneAdvice(type: string, scale: number): string {
  switch (type) {
    case 'linear':
      return 'Position interpolation needs fine-tuning (Chen et al. 2023: ~1000 steps took LLaMA to 32k).';
    case 'dynamic':
      return scale <= 2 ? 'Dynamic NTK works without fine-tuning at this modest scale.' : 'Dynamic NTK works without fine-tuning for modest factors; at this scale expect some loss without it.';
    case 'yarn':
      return 'YaRN reaches this with ~10× fewer tokens and 2.5× fewer steps of fine-tuning than interpolation (Peng et al. 2023), and degrades gracefully without it up to ~2×.';
    case 'llama3':
      return 'llama3 scaling is what Llama 3.1 was trained with; other models need long-context fine-tuning with it.';
    case 'longrope':
      return 'LongRoPE factors come from a search on the model; they hold only for the model they were searched for.';
    default:
      return '';
  }
}
