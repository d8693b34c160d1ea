// What commands ask the user for (a config, a length), each skippable by passing the value as an argument.
import * as vscode from 'vscode';
import { type ConfigDocuments, SECTION } from './documents';
import type { ReportView } from './reportView';

export const CONFIG_FILES = '**/{config.json,*config*.json}';
export const EXCLUDE = '{**/node_modules/**,**/.git/**,**/generation_config.json}';

export interface CommandContext {
  docs: ConfigDocuments;
  reports: ReportView;
  log: vscode.LogOutputChannel;
}

/** Parses "131072", "128k", "1M", "32_768" into a token count; null when it is not a positive integer. */
export function parseLength(input: string): number | null {
  const m = /^\s*([\d_,.]+)\s*([kKmM]?)\s*$/.exec(input);
  if (!m) return null;
  const base = Number(m[1]!.replace(/[_,]/g, ''));
  const mult = m[2] === 'k' || m[2] === 'K' ? 1024 : m[2] === 'm' || m[2] === 'M' ? 1024 * 1024 : 1;
  const n = Math.round(base * mult);
  return Number.isFinite(n) && n > 0 && n <= 2 ** 40 ? n : null;
}

/** Asks for a length (or takes the one passed), with a sensible default: the setting, else twice the claim. */
export async function askLength(prompt: string, given: unknown, fallback: number | null): Promise<number | undefined> {
  if (typeof given === 'number' && given > 0) return Math.floor(given);
  if (typeof given === 'string' && parseLength(given) !== null) return parseLength(given)!;
  const setting = vscode.workspace.getConfiguration(SECTION).get<number | null>('defaultTarget');
  const initial = typeof setting === 'number' && setting > 0 ? setting : fallback;
  const value = await vscode.window.showInputBox({
    prompt, placeHolder: 'e.g. 32768, 128k', value: initial ? String(initial) : '',
    validateInput: (s) => (parseLength(s) === null ? 'A positive number of tokens (128k = 131072).' : null),
  });
  return value === undefined ? undefined : parseLength(value) ?? undefined;
}

/** The config a command works on: the argument, else the active editor, else one picked from the workspace. */
export async function resolveConfig(ctx: CommandContext, arg: unknown): Promise<vscode.TextDocument | undefined> {
  if (typeof arg === 'string' || arg instanceof vscode.Uri) {
    return vscode.workspace.openTextDocument(typeof arg === 'string' ? vscode.Uri.parse(arg) : arg);
  }
  const active = vscode.window.activeTextEditor?.document;
  if (active && ctx.docs.isModelConfig(active)) return active;
  const files = await vscode.workspace.findFiles(CONFIG_FILES, EXCLUDE, 200);
  if (files.length === 0) {
    void vscode.window.showInformationMessage('Position Encoding Lens: open a model config (config.json) first.');
    return undefined;
  }
  const pick = files.length === 1 ? { uri: files[0]! } : await vscode.window.showQuickPick(
    files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { placeHolder: 'Which model config?' },
  );
  return pick ? vscode.workspace.openTextDocument(pick.uri) : undefined;
}

