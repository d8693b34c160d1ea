// The extension activates when a model config is opened and contributes its `pelens.` commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitUntil } from './util';

const EXTENSION_ID = 'pelens.position-encoding-lens';

suite('activation', () => {
  test('opening config.json activates the extension', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);

    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace folder is not open');
    const uri = vscode.Uri.joinPath(folder.uri, 'config.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);

    await waitUntil(`${EXTENSION_ID} to become active`, () => ext.isActive, 30_000);
  });

  test('registers at least one pelens. command', async () => {
    // Independent of test order: activating an active extension is a no-op.
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const cmds = await waitUntil('a pelens. command', async () => {
      const all = await vscode.commands.getCommands(true);
      const ours = all.filter((c) => c.startsWith('pelens.'));
      return ours.length > 0 ? ours : undefined;
    });
    assert.ok(cmds.length > 0);
  });
});
