// Findings as diagnostics on the exact key ranges: refreshed on open, debounced while typing, filtered by
// the runtimes the user deploys to, cleared when the document closes. Only open documents are analysed
// (a workspace of 1,000 configs costs nothing until one is opened), at most MAX_DIAGNOSTICS_PER_FILE
// findings are shown per file, and a file over the size limit gets one line saying why it is skipped.
import * as vscode from 'vscode';
import type { Analysis } from '../core/analyze';
import type { Finding, Runtime } from '../core/findings';
import { type ConfigDocuments, type Oversize, oversizeText, SECTION } from './documents';

export const DIAGNOSTIC_SOURCE = 'pelens';
const DEBOUNCE_MS = 300;
/** A real config has under 20 findings; a generated one with hundreds of unknown keys should not flood
 * the Problems view or the marker service. The full list stays in the Analyze report. */
export const MAX_DIAGNOSTICS_PER_FILE = 100;
export const TOO_LARGE_CODE = 'file.too-large';
export const TRUNCATED_CODE = 'file.findings-truncated';
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

const RANK: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };

/** At most `max` findings, the most severe first (file order within a severity), and how many were left out. */
export function limitFindings(findings: readonly Finding[], max = MAX_DIAGNOSTICS_PER_FILE): { shown: Finding[]; hidden: number } {
  if (findings.length <= max) return { shown: [...findings], hidden: 0 };
  const shown = [...findings].sort((a, b) => RANK[a.severity] - RANK[b.severity]).slice(0, max);
  return { shown, hidden: findings.length - max };
}

function fileNote(message: string, code: string): vscode.Diagnostic {
  // The first character, not the first line: on a minified file that line is the whole file.
  const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), message, vscode.DiagnosticSeverity.Information);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = code;
  return d;
}

export function tooLargeDiagnostic(o: Oversize): vscode.Diagnostic {
  return fileNote(
    `Not analysed: ${oversizeText(o)}, ` +
    'so hovers, diagnostics and quick fixes are off for this file.',
    TOO_LARGE_CODE,
  );
}

export function truncatedDiagnostic(hidden: number): vscode.Diagnostic {
  return fileNote(
    `${hidden} more finding(s) not shown (at most ${MAX_DIAGNOSTICS_PER_FILE} per file, the most severe first): ` +
    'run "Analyze Position Encoding" for the full report.',
    TRUNCATED_CODE,
  );
}

export class Diagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly docs: ConfigDocuments, private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      this.collection,
      // Opened documents are analysed in their own task: a burst of opens (restored editors, a tool that
      // opens many files) leaves room for hovers and other requests between the analyses.
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.schedule(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.runtimes`)) this.refreshAll();
      }),
      docs.onDidChangeSelection(() => this.refreshAll()),
    );
    this.refreshAll();
  }

  /** Recomputes after a quiet period, so a burst of keystrokes costs one analysis: every change restarts
   * the timer, and the analysis reads the version current when it fires (a stale one is never published). */
  schedule(doc: vscode.TextDocument, delay = DEBOUNCE_MS): void {
    const key = doc.uri.toString();
    const prev = this.timers.get(key);
    if (prev !== undefined) clearTimeout(prev);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      if (!doc.isClosed) this.refresh(doc);
    }, delay));
  }

  refresh(doc: vscode.TextDocument): void {
    try {
      const entry = this.docs.get(doc);
      if (!entry) {
        const big = this.docs.oversize(doc);
        if (big) this.collection.set(doc.uri, [tooLargeDiagnostic(big)]);
        else this.collection.delete(doc.uri);
        return;
      }
      const { shown, hidden } = limitFindings(visibleFindings(entry.analysis, selectedRuntimes()));
      const ds = shown.map((f) => toDiagnostic(f, doc));
      if (hidden > 0) ds.push(truncatedDiagnostic(hidden));
      this.collection.set(doc.uri, ds);
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
