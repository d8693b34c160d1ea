// The machine-readable shape of an analysis (`pelens analyze --json`), built from the engine's result.
// One function so the CLI, the extension's "copy as JSON" and tests agree on it.
import type { Analysis, EncodingAnalysis } from '../analyze';
import type { Finding } from '../findings';

export interface EncodingJson {
  scope: string;
  layer: string | null;
  kind: string;
  modelType: string | null;
  trainedContext: number | null;
  maxContext: number | null;
  slidingWindow: number | null;
  rope: Record<string, unknown> | null;
  alibi?: { numHeads: number; maxBias: number; slopes: number[] };
  t5?: { numBuckets: number; maxDistance: number; bidirectional: boolean };
  learned?: { tableSize: number; dim: number | null };
  patchGrid?: Record<string, unknown>;
  relativeKey?: Record<string, unknown>;
  sinusoidal?: Record<string, unknown>;
  defaults: string[];
  findings: Finding[];
  extrapolation: Record<string, unknown> | null;
}

export function encodingToJson(e: EncodingAnalysis, seqLen: number | null): EncodingJson {
  const s = e.spec;
  const out: EncodingJson = {
    scope: s.scope, layer: s.layer, kind: s.kind, modelType: s.modelType,
    trainedContext: s.trainedContext, maxContext: s.maxContext, slidingWindow: s.slidingWindow,
    rope: null,
    defaults: Object.entries(s.sources).filter(([, v]) => v.isDefault).map(([k]) => k),
    findings: e.findings,
    extrapolation: e.extrapolation ? { ...e.extrapolation } : null,
  };
  if (s.rope) {
    const r = s.rope;
    out.rope = {
      type: r.type, rawType: r.rawType, layout: r.layout, theta: r.theta, headDim: r.headDim, rotaryDim: r.rotaryDim,
      partialRotaryFactor: r.partialRotaryFactor, factor: r.factor, originalMaxPositionEmbeddings: r.originalMaxPositionEmbeddings,
      seqLen, invFreq: e.rope?.invFreq ?? [], attentionFactor: e.rope?.attentionFactor ?? null, mropeSection: r.mropeSection,
    };
  }
  if (s.alibi) out.alibi = { numHeads: s.alibi.numHeads, maxBias: s.alibi.maxBias, slopes: s.alibi.slopes };
  if (s.t5) out.t5 = { ...s.t5 };
  if (s.learned) out.learned = { ...s.learned };
  if (s.patchGrid) out.patchGrid = { ...s.patchGrid };
  if (s.relativeKey) out.relativeKey = { ...s.relativeKey };
  if (s.sinusoidal) out.sinusoidal = { ...s.sinusoidal };
  return out;
}

export function analysisToJson(file: string, a: Analysis, seqLen: number | null): { file: string; encodings: EncodingJson[]; findings: Finding[] } {
  return { file, encodings: a.encodings.map((e) => encodingToJson(e, seqLen)), findings: a.findings };
}
