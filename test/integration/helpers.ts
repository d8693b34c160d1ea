// Shared steps of the feature tests: open a fixture, wait for our diagnostics, hover text, restore a file.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitUntil } from './util';

export const EXTENSION_ID = 'pelens.position-encoding-lens';

export function fixtureUri(rel: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test workspace folder is not open');
  return vscode.Uri.joinPath(folder.uri, ...rel.split('/'));
}

/** Opens a fixture in an editor, with the extension active. */
export async function openFixture(rel: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(fixtureUri(rel));
  await vscode.window.showTextDocument(doc);
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
  await ext.activate();
  return doc;
}

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'pelens');
}

/** Waits until our diagnostics on `uri` satisfy `ok` and returns them. */
export async function diagnosticsWhere(uri: vscode.Uri, what: string, ok: (ds: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  return waitUntil(what, () => {
    const ds = ours(uri);
    return ok(ds) ? ds : undefined;
  });
}

/** Position of the first occurrence of `needle` in the document (plus `delta` characters). */
export function positionOf(doc: vscode.TextDocument, needle: string, delta = 1): vscode.Position {
  const i = doc.getText().indexOf(needle);
  if (i < 0) throw new Error(`"${needle}" not in ${doc.uri.path}`);
  return doc.positionAt(i + delta);
}

function hoverText(h: vscode.Hover): string {
  return h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')).join('\n');
}

/** All hover Markdown at the position of `needle`, ours and others' (the JSON schema adds its own). */
export async function hoverAt(doc: vscode.TextDocument, needle: string): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, needle));
  return (hovers ?? []).map(hoverText).join('\n---\n');
}

/** Puts a document back to `text` (tests edit in memory only; this keeps them independent). */
export async function restore(doc: vscode.TextDocument, text: string): Promise<void> {
  if (doc.getText() === text) return;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  await vscode.workspace.applyEdit(edit);
}

/** Writes `bytes` to `uri`, opens it, checks it landed in the read-only GGUF/safetensors view, and always
 *  closes every editor and deletes the file again. */
export async function inBinaryView(uri: vscode.Uri, bytes: Uint8Array): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, bytes);
  try {
    await vscode.commands.executeCommand('vscode.open', uri);
    const tab = await waitUntil('the binary view tab', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputCustom && input.uri.toString() === uri.toString() ? input : undefined;
    });
    assert.equal(tab.viewType, 'positionEncodingLens.binaryView');
  } finally {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(uri);
  }
}
