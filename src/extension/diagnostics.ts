// Findings as diagnostics on the exact key ranges: refreshed on open, debounced while typing, filtered by
// the runtimes the user deploys to, cleared when the document closes.
import * as vscode from 'vscode';
import type { Analysis } from '../core/analyze';
import type { Finding, Runtime } from '../core/findings';
import { type ConfigDocuments, SECTION } from './documents';

export const DIAGNOSTIC_SOURCE = 'pelens';
const DEBOUNCE_MS = 300;
export const RUNTIMES: readonly Runtime[] = ['transformers', 'transformers-4', 'vllm', 'llama.cpp'];

/** Codes that are not ours to show: the JSON language service already reports syntax errors, and a JSON
 * file without model keys (tokenizer_config.json matches the name pattern) is simply not a model config. */
const SILENT_CODES = new Set(['syntax', 'file.no-model-keys', 'file.not-object']);

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** Runtimes selected in the settings (unknown names ignored; an empty or invalid list means all). */
export function selectedRuntimes(): readonly Runtime[] {
  const v = vscode.workspace.getConfiguration(SECTION).get<unknown>('runtimes');
  const list = Array.isArray(v) ? v.filter((r): r is Runtime => RUNTIMES.includes(r as Runtime)) : [];
  return list.length ? list : RUNTIMES;
}

/** Every finding of an analysis that the settings let through, file-level ones first. */
export function visibleFindings(a: Analysis, runtimes: readonly Runtime[]): Finding[] {
  const keep = (f: Finding): boolean => !SILENT_CODES.has(f.code) && (f.runtime === 'lens' || runtimes.includes(f.runtime));
  return [...a.findings, ...a.encodings.flatMap((e) => e.findings)].filter(keep);
}

export function toDiagnostic(f: Finding, doc: vscode.TextDocument): vscode.Diagnostic {
  const r = f.range;
  // A finding with no range is about the whole file: pin it to the first line rather than drop it.
  const range = r ? new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character) : doc.lineAt(0).range;
  const d = new vscode.Diagnostic(range, f.message, SEVERITY[f.severity]);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = f.code;
  return d;
}

export class Diagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly docs: ConfigDocuments, private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.refresh(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.runtimes`)) this.refreshAll();
      }),
      docs.onDidChangeSelection(() => this.refreshAll()),
    );
    this.refreshAll();
  }

  /** Recomputes after a quiet period, so a burst of keystrokes costs one analysis. */
  schedule(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const prev = this.timers.get(key);
    if (prev !== undefined) clearTimeout(prev);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      if (!doc.isClosed) this.refresh(doc);
    }, DEBOUNCE_MS));
  }

  refresh(doc: vscode.TextDocument): void {
    try {
      const entry = this.docs.get(doc);
      if (!entry) {
        this.collection.delete(doc.uri);
        return;
      }
      const findings = visibleFindings(entry.analysis, selectedRuntimes());
      this.collection.set(doc.uri, findings.map((f) => toDiagnostic(f, doc)));
    } catch (e) {
      // The engine never throws on user input; if it does, say so in the log instead of breaking the editor.
      this.log.error(`diagnostics failed for ${doc.uri.toString()}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  }

  refreshAll(): void {
    this.collection.clear();
    for (const d of vscode.workspace.textDocuments) this.refresh(d);
  }

  private clear(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.timers.get(key);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(key);
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables) d.dispose();
  }
}
