// For every shared RoPE config and targets 2×, 4×, 16× its trained length: suggest → apply → check is clean
// and covering, and the diff touches only the rope keys and the max length.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText, transformersOutcome } from '../../src/core/analyze';
import { parseJsonc } from '../../src/core/parse/jsonc';
import { METHODS } from '../../src/core/suggest/plan';
import { suggest, targetEncoding } from '../../src/core/suggest/suggest';
import { CORPUS, hasShared } from './referenceCases';

const ROPE_KEYS = new Set(['rope_scaling', 'rope_parameters', 'max_position_embeddings']);

/** Top-level (or nested-scope) keys whose values differ between two configs. */
function changedKeys(a: unknown, b: unknown, prefix = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a)) return [prefix];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => {
    const x = (a as Record<string, unknown>)[k];
    const y = (b as Record<string, unknown>)[k];
    if (ROPE_KEYS.has(k)) return JSON.stringify(x) === JSON.stringify(y) ? [] : [prefix + k];
    return changedKeys(x, y, `${prefix}${k}.`);
  });
}

function roundTrip(name: string, text: string): void {
  const enc = targetEncoding(analyzeText(text).encodings);
  if (!enc || enc.spec.kind !== 'rope') return;
  const L0 = enc.spec.trainedContext!;
  for (const mult of [2, 4, 16]) {
    const target = L0 * mult;
    for (const s of suggest(text, target)) {
      if (s.method === 'longrope') {
        assert.equal(s.applicable, false);
        continue;
      }
      assert.ok(s.applicable, `${name} ${s.method} ×${mult}: ${s.reason}`);
      const after = analyzeText(s.newText!, { target });
      const e = targetEncoding(after.encodings)!;
      assert.equal(after.findings.length, 0, `${name} ${s.method}: file findings`);
      assert.equal(transformersOutcome(e), 'pass', `${name} ${s.method} ×${mult}: ${e.findings.filter((f) => f.runtime === 'transformers').map((f) => f.message).join('; ')}`);
      assert.ok(['scaled', 'within'].includes(e.extrapolation!.verdict), `${name} ${s.method} ×${mult}: ${e.extrapolation!.summary}`);
      assert.ok(!e.findings.some((f) => f.severity === 'error'), `${name} ${s.method}: ${e.findings.filter((f) => f.severity === 'error').map((f) => f.message)}`);
      const changed = changedKeys(parseJsonc(text).root!.value, parseJsonc(s.newText!).root!.value);
      for (const k of changed) assert.ok(ROPE_KEYS.has(k.split('.').pop()!), `${name} ${s.method}: touched ${k}`);
      // Lines outside the changed span are byte-identical (formatting, comments, key order kept).
      const before = text.split('\n');
      const afterLines = s.newText!.split('\n');
      assert.equal(afterLines[0], before[0]);
      assert.equal(afterLines[afterLines.length - 1], before[before.length - 1]);
    }
  }
}

describe('suggest → apply → check', () => {
  it('own fixtures', () => {
    for (const f of ['llama_jsonc.json', 'legacy_type_linear.json', 'yarn_no_orig.json', 'v5_per_layer.json']) {
      roundTrip(f, readFileSync(join(__dirname, '..', 'fixtures', 'configs', f), 'utf8'));
    }
  });
  it('every shared RoPE config at 2×, 4×, 16×', { skip: hasShared ? false : 'shared corpus not present' }, () => {
    const dir = join(CORPUS, 'configs');
    let n = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
      roundTrip(f, readFileSync(join(dir, f), 'utf8'));
      n++;
    }
    assert.ok(n >= 15);
  });
  it('methods list', () => assert.deepEqual([...METHODS], ['linear', 'dynamic', 'ntk', 'yarn', 'llama3', 'longrope']));
});
