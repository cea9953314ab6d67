import { describe, expect, it } from 'vitest';
import { exploreActionCoverage, formatCoverage, seededRandom } from '../../src/modelcheck/coverage.js';
import { declaredActions } from '../../src/modelcheck/nextActions.js';
import { fixture, SLOTS } from './helpers.js';

const COUNTER = `---- MODULE Counter ----
EXTENDS Naturals
VARIABLES x, y
Init == x = 0 /\\ y = 0
Inc == x < 3 /\\ x' = x + 1 /\\ UNCHANGED y
SetY(k) == y' = k
Dec == x > 0 /\\ x' = x - 1 /\\ SetY(1)
Group == Inc \\/ Dec
\\* Unreachable: y never becomes 7.
Jump == y = 7 /\\ x' = 0 /\\ y' = 0
Limit == x \\in 0..3
vars == <<x, y>>
Next == \\/ Group
        \\/ Jump
        \\/ (x = 3 /\\ Limit /\\ y' = 2 /\\ UNCHANGED x)
Spec == Init /\\ [][Next]_vars
LiveSpec == Spec /\\ WF_vars(Next)
====
`;
const COUNTER_CFG = 'SPECIFICATION LiveSpec\n';

describe('declared actions of Next', () => {
  it('lists the actions Next reaches, looking through groupings, ignoring predicates', () => {
    expect(declaredActions(COUNTER, { specification: 'LiveSpec' })).toEqual(['Inc', 'Dec', 'Jump']);
    expect(declaredActions(COUNTER, { next: 'Group' })).toEqual(['Inc', 'Dec']);
    expect(declaredActions(SLOTS, { specification: 'Spec' })).toEqual(['Write']);
  });
});

describe('random-walk action coverage (embedded engine)', () => {
  it('counts the actions seen and finds the unreachable one', () => {
    const c = exploreActionCoverage(COUNTER, COUNTER_CFG, { walks: 20, depth: 15, seed: 7 });
    expect(c.declared).toEqual(['Inc', 'Dec', 'Jump']);
    expect(c.seen.get('Inc')).toBeGreaterThan(0);
    expect(c.seen.get('Dec')).toBeGreaterThan(0);
    expect(c.seen.has('Jump')).toBe(false);
    expect(c.seen.get('(unnamed)')).toBeGreaterThan(0); // the inline disjunct has no name
    expect([...c.seen.values()].reduce((a, b) => a + b, 0)).toBe(c.steps);
    expect(formatCoverage(c)).toBe('action coverage: 2/3, never reached: [Jump], also seen: [(unnamed)]');
  });

  it('is deterministic for a seed and varies with it', () => {
    const a = exploreActionCoverage(COUNTER, COUNTER_CFG, { walks: 10, depth: 10, seed: 1 });
    const b = exploreActionCoverage(COUNTER, COUNTER_CFG, { walks: 10, depth: 10, seed: 1 });
    expect([...a.seen]).toEqual([...b.seen]);
    const seqs = [1, 2, 3].map((s) => { const r = seededRandom(s); return [r(), r(), r()]; });
    expect(new Set(seqs.map((x) => x.join())).size).toBe(3);
  });

  it('covers the toy spec with the default bounds quickly (explore_next replies are memoised)', () => {
    const t0 = Date.now();
    const c = exploreActionCoverage(SLOTS, fixture('ok.cfg'));
    expect(c.declared).toEqual(['Write']);
    expect(c.seen.get('Write')).toBeGreaterThan(0);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('reports a broken spec clearly', () => {
    expect(() => exploreActionCoverage(SLOTS.replace('Init ==', 'Init == =='), fixture('ok.cfg'), { walks: 1 })).toThrow(/explore_init failed/);
  });
});
