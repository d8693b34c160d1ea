// Reads a config file for the CLI (JSON, training YAML, GGUF, safetensors) and turns every way it can be
// unusable into one clear CliError line.
import { statSync } from 'node:fs';
import type { Analysis, AnalyzeOptions } from '../core/analyze';
import { analyzeSource, fileKindOf, type FileKind } from '../core/analyzeFile';
import { withFileSource } from './nodeByteSource';

export class CliError extends Error {}

/** Larger text files are not configs; refusing them keeps the CLI from chewing on a checkpoint by mistake. */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

export interface Loaded {
  kind: FileKind;
  /** The file's text (JSON/YAML); null for binary formats. */
  text: string | null;
  analysis: Analysis;
}

function checkReadable(file: string, kind: FileKind): void {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'cannot read'}`);
  }
  if (st.isDirectory()) throw new CliError(`${file}: is a directory`);
  if ((kind === 'json' || kind === 'yaml') && st.size > MAX_CONFIG_BYTES) {
    throw new CliError(`${file}: ${Math.round(st.size / 1048576)} MB is too large for a config file (limit ${MAX_CONFIG_BYTES / 1048576} MB)`);
  }
}

/** Loads and analyses; invalid JSON/YAML and non-model files are errors (exit 2) rather than empty results. */
export async function loadConfig(file: string, opts: AnalyzeOptions = {}): Promise<Loaded> {
  const kind = fileKindOf(file) ?? 'json';
  checkReadable(file, kind);
  let result;
  try {
    result = await withFileSource(file, (src) => analyzeSource(kind, src, opts));
  } catch (e) {
    throw new CliError(`${file}: cannot read (${e instanceof Error ? e.message : String(e)})`);
  }
  const { text, kind: _k, ...analysis } = result;
  const syntax = analysis.findings.find((f) => f.code === 'syntax');
  if (syntax) {
    const at = syntax.range ? `${syntax.range.start.line + 1}:${syntax.range.start.character + 1}` : '';
    throw new CliError(`${file}${at ? `:${at}` : ''}: invalid ${kind === 'yaml' ? 'YAML' : 'JSON'} (${syntax.message.replace(/^(JSON|YAML) syntax: /, '')})`);
  }
  const binaryFailed = kind !== 'json' && kind !== 'yaml' && analysis.encodings.length === 0 && analysis.findings.some((f) => f.severity === 'error');
  const fatal = analysis.findings.find((f) => ['file.no-model-keys', 'file.not-object', 'file.too-large'].includes(f.code)) ?? (binaryFailed ? analysis.findings.find((f) => f.severity === 'error') : undefined);
  if (fatal) throw new CliError(`${file}: ${fatal.message}`);
  return { kind, text, analysis };
}
