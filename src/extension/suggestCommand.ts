// "Suggest context extension" / "Extend context to…": for a target length, every scaling method the
// config can take, with what each would give (verdict, how far it carries, attention factor), then the
// chosen plan applied as one undoable edit.
import * as vscode from 'vscode';
import { analyzeText, type EncodingAnalysis } from '../core/analyze';
import { applyKeyEdits } from '../core/edit/jsonEdit';
import { fmtInt, fmtNum } from '../core/report/text';
import { cannotPlan, isMethod, METHODS, plan, type Method, type Plan } from '../core/suggest/plan';
import { toWorkspaceEdit } from './codeActions';
import { askLength, resolveConfig, type CommandContext } from './prompts';

export interface Candidate {
  method: Method;
  plan: Plan | null;
  /** Why the method does not apply, when it does not. */
  reason: string | null;
  verdict: string | null;
  effectiveContext: number | null;
  attentionFactor: number | null;
  unseenAngleFraction: number;
  newText: string | null;
}

export interface SuggestResult {
  method: Method;
  target: number;
  applied: boolean;
  text: string;
}

const VERDICT_RANK: Record<string, number> = { within: 0, scaled: 1, beyond: 2 };

/** Plans every method for one encoding and measures each result by analysing the edited text. */
export function candidates(text: string, index: number, e: EncodingAnalysis, target: number): Candidate[] {
  const out = METHODS.map((method): Candidate => {
    const reason = cannotPlan(e.spec, method, target);
    const none: Candidate = { method, plan: null, reason, verdict: null, effectiveContext: null, attentionFactor: null, unseenAngleFraction: 1, newText: null };
    if (reason) return none;
    const p = plan(e.spec, method, target);
    const newText = applyKeyEdits(text, p.edits).text;
    const after = analyzeText(newText, { target }).encodings[index];
    const x = after?.extrapolation ?? null;
    return {
      method, plan: p, reason: null, newText,
      verdict: x?.verdict ?? null,
      effectiveContext: x?.effectiveContext ?? null,
      attentionFactor: after?.rope?.attentionFactor ?? null,
      unseenAngleFraction: x?.rope?.unseenAngleFraction ?? 0,
    };
  });
  // Usable first; then the best verdict; then the fewest unseen angles; METHODS order breaks ties.
  return out.sort((a, b) =>
    Number(!!a.reason) - Number(!!b.reason) ||
    (VERDICT_RANK[a.verdict ?? 'beyond'] ?? 3) - (VERDICT_RANK[b.verdict ?? 'beyond'] ?? 3) ||
    a.unseenAngleFraction - b.unseenAngleFraction);
}

function describe(c: Candidate): { description: string; detail: string } {
  if (!c.plan) return { description: 'not applicable', detail: c.reason ?? '' };
  const p = c.plan;
  return {
    description: `${p.ropeType} × ${fmtNum(p.factor)} · ${p.maxKey} ${fmtInt(p.maxPositionEmbeddings)}`,
    detail: `${c.verdict ?? '?'} · carries to ~${fmtInt(c.effectiveContext)} · attention factor ${fmtNum(c.attentionFactor)} · ${(c.unseenAngleFraction * 100).toFixed(2)}% unseen angles · ${p.edits.length} key edit${p.edits.length === 1 ? '' : 's'}`,
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

export async function suggestCommand(ctx: CommandContext, uriArg?: unknown, targetArg?: unknown, methodArg?: unknown, indexArg?: unknown): Promise<SuggestResult | undefined> {
  const doc = await resolveConfig(ctx, uriArg);
  if (!doc) return undefined;
  const a = ctx.docs.get(doc)?.analysis ?? analyzeText(doc.getText());
  const index = await pickEncoding(a.encodings, indexArg);
  const e = index === undefined ? undefined : a.encodings[index];
  if (index === undefined || !e || e.spec.kind !== 'rope') {
    void vscode.window.showInformationMessage('Position Encoding Lens: this config has no RoPE encoding to extend.');
    return undefined;
  }
  const claimed = e.spec.maxContext ?? e.spec.trainedContext;
  const target = await askLength('Extend the context to how many tokens?', targetArg, claimed ? claimed * 4 : null);
  if (target === undefined) return undefined;
  const version = doc.version;
  const text = doc.getText();
  const list = candidates(text, index, e, target);
  let chosen: Candidate | undefined;
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
  if (!chosen.plan || chosen.newText === null) {
    void vscode.window.showWarningMessage(`Position Encoding Lens: ${chosen.method} — ${chosen.reason ?? 'not applicable'}`);
    return { method: chosen.method, target, applied: false, text };
  }
  if (doc.version !== version) throw new Error('the document changed while choosing; run the command again');
  const replace = applyKeyEdits(text, chosen.plan.edits).replace;
  if (!replace) return { method: chosen.method, target, applied: false, text };
  const ok = await vscode.workspace.applyEdit(toWorkspaceEdit(doc, { title: chosen.method, replace }));
  ctx.log.info(`extended ${doc.uri.toString()} to ${target} with ${chosen.method}: ${ok ? 'applied' : 'refused'}`);
  return { method: chosen.method, target, applied: ok, text: doc.getText() };
}
