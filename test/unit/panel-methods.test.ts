// The panel computes each compared method's frequencies from the plan applied to the parsed value (fast);
// they must be exactly those of the config the Suggest command writes as text (the source of truth).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText } from '../../src/core/analyze';
import { suggest, targetEncoding } from '../../src/core/suggest/suggest';
import { panelData } from '../../src/extension/panelData';
import { PANEL_METHODS } from '../../src/protocol';

const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus', 'configs');
const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'configs');
const files = [...(existsSync(SHARED) ? readdirSync(SHARED).map((f) => path.join(SHARED, f)) : []), ...readdirSync(FIXTURES).map((f) => path.join(FIXTURES, f))]
  .filter((f) => f.endsWith('.json'));

describe('panel method series = the Suggest command\'s edited config', () => {
  let compared = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const enc = targetEncoding(analyzeText(text).encodings);
    if (!enc?.spec.rope || !enc.spec.trainedContext) continue;
    it(path.basename(file), () => {
      for (const target of [2 * enc.spec.trainedContext!, 16 * enc.spec.trainedContext!]) {
        const d = panelData(text, { name: 'x', version: 1 }, { target, methods: [...PANEL_METHODS], layer: null, seqLen: null });
        for (const s of d.series) {
          if (s.method === 'current') continue;
          const written = suggest(text, target, s.method)[0]!;
          assert.ok(written.applicable && written.newText !== undefined, `${s.method} is applicable in both`);
          const after = targetEncoding(analyzeText(written.newText!, { target, seqLen: target }).encodings)!;
          assert.deepEqual(s.invFreq, after.rope!.invFreq, `${s.method} at ${target}: inv_freq`);
          assert.equal(s.attentionFactor, after.rope!.attentionFactor, `${s.method} at ${target}: attention factor`);
          compared++;
        }
      }
    });
  }
  it('compared a meaningful number of series', () => assert.ok(compared >= 40, `only ${compared}`));
});
