// SARIF 2.1.0 for code-scanning UIs: one rule per finding code, results on the finding's line and column
// (SARIF counts from 1; the engine from 0).
import type { Finding } from '../core/findings';
import type { Checked } from './check';

const LEVEL: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', info: 'note' };

export function toSarif(checked: Checked[]): Record<string, unknown> {
  const rules = new Map<string, Record<string, unknown>>();
  const results: Record<string, unknown>[] = [];
  for (const c of checked) {
    const findings: Finding[] = c.analysis ? [...c.analysis.findings, ...c.analysis.encodings.flatMap((e) => e.findings)] : [];
    if (c.error) findings.push({ severity: 'error', code: 'file.unreadable', runtime: 'lens', message: c.error, key: null, range: null });
    for (const f of findings) {
      if (!rules.has(f.code)) rules.set(f.code, { id: f.code, shortDescription: { text: f.code }, properties: { runtime: f.runtime } });
      const region = f.range
        ? { startLine: f.range.start.line + 1, startColumn: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1 }
        : { startLine: 1, startColumn: 1 };
      results.push({
        ruleId: f.code, level: LEVEL[f.severity], message: { text: `[${f.runtime}] ${f.message}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: c.file.replace(/\\/g, '/') }, region } }],
        properties: { runtime: f.runtime, ...(f.key ? { key: f.key } : {}) },
      });
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'pelens', informationUri: 'https://github.com/position-encoding-lens', rules: [...rules.values()] } }, results }],
  };
}
