// Reads a config file for the CLI and turns every way it can be unusable into one clear CliError line.
import { readFileSync, statSync } from 'node:fs';
import { analyzeText, type Analysis, type AnalyzeOptions } from '../core/analyze';

export class CliError extends Error {}

/** Larger files are not configs; refusing them keeps the CLI from chewing on a checkpoint by mistake. */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

export interface Loaded {
  text: string;
  analysis: Analysis;
}

export function readText(file: string): string {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new CliError(`${file}: is a directory`);
    size = st.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'cannot read'}`);
  }
  if (size > MAX_CONFIG_BYTES) throw new CliError(`${file}: ${Math.round(size / 1048576)} MB is too large for a config file (limit ${MAX_CONFIG_BYTES / 1048576} MB)`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`${file}: cannot read`);
  }
}

/** Loads and analyses; invalid JSON and non-model JSON are errors (exit 2) rather than empty results. */
export function loadConfig(file: string, opts: AnalyzeOptions = {}): Loaded {
  const text = readText(file);
  const analysis = analyzeText(text, opts);
  const syntax = analysis.findings.find((f) => f.code === 'syntax');
  if (syntax) {
    const at = syntax.range ? `${syntax.range.start.line + 1}:${syntax.range.start.character + 1}` : '';
    throw new CliError(`${file}${at ? `:${at}` : ''}: invalid JSON (${syntax.message.replace(/^JSON syntax: /, '')})`);
  }
  const notModel = analysis.findings.find((f) => f.code === 'file.no-model-keys' || f.code === 'file.not-object');
  if (notModel) throw new CliError(`${file}: ${notModel.message}`);
  return { text, analysis };
}
