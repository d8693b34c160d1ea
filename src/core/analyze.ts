// The one entry point every surface uses: text → parse → normalized spec → RoPE maths → findings →
// extrapolation. Never throws on user input.
import { extrapolate, type Extrapolation } from './analysis/extrapolation';
import { lensFindings } from './analysis/lens';
import { ropeContext } from './analysis/ropeContext';
import { runtimeFindings } from './analysis/runtimes';
import { validateV4 } from './analysis/transformers4';
import { validateV5 } from './analysis/transformers5';
import { extractModel } from './extract/model';
import { outcomeOf, sortFindings, type Finding, type Runtime } from './findings';
import { parseJsonc } from './parse/jsonc';
import { computeRope } from './rope/frequencies';
import { LineIndex, nodeAtPath, type Range, type SrcNode } from './source';
import type { EncodingSpec, RopeResult } from './spec';

export interface AnalyzeOptions {
  /** Current sequence length for dynamic/longrope (null: before any sequence). */
  seqLen?: number | null;
  /** Target length for the extrapolation check (default: what the config claims). */
  target?: number | null;
  /** Runtimes whose findings to keep (default: all). `lens` and syntax findings are always kept. */
  runtimes?: readonly Runtime[];
}

export interface EncodingAnalysis {
  spec: EncodingSpec;
  rope: RopeResult | null;
  findings: Finding[];
  extrapolation: Extrapolation | null;
}

export interface Analysis {
  root: SrcNode | null;
  lines: LineIndex;
  encodings: EncodingAnalysis[];
  /** File-level findings (syntax, no model keys). */
  findings: Finding[];
}

export function analyzeText(text: string, opts: AnalyzeOptions = {}): Analysis {
  const doc = parseJsonc(text);
  return analyzeTree(doc.root, doc.lines, opts, doc.findings);
}

export function analyzeTree(root: SrcNode | null, lines: LineIndex = new LineIndex(''), opts: AnalyzeOptions = {}, syntax: Finding[] = []): Analysis {
  const model = extractModel(root);
  const keep = (f: Finding): boolean => !opts.runtimes || f.runtime === 'lens' || opts.runtimes.includes(f.runtime);
  const encodings = model.encodings.map((spec) => analyzeEncoding(root, spec, opts, keep));
  // An empty (or comment-only) file has no tree and no syntax error; it is still no model config.
  const empty: Finding[] = root === null && syntax.length === 0
    ? [{ severity: 'error', code: 'file.no-model-keys', runtime: 'lens', message: 'The file is empty: there is no model config to analyse.', key: null, range: null }]
    : [];
  return { root, lines, encodings, findings: sortFindings([...syntax, ...model.findings, ...empty]) };
}

function analyzeEncoding(root: SrcNode | null, spec: EncodingSpec, opts: AnalyzeOptions, keep: (f: Finding) => boolean): EncodingAnalysis {
  const findings: Finding[] = [...spec.findings];
  let rope: RopeResult | null = null;
  if (spec.rope) {
    const dictRange = ropeDictRange(root, spec);
    findings.push(...validateV5(spec, dictRange), ...validateV4(spec, dictRange), ...runtimeFindings(spec, dictRange));
    if (spec.rope.rotaryDim >= 2) rope = computeRope(spec.rope, ropeContext(spec, opts.seqLen ?? null));
    else findings.push({ severity: 'error', code: 'rope.no-dim', runtime: 'lens', key: null, range: dictRange, message: 'The rotary dimension cannot be determined (no head_dim, and no hidden_size with num_attention_heads), so no frequencies can be computed.' });
  }
  findings.push(...lensFindings(spec).map((f) => (f.range ? f : { ...f, range: scopeRange(root, spec) })));
  const target = opts.target ?? spec.maxContext ?? spec.trainedContext;
  const extrapolation = target !== null && target !== undefined ? safeExtrapolate(spec, target) : null;
  return { spec, rope, findings: sortFindings(dedupe(findings.filter(keep))), extrapolation };
}

function safeExtrapolate(spec: EncodingSpec, target: number): Extrapolation | null {
  return Number.isFinite(target) && target > 0 && target <= 2 ** 40 ? extrapolate(spec, target) : null;
}

/** Where findings about the rope dict point: its key, else the theta or length key, else the scope's start. */
function ropeDictRange(root: SrcNode | null, spec: EncodingSpec): Range | null {
  const rope = spec.rope!;
  const dict = rope.dictPath ? nodeAtPath(root, rope.dictPath) : null;
  if (dict) return dict.keyRange ?? dict.range;
  const theta = spec.sources['theta'];
  if (theta?.keyRange) return theta.keyRange;
  return scopeRange(root, spec);
}

function scopeRange(root: SrcNode | null, spec: EncodingSpec): Range | null {
  const scope = spec.scope ? nodeAtPath(root, spec.scope.split('.')) : root;
  if (scope?.keyRange) return scope.keyRange;
  const start = scope?.range?.start;
  return start ? { start, end: { line: start.line, character: start.character + 1 } } : null;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.runtime}|${f.code}|${f.key}|${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Highest severity among transformers-5 findings: the verdict a user loading the config gets. */
export function transformersOutcome(a: EncodingAnalysis): 'pass' | 'warning' | 'error' {
  return outcomeOf(a.findings.filter((f) => f.runtime === 'transformers'));
}
