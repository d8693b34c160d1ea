// GGUF files open in a read-only view of their position facts (header only, bounded reads).
import { GGUF_TYPE } from '../../src/core/formats/gguf';
import { GgufBuilder } from '../unit/helpers/binaryWriters';
import { fixtureUri, inBinaryView } from './helpers';

suite('GGUF view', () => {
  test('a .gguf opens in the position-facts view', async () => {
    const uri = fixtureUri('model-test.gguf');
    const bytes = new GgufBuilder()
      .str('general.architecture', 'llama').u32('llama.context_length', 131072).u32('llama.embedding_length', 4096)
      .u32('llama.attention.head_count', 32).f32('llama.rope.freq_base', 500000)
      .str('llama.rope.scaling.type', 'yarn').f32('llama.rope.scaling.factor', 4).u32('llama.rope.scaling.original_context_length', 32768)
      .arr('tokenizer.ggml.tokens', GGUF_TYPE.STRING, ['a', 'b']).build();
    await inBinaryView(uri, bytes);
  });
});
