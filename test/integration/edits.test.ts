// Edits through the real editor: every quick fix the engine has for a config is offered as a code action
// whose edit gives exactly the core's result, one undo restores the text (and the saved bytes) exactly,
// and "Extend context to…" refuses to write into a document that changed after it read it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { analyzeText } from '../../src/core/analyze';
import { applyReplace, fixesFor } from '../../src/core/edit/fixes';
import { nodeAtPath } from '../../src/core/source';
import { suggest, targetEncoding } from '../../src/core/suggest/suggest';
import { provoked, sourceConfigs, variants, type EditCase } from '../unit/helpers/editCorpus';
import { allowedByteSpans, BOM, formKept, outsideUnchanged, stripBom } from '../unit/helpers/editSpans';
import { fixtureUri, openFixture, ours } from './helpers';
import { waitUntil } from './util';

const FOLDER = 'edits-under-test';
let serial = 0;

/** Writes `bytes` as a fresh config.json in the workspace and opens it (extension active). */
async function place(bytes: Buffer): Promise<vscode.TextDocument> {
  const rel = `${FOLDER}/${serial++}/config.json`;
  await vscode.workspace.fs.writeFile(fixtureUri(rel), bytes);
  return openFixture(rel);
}

function visible(runtime: string): boolean {
  const v = vscode.workspace.getConfiguration('positionEncodingLens').get<unknown>('runtimes');
  return runtime === 'lens' || !Array.isArray(v) || v.length === 0 || v.includes(runtime);
}

/** What each fix the engine has for this text turns it into, by title (the editor offers each title once per diagnostic). */
function expectedResults(text: string): Set<string> {
  const out = new Set<string>();
  for (const { finding, fix } of fixesFor(analyzeText(text), text)) if (visible(finding.runtime)) out.add(applyReplace(text, fix.replace));
  return out;
}

const OUR_TITLES = /^(Rename `type` to `rope_type`|Add original_max_position_embeddings: |Set \S+ to \d+$|Set rope_theta explicitly to )/;

/** The text an action's edit would give (its text edits applied to the document's text). */
function resultOf(doc: vscode.TextDocument, action: vscode.CodeAction): string {
  const edits = (action.edit?.entries() ?? []).flatMap(([uri, list]) => (uri.toString() === doc.uri.toString() ? list : []));
  let text = doc.getText();
  for (const e of [...edits].sort((a, b) => doc.offsetAt(b.range.start) - doc.offsetAt(a.range.start))) {
    text = text.slice(0, doc.offsetAt(e.range.start)) + e.newText + text.slice(doc.offsetAt(e.range.end));
  }
  return text;
}

/** Our quick fixes on the document's diagnostics, once they cover every result the core expects. */
async function offeredFixes(doc: vscode.TextDocument, expected: Set<string>): Promise<vscode.CodeAction[]> {
  return waitUntil(`${expected.size} quick fix(es) on ${doc.uri.path}`, async () => {
    const found: vscode.CodeAction[] = [];
    for (const d of ours(doc.uri)) {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
      found.push(...(actions ?? []).filter((a) => a.edit && OUR_TITLES.test(a.title)));
    }
    const results = new Set(found.map((a) => resultOf(doc, a)));
    return [...expected].every((t) => results.has(t)) ? found : undefined;
  });
}

async function undoTo(doc: vscode.TextDocument, text: string): Promise<void> {
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('undo');
  await waitUntil(`undo to restore ${doc.uri.path}`, () => doc.getText() === text);
}

/** Applies every offered fix, checks it against the core's result, undoes it; returns how many ran. */
async function fixAndUndo(c: EditCase, withSave: boolean): Promise<number> {
  // The editor holds the text without a BOM; configs with nothing to fix are not opened at all.
  if (expectedResults(stripBom(c.bytes).text).size === 0) return 0;
  const doc = await place(c.bytes);
  const original = doc.getText();
  assert.equal(original, stripBom(c.bytes).text, `${c.name}: the editor reads other text than the bytes`);
  const expected = expectedResults(original);
  const actions = await offeredFixes(doc, expected);
  const produced = new Set<string>();
  for (const action of actions) {
    const predicted = resultOf(doc, action);
    if (produced.has(predicted)) continue; // two diagnostics, one fix
    assert.ok(await vscode.workspace.applyEdit(action.edit!), `${c.name}: ${action.title} refused`);
    const after = doc.getText();
    assert.equal(after, predicted, `${c.name}: ${action.title}`);
    assert.ok(expected.has(after), `${c.name}: ${action.title} gave text the core did not compute:\n${after}`);
    produced.add(after);
    if (withSave) await savedBytesKeepForm(c, doc);
    await undoTo(doc, original);
    if (withSave) {
      await doc.save();
      assert.ok(fs.readFileSync(doc.uri.fsPath).equals(c.bytes), `${c.name}: ${action.title} undone and saved differs from the original bytes`);
    }
    assert.equal(doc.isDirty, false, `${c.name}: undo did not return to the saved text`);
  }
  assert.deepEqual([...expected].filter((t) => !produced.has(t)), [], `${c.name}: fixes the core has but the editor did not offer`);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  return produced.size;
}

/** Saved after a fix, the file keeps its BOM, line endings and every byte outside the edited key. */
async function savedBytesKeepForm(c: EditCase, doc: vscode.TextDocument): Promise<void> {
  await doc.save();
  const bytes = fs.readFileSync(doc.uri.fsPath);
  assert.equal(formKept(c.bytes, bytes), null, `${c.name}: saved form`);
  const { text, bom } = stripBom(c.bytes);
  const fix = fixesFor(analyzeText(text), text).find((f) => applyReplace(text, f.fix.replace) === doc.getText());
  assert.ok(fix, `${c.name}: no core fix gives the saved text`);
  const spans = allowedByteSpans(text, bom ? BOM.length : 0, fix.fix.paths.map((path) => ({ path, removed: false })));
  assert.equal(outsideUnchanged(c.bytes, bytes, spans), null, `${c.name}: saved bytes`);
}

/** "Extend context to…" at the target encoding's length key, with the length and method answered. */
async function extendAction(doc: vscode.TextDocument): Promise<vscode.CodeAction | undefined> {
  const a = analyzeText(doc.getText());
  const e = targetEncoding(a.encodings);
  const path = e?.spec.sources['maxContext']?.path ?? e?.spec.sources['theta']?.path;
  const node = path ? nodeAtPath(a.root, path) : null;
  if (!e || e.spec.kind !== 'rope' || e.spec.trainedContext === null || node?.keyOffset === undefined) return undefined;
  const pos = doc.positionAt(node.keyOffset + 1);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(pos, pos));
  return actions?.find((x) => x.title === 'Extend context to…');
}

interface SuggestReply { applied: boolean; text: string; refused?: string }

/** Runs the offered action's command for yarn and linear at 4× the trained length; checks and undoes each. */
async function extendAndUndo(c: EditCase, doc: vscode.TextDocument): Promise<number> {
  const original = doc.getText();
  let n = 0;
  for (const method of FULL ? (['yarn', 'linear'] as const) : (['yarn'] as const)) {
    // Asked for afresh each time: an action belongs to the document version it was offered on.
    const command = (await extendAction(doc))?.command;
    if (!command) return n;
    const [uri, , , index, version] = command.arguments ?? [];
    const L0 = analyzeText(original).encodings[index as number]!.spec.trainedContext!;
    const expected = suggest(original, 4 * L0, method, index as number)[0]!.newText!;
    const r = await vscode.commands.executeCommand<SuggestReply>(command.command, uri, 4 * L0, method, index, version);
    assert.ok(r.applied, `${c.name} ${method}: ${r.refused ?? 'not applied'}`);
    assert.equal(doc.getText(), expected, `${c.name} ${method}`);
    await undoTo(doc, original);
    assert.equal(doc.isDirty, false, `${c.name} ${method}: undo did not return to the saved text`);
    n++;
  }
  return n;
}

const sources = sourceConfigs();
const byName = (re: RegExp): EditCase[] => sources.filter((c) => re.test(c.name));
/** Each config costs the editor about a second: by default the real configs, with PELENS_EDITS_FULL=1 all. */
const FULL = process.env['PELENS_EDITS_FULL'] === '1';
const shared = byName(/^shared\//);
const real = shared.length > 0 ? shared : sources;

suite('edits in the editor', () => {
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(fixtureUri(FOLDER), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  test('every quick fix on every config: the core result, and undo restores it', async () => {
    let n = 0;
    for (const c of FULL ? [...sources, ...sources.flatMap(provoked)] : sources) n += await fixAndUndo(c, false);
    assert.ok(n >= (FULL ? 60 : 12), `${n}`);
  });

  test('CRLF, BOM, tabs, comments, one line: saved after a fix and after its undo, byte for byte', async () => {
    const pick = FULL ? [...byName(/workspace\/broken\//), ...byName(/workspace\/llama3\//), ...byName(/yarn_no_orig/)] : byName(/workspace\/broken\//);
    let n = 0;
    for (const c of pick.flatMap(variants)) n += await fixAndUndo(c, true);
    assert.ok(n >= 18, `${n}`);
  });

  test('"Extend context to…" on every RoPE config: the core plan, and one undo restores the text', async () => {
    let n = 0;
    for (const c of FULL ? sources : real) {
      if (targetEncoding(analyzeText(stripBom(c.bytes).text).encodings)?.spec.kind !== 'rope') continue;
      const doc = await place(c.bytes);
      n += await extendAndUndo(c, doc);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
    assert.ok(n >= (FULL ? 30 : 8), `${n}`);
  });

  test('a file changed on disk after "Extend context to…" was offered is not written: refused, the new content stays', async () => {
    const [c] = byName(/workspace\/yarn\//);
    const doc = await place(c!.bytes);
    const action = await extendAction(doc);
    assert.ok(action?.command);
    const theirs = doc.getText().replace(/"rope_theta": [\d.]+/, '"rope_theta": 500000.0');
    assert.notEqual(theirs, doc.getText());
    await vscode.workspace.fs.writeFile(doc.uri, Buffer.from(theirs));
    await waitUntil('the editor to reload the file', () => doc.getText() === theirs);
    const [uri, , , index, version] = action.command.arguments ?? [];
    const r = await vscode.commands.executeCommand<SuggestReply>(action.command.command, uri, 65536, 'yarn', index, version);
    assert.equal(r.applied, false);
    assert.match(r.refused ?? '', /changed after the action was offered; nothing was written/);
    assert.equal(doc.getText(), theirs);
    assert.equal(doc.isDirty, false);
    assert.equal(fs.readFileSync(doc.uri.fsPath, 'utf8'), theirs);
  });

  test('a document edited while the method is being chosen is not written: refused, the edit stays', async () => {
    const [c] = byName(/workspace\/config\.json/);
    const doc = await place(c!.bytes);
    // No method given: the command reads the text, then waits in its quick pick.
    const pending = vscode.commands.executeCommand<SuggestReply>('pelens.suggest', doc.uri.toString(), 16384);
    const original = doc.getText();
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(0, 1), ' ');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const typed = await waitUntil('the edit to land', () => (doc.getText() !== original ? doc.getText() : undefined));
    let reply: SuggestReply | undefined;
    void pending.then((r) => (reply = r));
    // Accept the first method once the pick is up (polled: accepting before it shows does nothing).
    await waitUntil('the command to return', async () => {
      if (!reply) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return reply;
    });
    assert.equal(reply!.applied, false);
    assert.match(reply!.refused ?? '', /changed while the extension was being chosen/);
    assert.equal(doc.getText(), typed);
    await undoTo(doc, original);
  });
});
