// Quick fixes for findings that have one right answer, and "Extend context to…" on RoPE keys. The fixes
// themselves are computed in core (edit/fixes.ts); here each becomes one WorkspaceEdit spanning only the
// changed text, so formatting and comments stay and a single undo reverts it.
import * as vscode from 'vscode';
import type { EncodingAnalysis } from '../core/analyze';
import { fixFor, type TextReplace } from '../core/edit/fixes';
import type { Finding } from '../core/findings';
import { nodeAtOffset } from '../core/source';
import type { CachedAnalysis, ConfigDocuments } from './documents';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { JSON_SELECTOR } from './documents';
import { encodingFor, topicOf } from './hoverContent';

const EXTEND_KIND = vscode.CodeActionKind.RefactorRewrite.append('pelens.extendContext');

/** Finds the finding (and its encoding) that produced a diagnostic: same code, same start. */
export function findingOf(cached: CachedAnalysis, d: vscode.Diagnostic): { finding: Finding; encoding: EncodingAnalysis | null } | null {
  const same = (f: Finding): boolean =>
    f.code === d.code && (f.range ? f.range.start.line === d.range.start.line && f.range.start.character === d.range.start.character : d.range.start.line === 0);
  for (const e of cached.analysis.encodings) {
    const f = e.findings.find(same);
    if (f) return { finding: f, encoding: e };
  }
  const f = cached.analysis.findings.find(same);
  return f ? { finding: f, encoding: null } : null;
}

export function toWorkspaceEdit(doc: vscode.TextDocument, replace: TextReplace): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  const range = new vscode.Range(doc.positionAt(replace.offset), doc.positionAt(replace.offset + replace.length));
  edit.replace(doc.uri, range, replace.content);
  return edit;
}

export class PositionCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, EXTEND_KIND],
  };

  constructor(private readonly docs: ConfigDocuments) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    const cached = this.docs.get(doc);
    if (!cached) return [];
    const text = doc.getText();
    const actions: vscode.CodeAction[] = [];
    const seen = new Set<string>();
    const wants = (kind: vscode.CodeActionKind): boolean => !ctx.only || ctx.only.contains(kind) || kind.contains(ctx.only);
    if (wants(vscode.CodeActionKind.QuickFix)) {
      for (const d of ctx.diagnostics) {
        if (d.source !== DIAGNOSTIC_SOURCE) continue;
        const hit = findingOf(cached, d);
        const fix = hit ? fixFor(hit.finding, hit.encoding, cached.analysis, text) : null;
        // vllm.* and rope.* yarn findings propose the same edit: offer it once.
        if (!fix || seen.has(fix.title)) continue;
        seen.add(fix.title);
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = toWorkspaceEdit(doc, fix.replace);
        action.diagnostics = [d];
        action.isPreferred = true;
        actions.push(action);
      }
    }
    if (wants(EXTEND_KIND)) {
      const e = this.ropeEncodingAt(cached, doc, range);
      if (e) {
        const action = new vscode.CodeAction('Extend context to…', EXTEND_KIND);
        const index = cached.analysis.encodings.indexOf(e);
        // The version the encoding index belongs to: the command refuses to write if the text moved on.
        action.command = { command: 'pelens.suggest', title: 'Extend context to…', arguments: [doc.uri.toString(), undefined, undefined, index, doc.version] };
        actions.push(action);
      }
    }
    return actions;
  }

  /** The RoPE encoding whose position key is under the cursor (extension needs a known trained length). */
  private ropeEncodingAt(cached: CachedAnalysis, doc: vscode.TextDocument, range: vscode.Range): EncodingAnalysis | null {
    const hit = nodeAtOffset(cached.analysis.root, doc.offsetAt(range.start));
    if (!hit || hit.node.path.length === 0) return null;
    if (!topicOf(hit.node.path)) return null;
    const e = encodingFor(cached.analysis.encodings, hit.node.path);
    return e && e.spec.kind === 'rope' && e.spec.trainedContext !== null ? e : null;
  }
}

export function registerCodeActions(docs: ConfigDocuments): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider(JSON_SELECTOR, new PositionCodeActions(docs), PositionCodeActions.metadata);
}
