// Parity with transformers: every RoPE case of the shared reference (real and synthetic) must reproduce
// inv_freq and attention_factor to 1e-9 relative, and every case the same validation verdict.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseCase, hasShared, loadReference, maxRelError, transformersOutcome } from './referenceCases';

const TOL = 1e-9;

describe('transformers 5 parity (../shared/corpus/reference_v5.json)', { skip: hasShared ? false : 'shared corpus not present' }, () => {
  const cases = hasShared ? loadReference('reference_v5.json') : [];
  const ropeCases = cases.filter((c) => c.invFreq !== null);

  it('has the expected number of cases', () => {
    assert.ok(cases.length >= 50, `only ${cases.length} cases`);
    assert.ok(ropeCases.length >= 35, `only ${ropeCases.length} RoPE cases`);
  });

  for (const c of ropeCases) {
    it(`inv_freq and attention_factor: ${c.name}`, () => {
      const a = analyseCase(c);
      assert.ok(a?.rope, 'no RoPE encoding found');
      const err = maxRelError(a.rope.invFreq, c.invFreq!);
      assert.ok(err <= TOL, `max relative error ${err} (got ${a.rope.invFreq.length} frequencies, want ${c.invFreq!.length})`);
      const afErr = Math.abs(a.rope.attentionFactor - c.attentionFactor!) / Math.abs(c.attentionFactor!);
      assert.ok(afErr <= TOL, `attention_factor ${a.rope.attentionFactor} vs ${c.attentionFactor}`);
    });
  }

  for (const c of cases) {
    it(`validation outcome: ${c.name} → ${c.outcome}`, () => {
      const a = analyseCase(c);
      assert.ok(a, 'no RoPE encoding found');
      const got = transformersOutcome(a);
      const detail = a.findings.filter((f) => f.runtime === 'transformers').map((f) => `${f.severity} ${f.code}: ${f.message}`);
      assert.equal(got, c.outcome, detail.join('\n'));
    });
  }
});
