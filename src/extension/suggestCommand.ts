// "Suggest context extension" / "Extend context to…": for a target length, every scaling method the
// config can take, ranked by the core's suggest() (verdict, distortion, runtime flags), then the chosen
// plan applied as one undoable edit — only onto the text it was computed from: the prompts can stay open
// for minutes, and a file reloaded from disk or edited meanwhile must not get a stale edit.
import * as vscode from 'vscode';
import { analyzeText, type EncodingAnalysis } from '../core/analyze';
import { minimalReplace } from '../core/edit/jsonEdit';
import { fmtInt, fmtNum } from '../core/report/text';
import { isMethod, METHODS, type Method } from '../core/suggest/plan';
import { suggest, type Suggestion } from '../core/suggest/suggest';
import { toWorkspaceEdit } from './codeActions';
import { askLength, resolveConfig, type CommandContext } from './prompts';

export interface SuggestResult {
  method: Method;
  target: number;
  applied: boolean;
  text: string;
  /** Why nothing was written, when the plan was applicable but the document had moved on. */
  refused?: string;
}

function describe(c: Suggestion): { description: string; detail: string } {
  if (!c.plan) return { description: 'not applicable', detail: c.reason ?? '' };
  const p = c.plan;
  const v = c.verified;
  const m = c.metrics;
  return {
    description: `${p.ropeType} × ${fmtNum(p.factor)} · ${p.maxKey} ${fmtInt(p.maxPositionEmbeddings)}`,
    detail: `${v?.verdict ?? '?'} · carries to ~${fmtInt(v?.effectiveContext)} · attention factor ${fmtNum(v?.attentionFactor)} · high-frequency distortion ${m ? m.highFreqDistortion.toFixed(2) : '?'} octaves · ${p.edits.length} key edit${p.edits.length === 1 ? '' : 's'} · vLLM ${c.vllm ?? ''}`,
  };
}

/** The RoPE encoding to extend: the one passed by index, else the only one, else the user's pick. */
async function pickEncoding(encodings: EncodingAnalysis[], index: unknown): Promise<number | undefined> {
  if (typeof index === 'number' && encodings[index]) return index;
  const rope = encodings.map((e, i) => ({ e, i })).filter(({ e }) => e.spec.kind === 'rope');
  if (rope.length <= 1) return rope[0]?.i;
  const pick = await vscode.window.showQuickPick(
    rope.map(({ e, i }) => ({ label: [e.spec.scope || 'root', e.spec.layer].filter(Boolean).join(' · '), i })),
    { placeHolder: 'Which RoPE encoding?' },
  );
  return pick?.i;
}

/** Refuses (with a message the user sees) to write into a document that is no longer the text read. */
function refuse(doc: vscode.TextDocument, method: Method, target: number, why: string): SuggestResult {
  const message = `Position Encoding Lens: ${vscode.workspace.asRelativePath(doc.uri)} ${why}; nothing was written. Run "Extend context" again on the current text.`;
  void vscode.window.showWarningMessage(message);
  return { method, target, applied: false, text: doc.getText(), refused: message };
}

/**
 * `expectedVersion` is the document version a caller (the code action) computed `indexArg` for; the
 * version read here is the one every later step (prompts, plan, edit) belongs to.
 */
export async function suggestCommand(ctx: CommandContext, uriArg?: unknown, targetArg?: unknown, methodArg?: unknown, indexArg?: unknown, expectedVersion?: unknown): Promise<SuggestResult | undefined> {
  const doc = await resolveConfig(ctx, uriArg);
  if (!doc) return undefined;
  const version = doc.version;
  ctx.docs.assertAnalysable(doc);
  const text = doc.getText();
  const a = ctx.docs.get(doc)?.analysis ?? analyzeText(text);
  const index = await pickEncoding(a.encodings, indexArg);
  const e = index === undefined ? undefined : a.encodings[index];
  if (index === undefined || !e || e.spec.kind !== 'rope') {
    void vscode.window.showInformationMessage('Position Encoding Lens: this config has no RoPE encoding to extend.');
    return undefined;
  }
  const claimed = e.spec.maxContext ?? e.spec.trainedContext;
  const target = await askLength('Extend the context to how many tokens?', targetArg, claimed ? claimed * 4 : null);
  if (target === undefined) return undefined;
  const list = suggest(text, target, undefined, index);
  let chosen: Suggestion | undefined;
  if (typeof methodArg === 'string') {
    if (!isMethod(methodArg)) throw new Error(`unknown method "${methodArg}" (one of ${METHODS.join(', ')})`);
    chosen = list.find((c) => c.method === methodArg);
  } else {
    const pick = await vscode.window.showQuickPick(
      list.map((c) => ({ label: c.method, ...describe(c), c })),
      { placeHolder: `Scaling method to reach ${fmtInt(target)} tokens (trained ${fmtInt(e.spec.trainedContext)})`, matchOnDescription: true, matchOnDetail: true },
    );
    chosen = pick?.c;
  }
  if (!chosen) return undefined;
  if (!chosen.plan || chosen.newText === undefined) {
    void vscode.window.showWarningMessage(`Position Encoding Lens: ${chosen.method} — ${chosen.reason ?? 'not applicable'}`);
    return { method: chosen.method, target, applied: false, text };
  }
  if (typeof expectedVersion === 'number' && expectedVersion !== version) return refuse(doc, chosen.method, target, 'changed after the action was offered');
  if (doc.version !== version) return refuse(doc, chosen.method, target, 'changed while the extension was being chosen');
  const replace = minimalReplace(text, chosen.newText);
  if (!replace) return { method: chosen.method, target, applied: false, text };
  // applyEdit carries this version: VS Code itself refuses the edit if the text moved on in the meantime.
  const ok = await vscode.workspace.applyEdit(toWorkspaceEdit(doc, replace));
  ctx.log.info(`extended ${doc.uri.toString()} to ${target} with ${chosen.method}: ${ok ? 'applied' : 'refused'}`);
  if (!ok) return refuse(doc, chosen.method, target, 'could not take the edit (it changed while the edit was on its way, or it is read-only)');
  return { method: chosen.method, target, applied: true, text: doc.getText() };
}
