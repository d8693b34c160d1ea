// Answers the panel's `analyze` request on the host: the core engine computes the spec and, per compared
// method, the frequencies of the config that method would write. Only these small arrays travel to the
// webview; the heavy tables are computed there with ORT. Free of `vscode` so the browser test reuses it.
import { analyzeText, type EncodingAnalysis } from '../core/analyze';
import { baseInvFreq } from '../core/rope/frequencies';
import { applyKeyEditsToValue } from '../core/edit/valueEdit';
import { cannotPlan, plan } from '../core/suggest/plan';
import { targetEncoding } from '../core/suggest/suggest';
import { MAX_TARGET, type AnalyzeParams, type MethodSeries, type PanelData, type PanelMethod } from '../protocol';
import { mropePanelData, visionPanelData } from './visionPanel';

const LABELS: Record<PanelMethod, string> = {
  current: 'current config', linear: 'linear (PI)', dynamic: 'dynamic NTK', yarn: 'YaRN', llama3: 'llama3',
};

/** Stable id of an encoding for the layer select: scope and layer variant. */
export function encodingId(e: EncodingAnalysis): string {
  return `${e.spec.scope}|${e.spec.layer ?? ''}`;
}

function encodingLabel(e: EncodingAnalysis): string {
  const scope = e.spec.scope || 'root';
  return `${scope}${e.spec.layer ? ` · ${e.spec.layer}` : ''} (${e.spec.kind})`;
}

export function panelData(text: string, doc: { name: string; version: number }, p: AnalyzeParams): PanelData {
  const first = analyzeText(text, { target: p.target, seqLen: p.seqLen });
  if (first.encodings.length === 0) {
    const why = first.findings[0]?.message ?? 'No position encoding found in this file.';
    throw new Error(why);
  }
  const pick = (list: EncodingAnalysis[]): EncodingAnalysis | undefined => list.find((e) => encodingId(e) === p.layer);
  const chosen = pick(first.encodings) ?? targetEncoding(first.encodings) ?? first.encodings[0]!;
  const spec = chosen.spec;
  // A claimed length is whatever the file says (1e308, 2.5): the panel draws an integer within the range a
  // typed target may take (the protocol's 2^31), and the findings say what is wrong with the value.
  const claimed = spec.maxContext ?? spec.trainedContext ?? 4096;
  const target = p.target ?? (Number.isFinite(claimed) && claimed >= 1 ? Math.min(MAX_TARGET, Math.floor(claimed)) : 4096);
  const seqLen = p.seqLen ?? target;
  // Re-analyse with the resolved target and sequence length, so `current` reflects dynamic/longrope at seqLen.
  const analysis = analyzeText(text, { target, seqLen });
  const enc = analysis.encodings.find((e) => encodingId(e) === encodingId(chosen)) ?? chosen;

  const series: MethodSeries[] = [];
  const skipped: PanelData['skipped'] = [];
  const rope = enc.spec.rope;
  const suggestTarget = targetEncoding(analysis.encodings);
  for (const method of p.methods) {
    if (!rope || !enc.rope) {
      skipped.push({ method, reason: `${enc.spec.kind} encodings have no RoPE frequencies.` });
      continue;
    }
    if (method === 'current') {
      series.push({ method, label: `${LABELS[method]} (${rope.type})`, invFreq: enc.rope.invFreq, attentionFactor: enc.rope.attentionFactor });
      continue;
    }
    if (suggestTarget && encodingId(suggestTarget) !== encodingId(enc)) {
      skipped.push({ method, reason: `Suggestions edit ${encodingLabel(suggestTarget)}; pick that layer to compare methods.` });
      continue;
    }
    // The same plan and edit as the Suggest command, without its ranking and verification passes: the panel
    // needs only the frequencies of the edited config, and this runs on every target change.
    const why = cannotPlan(enc.spec, method, target);
    if (why) {
      skipped.push({ method, reason: why });
      continue;
    }
    const newText = JSON.stringify(applyKeyEditsToValue(analysis.root?.value, plan(enc.spec, method, target).edits));
    const after = analyzeText(newText, { target, seqLen }).encodings.find((e) => encodingId(e) === encodingId(enc));
    if (!after?.rope) {
      skipped.push({ method, reason: 'the edited config has no RoPE frequencies' });
      continue;
    }
    series.push({ method, label: LABELS[method], invFreq: after.rope.invFreq, attentionFactor: after.rope.attentionFactor });
  }

  const alibi = enc.spec.alibi;
  const t5 = enc.spec.t5;
  const sin = enc.spec.sinusoidal;
  return {
    document: doc,
    layers: analysis.encodings.map((e) => ({ id: encodingId(e), label: encodingLabel(e) })),
    layer: encodingId(enc),
    kind: enc.spec.kind,
    trainedContext: enc.spec.trainedContext,
    maxContext: enc.spec.maxContext,
    target,
    seqLen,
    summary: enc.extrapolation?.summary ?? '',
    original: rope ? baseInvFreq(rope.theta, rope.rotaryDim) : null,
    series,
    skipped,
    alibi: alibi ? { slopes: alibi.slopes, maxBias: alibi.maxBias } : null,
    t5: t5 ? { numBuckets: t5.numBuckets, maxDistance: t5.maxDistance, bidirectional: t5.bidirectional } : null,
    sinusoidal: sin ? { dim: sin.dim ?? 64, base: sin.base } : null,
    vision: visionPanelData(enc, p.target),
    mrope: mropePanelData(enc, analysis.root?.value),
  };
}
