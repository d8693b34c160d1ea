// What the analysis says about a config: one finding per problem, tied to the key it is about.
import type { Range } from './source';

export type Severity = 'error' | 'warning' | 'info';

/** Whose behaviour a finding mirrors; `lens` is the project's own advice. */
export type Runtime = 'transformers' | 'transformers-4' | 'vllm' | 'llama.cpp' | 'lens';

export interface Finding {
  severity: Severity;
  /** Stable identifier, e.g. `rope.missing-keys`; quick fixes and SARIF rules key on it. */
  code: string;
  runtime: Runtime;
  message: string;
  /** Dotted path of the key the finding is about (`rope_scaling.factor`), or null for the whole file. */
  key: string | null;
  range: Range | null;
  /** Machine-readable data a quick fix needs (e.g. the value to set). */
  data?: Record<string, unknown>;
}

const ORDER: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** pass / warning / error: the highest severity among the findings given (info counts as pass). */
export function outcomeOf(findings: readonly Finding[]): 'pass' | 'warning' | 'error' {
  let worst = 0;
  for (const f of findings) worst = Math.max(worst, ORDER[f.severity]);
  return worst === 3 ? 'error' : worst === 2 ? 'warning' : 'pass';
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      ORDER[b.severity] - ORDER[a.severity] ||
      (a.range?.start.line ?? -1) - (b.range?.start.line ?? -1) ||
      (a.range?.start.character ?? -1) - (b.range?.start.character ?? -1),
  );
}
