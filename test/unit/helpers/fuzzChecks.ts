// What every analysis must satisfy whatever the input: something to show (an encoding or a finding),
// clear findings, finite numbers in every output the surfaces print, and bounded reports.
import assert from 'node:assert/strict';
import type { Analysis } from '../../../src/core/analyze';
import { analysisToJson } from '../../../src/core/report/json';
import { analysisToText, facts } from '../../../src/core/report/text';
import { assertFindingsClear, assertNoNonFinite } from './fuzz';

/** Every number in a JSON-able value, with its path (JSON.stringify would hide NaN/Infinity as null). */
export function nonFiniteNumbers(value: unknown, path = '', out: string[] = [], depth = 0): string[] {
  if (typeof value === 'number' && !Number.isFinite(value)) out.push(`${path} = ${value}`);
  else if (depth < 40 && Array.isArray(value)) value.forEach((v, i) => nonFiniteNumbers(v, `${path}[${i}]`, out, depth + 1));
  else if (depth < 40 && typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) if (k !== 'range') nonFiniteNumbers(v, path ? `${path}.${k}` : k, out, depth + 1);
  return out;
}

/** The invariants of one analysis (`what` names the case in failure messages). */
export function assertAnalysisSane(a: Analysis, what: string): void {
  const all = [...a.findings, ...a.encodings.flatMap((e) => e.findings)];
  assert.ok(a.encodings.length > 0 || all.length > 0, `${what}: neither an encoding nor a finding`);
  assert.ok(all.length <= 400, `${what}: ${all.length} findings (diagnostics must stay bounded)`);
  assertFindingsClear(all);
  for (const e of a.encodings) {
    for (const f of e.rope?.invFreq ?? []) assert.ok(Number.isFinite(f) && f >= 0, `${what}: inverse frequency ${f}`);
    if (e.rope) assert.ok(Number.isFinite(e.rope.attentionFactor), `${what}: attention factor ${e.rope.attentionFactor}`);
  }
  const bad = nonFiniteNumbers(analysisToJson('fuzz', a, 65536));
  assert.deepEqual(bad, [], `${what}: non-finite numbers in the JSON report`);
  // The computed facts and verdicts (findings may quote a file's own NaN or Infinity, facts never show one).
  for (const e of a.encodings) {
    // The model type is the file's own string ("Infinity" is a valid one); every other fact is computed.
    for (const [label, value] of facts(e)) if (label !== 'model type') assertNoNonFinite(`${label}: ${value}`, `${what}: fact`);
    if (e.extrapolation) assertNoNonFinite(e.extrapolation.summary, `${what}: verdict`);
  }
  const text = analysisToText('fuzz', a);
  assert.ok(text.length < 2_000_000, `${what}: text report of ${text.length} characters`);
}
