/**
 * The explorer checks its step properties on every transition, not only on those into a new
 * state: a step that breaks one can lead to a state found before (an undone step goes back to
 * its parent), and judging only the first transition into each state would let it through.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { explore } from '../../src/explore/explorer.js';
import { exploreModel } from '../../src/explore/model.js';
import { AcceptorMonotonicity } from '../../src/explore/properties.js';
import { promiseTakenBack, undoneCompaction } from './plantedSteps.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('explorer step properties', () => {
  it('reports a step that breaks one and leads back to Init (a two-state model)', () => {
    const m = exploreModel(loadModel(join(ROOT, 'spec', 'ci-normal.cfg')));
    // Acceptor 1 promises ballot 1, then takes the promise back: the second step goes to Init.
    const successors = promiseTakenBack(m.cfg);
    const r = explore({ cfg: m.cfg, successors, stepProperties: { AcceptorMonotonicity } });
    expect(r.distinct).toBe(2);
    expect(r.verdict).toBe('violation');
    expect(r.violation).toMatchObject({ property: 'AcceptorMonotonicity', kind: 'step', detail: "acceptor 1's promise goes down" });
    expect(r.violation!.trace.map((t) => t.action)).toEqual(['Init', 'AcceptorReceivePrepare', 'NodeRestart']);
  });

  it('reports an undone AcceptorCompact on ci-checkpoint, a step back into its parent state', () => {
    const m = exploreModel(loadModel(join(ROOT, 'spec', 'ci-checkpoint.cfg')));
    // A planted bug: an acceptor may undo a compaction, a step back into the state it left.
    const { successors, planted, key } = undoneCompaction(m.cfg.N);
    const r = explore({ cfg: m.cfg, successors, invariants: m.invariants, stepProperties: m.stepProperties });
    expect(planted()).toBeGreaterThan(0);
    expect(r.verdict).toBe('violation');
    expect(r.violation).toMatchObject({ property: 'AcceptorMonotonicity', kind: 'step' });
    expect(r.violation!.detail).toMatch(/^acceptor 1's mark goes down from 2 to 1$/);
    // The violating step's state is the one two steps back: it was found (and expanded) before.
    const trace = r.violation!.trace;
    expect(key(trace.at(-1)!.state)).toBe(key(trace.at(-3)!.state));
  }, 120_000);
});
