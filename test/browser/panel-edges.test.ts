// The panel on hostile numbers (issue 8): configs with zero, negative, NaN-like, huge and mistyped values,
// and the largest target the protocol allows. Each must end in a settled state — charts drawn, or one clear
// message — within a bound that only a frozen panel misses, with no page errors and no "NaN"/"Infinity"
// anywhere a user reads (text, axis labels are canvas text and are checked through the data the charts use).
// Run: flock /tmp/pelens-chromium.lock node --import tsx --test test/browser/panel-edges.test.ts
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPanel, panelSuite } from './session';

/** Far above a normal render (~1 s cold); a panel stuck in a loop or an allocation never gets there. */
const SETTLE_MS = 60_000;

const suite = panelSuite();

const llama = (extra: Record<string, unknown>): string => JSON.stringify({ model_type: 'llama', hidden_size: 4096, num_attention_heads: 32, max_position_embeddings: 4096, rope_theta: 10000.0, ...extra }, null, 2);

const CASES: { name: string; text: string; target?: number }[] = [
  { name: 'theta 1 (every wavelength 2π)', text: llama({ rope_theta: 1.0 }) },
  { name: 'theta 1e308', text: llama({ rope_theta: 1e308 }) },
  { name: 'theta 0', text: llama({ rope_theta: 0 }) },
  { name: 'theta negative', text: llama({ rope_theta: -10000.0 }) },
  { name: 'theta a string', text: llama({ rope_theta: '10000' }) },
  { name: 'theta null', text: llama({ rope_theta: null }) },
  { name: 'factor 0', text: llama({ rope_scaling: { rope_type: 'linear', factor: 0.0 } }) },
  { name: 'factor 1e308', text: llama({ rope_scaling: { rope_type: 'linear', factor: 1e308 } }) },
  { name: 'yarn factor negative', text: llama({ rope_scaling: { rope_type: 'yarn', factor: -4.0, original_max_position_embeddings: 4096 } }) },
  { name: 'head_dim 1', text: llama({ head_dim: 1 }) },
  { name: 'head_dim 1e308', text: llama({ head_dim: 1e308 }) },
  { name: 'head_dim 2.5', text: llama({ head_dim: 2.5 }) },
  { name: 'max length 0', text: llama({ max_position_embeddings: 0 }) },
  { name: 'max length 1e308', text: llama({ max_position_embeddings: 1e308 }) },
  { name: 'longrope with empty factor lists', text: llama({ rope_scaling: { rope_type: 'longrope', factor: 32.0, short_factor: [], long_factor: [], original_max_position_embeddings: 4096 } }) },
  { name: 'longrope with 100,000 factors', text: llama({ rope_scaling: { rope_type: 'longrope', short_factor: Array(100_000).fill(1.0), long_factor: Array(100_000).fill(2.0), original_max_position_embeddings: 4096 } }) },
  { name: 'alibi with 0 heads', text: JSON.stringify({ model_type: 'bloom', n_head: 0, hidden_size: 64 }) },
  { name: 't5 with 0 buckets', text: JSON.stringify({ model_type: 't5', relative_attention_num_buckets: 0, relative_attention_max_distance: 0, d_model: 64, num_heads: 8 }) },
  { name: 'the largest target the protocol allows (2^31)', text: llama({}), target: 2 ** 31 },
];

for (const c of CASES) {
  test(`settles without NaN or errors: ${c.name}`, { timeout: SETTLE_MS + 30_000 }, async () => {
    const s = await openPanel(suite, { name: 'config.json', text: c.text }, { state: { methods: ['current', 'linear', 'dynamic', 'yarn', 'llama3'], target: c.target ?? null }, viewport: { width: 520, height: 1400 }, deviceScaleFactor: 1, waitForRender: false });
    const { page, host } = s;
    try {
      // Settled: a finished render reported to the host, or the one message that says why there is none.
      const deadline = Date.now() + SETTLE_MS;
      while (host.rendered.length === 0 && (await page.locator('[role="alert"]').count()) === 0) {
        assert.ok(Date.now() < deadline, `${c.name}: neither a render nor a message within ${SETTLE_MS} ms (a frozen panel)`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const settled = host.rendered.length ? 'rendered' : 'message';
      const text = await page.locator('#app').innerText();
      assert.doesNotMatch(text, /\bNaN\b|Infinity|undefined|\[object Object\]/, `${c.name}: the panel reads\n${text.slice(0, 1500)}`);
      assert.deepEqual(s.errors, [], `${c.name}: console or page errors`);
      assert.deepEqual(s.csp, [], `${c.name}: CSP reports`);
      assert.deepEqual(s.outside, [], `${c.name}: requests outside the served origin`);
      assert.deepEqual(host.rejected, [], 'every webview message passes the validator');
      const alert = await page.locator('[role="alert"]').allInnerTexts();
      // A message is fine when it speaks to the user, not when it is the engine's own exception.
      for (const a of alert) assert.doesNotMatch(a, /typed array|allocation failed|RangeError|TypeError|Cannot read/i, `${c.name}: ${a}`);
      console.log(`${c.name}: ${settled === 'rendered' ? `rendered (${host.rendered.at(-1)?.ms.toFixed(0)} ms)` : 'message'}${alert.length ? ` — ${alert.join(' / ').slice(0, 160)}` : ''}`);
    } finally {
      await s.close();
    }
  });
}
