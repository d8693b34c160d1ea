// `pelens check`: findings for one or many configs (folders are searched), exit 1 on any error-level
// finding so CI can gate on it; JSON or SARIF 2.1.0 for machines.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Analysis } from '../core/analyze';
import type { Finding } from '../core/findings';
import { analysisToJson } from '../core/report/json';
import { encodingTitle, findingLine } from '../core/report/text';
import { UsageError, type CliArgs } from './args';
import { CliError, loadConfig } from './load';
import type { Io } from './main';
import { toSarif } from './sarif';

const SKIP_DIRS = new Set(['node_modules', '.git', '.cache', 'dist', 'out']);
const MAX_FILES = 100_000;

/** Config files under a folder: *.json whose name says config (config.json, *_config.json, …). */
export function findConfigs(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (out.length >= MAX_FILES) break;
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) {
      if (!SKIP_DIRS.has(name)) findConfigs(p, out);
    } else if (/\.json$/i.test(name) && /config/i.test(name) && !/generation_config|tokenizer|preprocessor|package/i.test(name)) out.push(p);
  }
  return out;
}

export interface Checked {
  file: string;
  analysis: Analysis | null;
  error: string | null;
}

export async function runCheck(args: CliArgs, io: Io): Promise<number> {
  if (args.files.length === 0) throw new UsageError('check needs at least one file or folder');
  const checked: Checked[] = [];
  for (const f of args.files) {
    const st = statSync(f, { throwIfNoEntry: false });
    const explicit = !st?.isDirectory();
    const files = explicit ? [f] : findConfigs(f);
    for (const file of files) {
      try {
        checked.push({ file, analysis: (await loadConfig(file, { target: args.target })).analysis, error: null });
      } catch (e) {
        // In a folder, JSON that is not a model config is simply not ours; named files must be configs.
        if (!explicit && e instanceof CliError && /No model keys/.test(e.message)) continue;
        if (e instanceof CliError) checked.push({ file, analysis: null, error: e.message });
        else throw e;
      }
    }
  }
  const all = (c: Checked): Finding[] => (c.analysis ? [...c.analysis.findings, ...c.analysis.encodings.flatMap((e) => e.findings)] : []);
  const errors = checked.filter((c) => c.error !== null || all(c).some((f) => f.severity === 'error')).length;
  if (args.sarif) io.out(JSON.stringify(toSarif(checked), null, 2));
  else if (args.json) {
    io.out(JSON.stringify({ files: checked.map((c) => (c.analysis ? analysisToJson(c.file, c.analysis, null) : { file: c.file, error: c.error })) }, null, 2));
  } else {
    for (const c of checked) {
      if (c.error) {
        io.out(`✘ ${c.error}`);
        continue;
      }
      const findings = all(c);
      const worst = findings.some((f) => f.severity === 'error') ? '✘' : findings.some((f) => f.severity === 'warning') ? '!' : '✔';
      io.out(`${worst} ${c.file}`);
      for (const f of c.analysis!.findings) io.out(`    ${findingLine(f)}`);
      for (const e of c.analysis!.encodings) {
        if (e.extrapolation) io.out(`    ${encodingTitle(e)}: ${e.extrapolation.verdict} at ${e.extrapolation.target} — ${e.extrapolation.summary}`);
        for (const f of e.findings) io.out(`    ${findingLine(f)}`);
      }
    }
    io.out(`${checked.length} file(s) checked, ${errors} with errors.`);
  }
  if (checked.length === 0) return io.fail('pelens: no config files found', 2);
  return errors > 0 ? 1 : 0;
}
