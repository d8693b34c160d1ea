// transformers 4.45's verdicts (../shared/corpus/reference.json): wherever the older stack says something
// worse than 5.x, the analysis carries a `transformers-4` finding so users on older stacks are warned.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseCase, hasShared, loadReference, transformersOutcome } from './referenceCases';

const RANK = { pass: 0, warning: 1, error: 2 } as const;

describe('transformers 4.x divergences (reference.json)', { skip: hasShared ? false : 'shared corpus not present' }, () => {
  const v5 = new Map(hasShared ? loadReference('reference_v5.json').map((c) => [c.name, c]) : []);
  const v4 = hasShared ? loadReference('reference.json') : [];
  let compared = 0;
  for (const c of v4) {
    const now = v5.get(c.name);
    if (!now) continue;
    // Compare the raw 4.45 verdict: it is what any class without BC handling (custom code) gets.
    if (RANK[c.rawOutcome] <= RANK[now.outcome]) continue;
    compared++;
    it(`${c.name}: 4.45 says ${c.rawOutcome}, 5.x ${now.outcome} → a transformers-4 finding`, () => {
      const a = analyseCase(c)!;
      assert.equal(transformersOutcome(a), now.outcome);
      const old = a.findings.filter((f) => f.runtime === 'transformers-4');
      assert.ok(old.length > 0, 'no transformers-4 finding');
      assert.ok(old.some((f) => /4\.\d/.test(f.message)), 'finding names no version');
    });
  }
  it('compares a meaningful number of cases', () => assert.ok(compared >= 8, `only ${compared}`));
});
