// Hovers on position keys show the facts that matter for the key and a chart image.
import * as assert from 'node:assert/strict';
import { hoverAt, openFixture } from './helpers';
import { waitUntil } from './util';

suite('hover', () => {
  test('rope_theta: wavelength range, critical dimension, verdict, wavelength chart', async () => {
    const doc = await openFixture('config.json');
    const md = await waitUntil('a pelens hover on rope_theta', async () => {
      const t = await hoverAt(doc, '"rope_theta"');
      return t.includes('wavelength') ? t : undefined;
    });
    assert.match(md, /wavelength range/);
    assert.match(md, /critical dimension/);
    assert.match(md, /trained context/);
    assert.match(md, /within/);
    assert.match(md, /!\[wavelength per pair\]\(data:image\/svg\+xml/);
  });

  test('max_position_embeddings: trained vs claimed and the verdict', async () => {
    const doc = await openFixture('llama3/config.json');
    const md = await hoverAt(doc, '"max_position_embeddings"');
    assert.match(md, /claimed context \| 32,768/);
    assert.match(md, /trained context \| 8,192/);
    assert.match(md, /effective context/);
  });

  test('rope_scaling keys: scaling, attention factor and the score-decay chart', async () => {
    const doc = await openFixture('yarn/config.json');
    const md = await hoverAt(doc, '"factor"');
    assert.match(md, /yarn × 4/);
    assert.match(md, /attention factor/);
    assert.match(md, /relative score decay/);
  });

  test('T5 buckets and ALiBi slopes', async () => {
    const t5 = await openFixture('t5/config.json');
    const t5md = await hoverAt(t5, '"relative_attention_num_buckets"');
    assert.match(t5md, /saturates at distance/);
    assert.match(t5md, /T5 buckets/);
    const bloom = await openFixture('bloom/config.json');
    const amd = await hoverAt(bloom, '"n_head"');
    assert.match(amd, /ALiBi slopes/);
  });

  test('no hover on other keys or on files that are not model configs', async () => {
    const doc = await openFixture('config.json');
    assert.doesNotMatch(await hoverAt(doc, '"architectures"'), /RoPE/);
    const gen = await openFixture('generation_config.json');
    assert.doesNotMatch(await hoverAt(gen, '"rope_theta"'), /wavelength/);
  });

  test('a repeated hover is served from the per-version cache', async () => {
    const doc = await openFixture('config.json');
    await hoverAt(doc, '"rope_theta"');
    const t0 = Date.now();
    await hoverAt(doc, '"rope_theta"');
    // Includes the command round trip through the workbench; the provider itself is a map lookup.
    assert.ok(Date.now() - t0 < 500, `repeated hover took ${Date.now() - t0} ms`);
  });
});
