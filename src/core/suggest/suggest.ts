// Context-extension suggestions for a target length: per method the block, the length to set, runtime
// flags, fine-tuning advice and metrics that rank the methods for this model — each verified by
// re-analysing the edited config.
import { analyzeText, transformersOutcome, type EncodingAnalysis } from '../analyze';
import { fineTuneAdvice } from '../analysis/extrapolation';
import { applyKeyEdits } from '../edit/jsonEdit';
import { baseInvFreq, computeRope, wavelengths } from '../rope/frequencies';
import { ropeContext } from '../analysis/ropeContext';
import { METHODS, blockJson, cannotPlan, plan, type Method, type Plan } from './plan';

export interface BandMetrics {
  /** Mean |log₂(θ'/θ)| over high-frequency pairs (λ < L₀/32): local position resolution lost. */
  highFreqDistortion: number;
  /** Share of pairs whose frequency changes at all. */
  pairsChanged: number;
  /** Fraction of rotation angles at the target never seen in training (0 = covered by interpolation). */
  unseenAngleFraction: number;
}

export interface Suggestion {
  method: Method;
  applicable: boolean;
  reason?: string;
  plan?: Plan;
  blockText?: string;
  vllm?: string;
  llamaCpp?: string;
  fineTuning?: string;
  metrics?: BandMetrics;
  /** The edited config re-analysed: does it cover the target and pass transformers validation? */
  verified?: { verdict: string; outcome: string; effectiveContext: number | null; attentionFactor: number | null };
  newText?: string;
}

/** The encoding suggestions apply to: the first RoPE encoding, preferring full-attention layers. */
export function targetEncoding(encodings: EncodingAnalysis[]): EncodingAnalysis | undefined {
  const ropes = encodings.filter((e) => e.spec.kind === 'rope');
  return ropes.find((e) => e.spec.layer === null || /full|global/.test(e.spec.layer)) ?? ropes[0] ?? encodings[0];
}

/** Every method (or `only`) for one encoding — by index, else the one targetEncoding picks — best first. */
export function suggest(text: string, target: number, only?: Method, index?: number): Suggestion[] {
  const analysis = analyzeText(text);
  const enc = index !== undefined ? analysis.encodings[index] : targetEncoding(analysis.encodings);
  const pickAfter = (list: EncodingAnalysis[]): EncodingAnalysis | undefined => (index !== undefined ? list[index] : targetEncoding(list));
  const methods = only ? [only] : [...METHODS];
  return methods.map((method) => {
    if (!enc) return { method, applicable: false, reason: 'No position encoding found in this file.' };
    const why = cannotPlan(enc.spec, method, target);
    if (why) return { method, applicable: false, reason: why };
    const p = plan(enc.spec, method, target);
    const newText = applyKeyEdits(text, p.edits).text;
    const after = pickAfter(analyzeText(newText, { target }).encodings);
    return {
      method, applicable: true, plan: p, blockText: blockJson(p), newText,
      vllm: vllmArgs(p, enc), llamaCpp: llamaCppFlags(p, enc), fineTuning: fineTuneAdvice(p.ropeType, p.factor) + extraAdvice(method),
      metrics: after ? metrics(enc, after, target) : undefined,
      verified: after ? { verdict: after.extrapolation?.verdict ?? 'unknown', outcome: transformersOutcome(after), effectiveContext: after.extrapolation?.effectiveContext ?? null, attentionFactor: after.rope?.attentionFactor ?? null } : undefined,
    } as Suggestion;
  }).sort(rank);
}

/**
 * Where metrics tie, what the literature supports: YaRN has the strongest published long-context results
 * from a short fine-tune (Peng et al. 2023), llama3 is proven on Llama 3.1, dynamic NTK needs no fine-tuning
 * but drifts at larger factors, linear interpolation needs the most fine-tuning.
 */
const EVIDENCE: Method[] = ['yarn', 'llama3', 'dynamic', 'ntk', 'linear', 'longrope'];

/** Covering first, then fewest unseen angles, then least high-frequency distortion (local resolution), then evidence. */
function rank(a: Suggestion, b: Suggestion): number {
  if (a.applicable !== b.applicable) return a.applicable ? -1 : 1;
  if (!a.metrics || !b.metrics) return EVIDENCE.indexOf(a.method) - EVIDENCE.indexOf(b.method);
  const cover = (s: Suggestion): number => (s.verified?.verdict === 'scaled' || s.verified?.verdict === 'within' ? 0 : 1);
  const r2 = (x: number): number => Math.round(x * 100);
  return cover(a) - cover(b) || r2(a.metrics.unseenAngleFraction) - r2(b.metrics.unseenAngleFraction) || r2(a.metrics.highFreqDistortion) - r2(b.metrics.highFreqDistortion) || EVIDENCE.indexOf(a.method) - EVIDENCE.indexOf(b.method);
}

function metrics(before: EncodingAnalysis, after: EncodingAnalysis, target: number): BandMetrics {
  const rope = before.spec.rope!;
  const orig = baseInvFreq(rope.theta, rope.rotaryDim);
  const scaled = computeRope(after.spec.rope!, ropeContext(after.spec, target)).invFreq;
  const L0 = before.spec.trainedContext!;
  const wl = wavelengths(orig);
  let hf = 0;
  let hfCount = 0;
  let changed = 0;
  orig.forEach((f, i) => {
    const g = scaled[i] ?? f;
    if (Math.abs(g - f) > 1e-12 * f) changed++;
    if (wl[i]! < L0 / 32) {
      hf += Math.abs(Math.log2(g / f));
      hfCount++;
    }
  });
  return {
    highFreqDistortion: hfCount ? hf / hfCount : 0,
    pairsChanged: orig.length ? changed / orig.length : 0,
    unseenAngleFraction: after.extrapolation?.rope?.unseenAngleFraction ?? 0,
  };
}

function vllmArgs(p: Plan, enc: EncodingAnalysis): string {
  const key = enc.spec.rope?.layout === 'rope_parameters' || enc.spec.rope?.layout === 'rope_parameters_per_layer' ? 'rope_parameters' : 'rope_scaling';
  const overrides = `{"${key}": ${blockJson(p)}, "max_position_embeddings": ${p.maxPositionEmbeddings}}`;
  return `--hf-overrides '${overrides}' --max-model-len ${Math.round(p.trained * p.factor)}`;
}

function llamaCppFlags(p: Plan, enc: EncodingAnalysis): string {
  const ctx = `-c ${Math.round(p.trained * p.factor)}`;
  const s = String(Number(p.factor.toPrecision(6)));
  switch (p.method) {
    case 'linear':
      return `--rope-scaling linear --rope-scale ${s} ${ctx}`;
    case 'yarn':
      return `--rope-scaling yarn --rope-scale ${s} --yarn-orig-ctx ${p.trained} ${ctx}`;
    case 'dynamic':
    case 'ntk': {
      const d = enc.spec.rope!.rotaryDim;
      const base = enc.spec.rope!.theta * Math.pow(p.factor, d / (d - 2));
      return `llama.cpp has no dynamic NTK; the static NTK-aware base b·s^(d/(d−2)) comes closest: --rope-freq-base ${Math.round(base)} ${ctx}`;
    }
    case 'llama3':
      return `llama.cpp applies llama3 factors from a rope_freqs tensor: re-convert with this config (convert_hf_to_gguf.py writes it), then run with ${ctx}`;
    default:
      return '';
  }
}

function extraAdvice(method: Method): string {
  if (method === 'ntk') return ' transformers 5 has no static NTK type, so this applies the NTK-aware rule dynamically (rope_type "dynamic"); for runtimes without scaling support use the static base shown for llama.cpp.';
  if (method === 'linear') return ' It compresses every frequency, including the high ones that resolve nearby tokens; YaRN and llama3 leave those intact.';
  return '';
}
