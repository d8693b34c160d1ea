// Training YAML is analysed like a config.json: hovers and diagnostics on the recipe's own lines.
import * as assert from 'node:assert/strict';
import { diagnosticsWhere, hoverAt, openFixture } from './helpers';

suite('training YAML', () => {
  test('axolotl rope_scaling gets a hover and findings on its keys', async () => {
    const doc = await openFixture('train/axolotl.yaml');
    const ds = await diagnosticsWhere(doc.uri, 'the legacy-type finding', (x) => x.some((d) => d.code === 'v4.legacy-type'));
    const legacy = ds.find((d) => d.code === 'v4.legacy-type')!;
    assert.equal(doc.getText(legacy.range), 'type');
    const md = await hoverAt(doc, 'factor');
    assert.match(md, /linear/);
  });
});
