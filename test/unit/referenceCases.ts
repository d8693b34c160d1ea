// Loads the shared reference cases (transformers' own outputs) with each case's config text exactly as
// written, so int-vs-float literals survive (JSON.parse would turn 4.0 into 4).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText, transformersOutcome, type EncodingAnalysis } from '../../src/core/analyze';
import { parseJsonc } from '../../src/core/parse/jsonc';
import { child, type SrcNode } from '../../src/core/source';

export const SHARED = join(__dirname, '..', '..', '..', 'shared');
export const CORPUS = join(SHARED, 'corpus');
export const hasShared = existsSync(join(CORPUS, 'reference_v5.json'));

export interface RefCase {
  name: string;
  kind: string;
  configText: string;
  seqLen: number | null;
  layerType: string | null;
  ropeType: string | null;
  invFreq: number[] | null;
  attentionFactor: number | null;
  outcome: 'pass' | 'warning' | 'error';
  rawOutcome: 'pass' | 'warning' | 'error';
}

export function loadReference(file: string): RefCase[] {
  const text = readFileSync(join(CORPUS, file), 'utf8');
  const root = parseJsonc(text).root;
  const cases = child(root, 'cases')?.items ?? [];
  return cases.map((c) => {
    const v = c.value as Record<string, unknown>;
    const excerpt = child(c, 'config_excerpt') as SrcNode;
    const source = typeof v['source_file'] === 'string' ? join(CORPUS, v['source_file']) : null;
    const configText = source && existsSync(source) ? readFileSync(source, 'utf8') : text.slice(excerpt.offset, excerpt.offset + excerpt.length);
    const validation = v['validation'] as { outcome: RefCase['outcome'] };
    const bc = v['validation_after_class_bc'] as { outcome: RefCase['outcome'] } | undefined;
    return {
      name: String(v['case']), kind: String(v['kind']), configText,
      seqLen: typeof v['seq_len'] === 'number' ? v['seq_len'] : null,
      layerType: typeof v['layer_type'] === 'string' ? v['layer_type'] : null,
      ropeType: typeof v['rope_type'] === 'string' ? v['rope_type'] : null,
      invFreq: Array.isArray(v['inv_freq']) ? (v['inv_freq'] as number[]) : null,
      attentionFactor: typeof v['attention_factor'] === 'number' ? v['attention_factor'] : null,
      outcome: (bc ?? validation).outcome, rawOutcome: validation.outcome,
    };
  });
}

/** The encoding a case describes: its layer variant, else the first RoPE encoding. */
export function analyseCase(c: RefCase): EncodingAnalysis | undefined {
  const a = analyzeText(c.configText, { seqLen: c.seqLen });
  const ropes = a.encodings.filter((e) => e.spec.kind === 'rope');
  return (c.layerType ? ropes.find((e) => e.spec.layer === c.layerType) : undefined) ?? ropes[0];
}

export function maxRelError(actual: readonly number[], expected: readonly number[]): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    const err = e === 0 ? Math.abs(a) : Math.abs(a - e) / Math.abs(e);
    worst = Math.max(worst, err);
  }
  return worst;
}

export { transformersOutcome };
