// Quick fixes for findings that have one right answer, and "Extend context to…" on RoPE keys. Each fix is
// one WorkspaceEdit spanning only the changed text (jsonc-parser edits reduced to one minimal replace),
// so formatting and comments stay and a single undo reverts it.
import * as vscode from 'vscode';
import type { EncodingAnalysis } from '../core/analyze';
import { applyKeyEdits, FloatValue, type KeyEdit } from '../core/edit/jsonEdit';
import type { Finding } from '../core/findings';
import { nodeAtOffset, type JsonPath } from '../core/source';
import type { CachedAnalysis, ConfigDocuments } from './documents';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { JSON_SELECTOR } from './documents';
import { encodingFor, topicOf } from './hoverContent';

export interface Fix {
  title: string;
  /** One replacement on the current text: offset/length in the document, new content. */
  replace: { offset: number; length: number; content: string };
}

const EXTEND_KIND = vscode.CodeActionKind.RefactorRewrite.append('pelens.extendContext');

/** The single replacement that turns `text` into `text` with `edits` applied (null: nothing changes). */
export function keyEditsFix(title: string, text: string, edits: readonly KeyEdit[]): Fix | null {
  const { replace } = applyKeyEdits(text, edits);
  return replace ? { title, replace } : null;
}

function scopePath(e: EncodingAnalysis): JsonPath {
  return e.spec.scope ? e.spec.scope.split('.') : [];
}

/** Where max_position_embeddings (or the family's length key) is, or would be, written for an encoding. */
function maxPath(e: EncodingAnalysis): JsonPath {
  const src = e.spec.sources['maxContext'];
  return src && !src.isDefault && src.path ? src.path : [...scopePath(e), 'max_position_embeddings'];
}

/** The fix for one finding, computed against `text` (the analysis must be of that text). */
export function fixFor(f: Finding, e: EncodingAnalysis | null, cached: CachedAnalysis, text: string): Fix | null {
  const data = f.data ?? {};
  switch (f.code) {
    case 'v4.legacy-type': {
      if (!f.range) return null;
      const hit = nodeAtOffset(cached.analysis.root, cached.analysis.lines.offsetAt(f.range.start));
      const n = hit?.node;
      if (!n || n.path[n.path.length - 1] !== 'type' || n.keyOffset === undefined || n.keyLength === undefined) return null;
      // Renaming the key in place keeps its value, position and comments exactly as they were.
      return { title: 'Rename `type` to `rope_type`', replace: { offset: n.keyOffset, length: n.keyLength, content: '"rope_type"' } };
    }
    case 'rope.yarn-no-orig':
    case 'vllm.yarn-no-orig': {
      const value = data['value'];
      const dict = e?.spec.rope?.dictPath;
      if (typeof value !== 'number' || !dict) return null;
      return keyEditsFix(`Add original_max_position_embeddings: ${value}`, text, [{ path: [...dict, 'original_max_position_embeddings'], value }]);
    }
    case 'lens.max-vs-scaling':
    case 'rope.factor-mismatch':
    case 'rope.orig-ge-max': {
      const expected = data['expectedMax'];
      if (typeof expected !== 'number' || !e || !Number.isFinite(expected)) return null;
      const value = Math.round(expected);
      // A non-integer length (a fractional factor) has no right answer to write: leave it to the user.
      if (Math.abs(value - expected) > 1e-9) return null;
      const path = maxPath(e);
      return keyEditsFix(`Set ${String(path[path.length - 1])} to ${value}`, text, [{ path, value }]);
    }
    case 'lens.theta-default': {
      const value = data['value'];
      const rope = e?.spec.rope;
      if (typeof value !== 'number' || !rope || !e) return null;
      const v5 = rope.layout === 'rope_parameters' || rope.layout === 'rope_parameters_per_layer';
      const path: JsonPath = v5 && rope.dictPath ? [...rope.dictPath, 'rope_theta'] : [...scopePath(e), 'rope_theta'];
      // rope_theta is a float in every config class: write 10000.0, not 10000.
      return keyEditsFix(`Set rope_theta explicitly to ${new FloatValue(value).literal()}`, text, [{ path, value: new FloatValue(value) }]);
    }
    default:
      return null;
  }
}

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

export function toWorkspaceEdit(doc: vscode.TextDocument, fix: Fix): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  const range = new vscode.Range(doc.positionAt(fix.replace.offset), doc.positionAt(fix.replace.offset + fix.replace.length));
  edit.replace(doc.uri, range, fix.replace.content);
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
        const fix = hit ? fixFor(hit.finding, hit.encoding, cached, text) : null;
        // vllm.* and rope.* yarn findings propose the same edit: offer it once.
        if (!fix || seen.has(fix.title)) continue;
        seen.add(fix.title);
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = toWorkspaceEdit(doc, fix);
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
        action.command = { command: 'pelens.suggest', title: 'Extend context to…', arguments: [doc.uri.toString(), undefined, undefined, index] };
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
