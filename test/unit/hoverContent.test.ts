// Hover content without VS Code: the right facts per key, explanations where people ask, nothing elsewhere.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { analyzeText } from '../../src/core/analyze';
import { hoverAt } from '../../src/extension/hoverContent';

const text = readFileSync(join(__dirname, '..', '..', 'examples', 'llama2-7b', 'config.json'), 'utf8');
const at = (key: string) => hoverAt(analyzeText(text), text.indexOf(`"${key}"`) + 2)?.markdown ?? null;

it('rope-related keys get facts and a chart', () => {
  const md = at('max_position_embeddings')!;
  assert.match(md, /trained context/);
  assert.match(md, /data:image\/svg\+xml/);
});

it('feed-forward keys explain that position-wise layers need no position information', () => {
  assert.match(at('intermediate_size')!, /Position-wise layer/);
  const cfg = '{"model_type":"llama","hidden_size":64,"num_attention_heads":2,"max_position_embeddings":256,"hidden_act":"silu"}';
  assert.match(hoverAt(analyzeText(cfg), cfg.indexOf('"hidden_act"') + 2)!.markdown, /never mixes positions/);
});

it('keys with nothing to say about positions get no hover', () => {
  assert.equal(at('vocab_size'), null);
  assert.equal(at('torch_dtype'), null);
});

it('position_embedding_type explains absolute encodings as add = concatenate + project', () => {
  const bert = '{"model_type":"bert","hidden_size":768,"num_attention_heads":12,"max_position_embeddings":512,"position_embedding_type":"absolute"}';
  const md = hoverAt(analyzeText(bert), bert.indexOf('"position_embedding_type"') + 2)!.markdown;
  assert.match(md, /W·\[x; p\] = W_x·x \+ W_p·p/);
});
