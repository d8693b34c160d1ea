// GGUF files open in a read-only view of their position facts (header only, bounded reads).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { GGUF_TYPE } from '../../src/core/formats/gguf';
import { GgufBuilder } from '../unit/helpers/binaryWriters';
import { fixtureUri } from './helpers';
import { waitUntil } from './util';

suite('GGUF view', () => {
  test('a .gguf opens in the position-facts view', async () => {
    const uri = fixtureUri('model-test.gguf');
    const bytes = new GgufBuilder()
      .str('general.architecture', 'llama').u32('llama.context_length', 131072).u32('llama.embedding_length', 4096)
      .u32('llama.attention.head_count', 32).f32('llama.rope.freq_base', 500000)
      .str('llama.rope.scaling.type', 'yarn').f32('llama.rope.scaling.factor', 4).u32('llama.rope.scaling.original_context_length', 32768)
      .arr('tokenizer.ggml.tokens', GGUF_TYPE.STRING, ['a', 'b']).build();
    await vscode.workspace.fs.writeFile(uri, bytes);
    try {
      await vscode.commands.executeCommand('vscode.open', uri);
      const tab = await waitUntil('the GGUF view tab', () => {
        const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        return input instanceof vscode.TabInputCustom && input.uri.toString() === uri.toString() ? input : undefined;
      });
      assert.equal(tab.viewType, 'positionEncodingLens.binaryView');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(uri);
    }
  });
});
