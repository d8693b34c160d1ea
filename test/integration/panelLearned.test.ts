// The side panel follows an opened .safetensors and carries its learned position table; a config.json with
// weights beside it is offered the table without reading it. Files are written by the test.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { buildSafetensors, f16Bytes } from '../unit/helpers/binaryWriters';
import { EXTENSION_ID, fixtureUri } from './helpers';
import { waitUntil } from './util';

interface Shown {
  document: string;
  kind: string;
  learned: { source: string; name: string | null; dtype: string | null; rowsUsed: number; stride: number; bytes: number; problem: string | null } | null;
}

const ROWS = 256;
const DIM = 32;
/** Slow per-dimension sinusoids, exact in f16 (multiples of 1/64 in ±1). */
const values = Array.from({ length: ROWS * DIM }, (_, i) => Math.round(64 * Math.sin((Math.floor(i / DIM) + 1) / (4 + (i % DIM)))) / 64);

async function shownWhere(what: string, ok: (s: Shown) => boolean): Promise<Shown> {
  return waitUntil(what, async () => {
    const s = await vscode.commands.executeCommand<Shown | null>('positionEncodingLens.panel.inspect');
    return s && ok(s) ? s : undefined;
  }, 60_000, 200);
}

suite('Panel: learned position tables', () => {
  const created: vscode.Uri[] = [];

  suiteSetup(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const u of created.reverse()) await vscode.workspace.fs.delete(u, { recursive: true }).then(undefined, () => undefined);
  });

  test('an opened .safetensors makes the panel carry its wpe table', async () => {
    const uri = fixtureUri('learned-gpt2.safetensors');
    created.push(uri);
    await vscode.workspace.fs.writeFile(uri, buildSafetensors([{ name: 'transformer.wpe.weight', dtype: 'F16', shape: [ROWS, DIM], data: f16Bytes(values) }]));
    await vscode.commands.executeCommand('vscode.open', uri);
    await vscode.commands.executeCommand('positionEncodingLens.panel.focus');
    const s = await shownWhere('the panel data of the .safetensors', (x) => x.document.endsWith('learned-gpt2.safetensors') && x.learned?.name !== null);
    assert.equal(s.kind, 'learned');
    assert.deepEqual(s.learned, { source: 'learned-gpt2.safetensors', name: 'transformer.wpe.weight', dtype: 'F16', rowsUsed: ROWS, stride: 1, bytes: 4 * Math.ceil((ROWS * DIM * 4) / 3), problem: null });
  });

  test('a config.json beside model.safetensors is offered the table, unread', async () => {
    const folder = fixtureUri('learned-gpt2');
    created.push(folder);
    await vscode.workspace.fs.createDirectory(folder);
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'model.safetensors'), buildSafetensors([{ name: 'wpe.weight', dtype: 'F16', shape: [ROWS, DIM], data: f16Bytes(values) }]));
    const config = vscode.Uri.joinPath(folder, 'config.json');
    await vscode.workspace.fs.writeFile(config, new TextEncoder().encode(JSON.stringify({ model_type: 'gpt2', n_positions: ROWS, n_embd: DIM, n_head: 4, n_layer: 2 }, null, 2)));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(config));
    await vscode.commands.executeCommand('positionEncodingLens.panel.focus');
    const s = await shownWhere('the panel data of the config.json', (x) => x.document.endsWith('config.json') && x.learned !== null);
    assert.equal(s.kind, 'learned');
    assert.deepEqual(s.learned, { source: 'model.safetensors', name: null, dtype: null, rowsUsed: 0, stride: 0, bytes: 0, problem: null });
  });
});
