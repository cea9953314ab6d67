/**
 * The invariants are checked on the initial state too, as TLC checks its initial states: in the
 * sequential search (explorer.ts) and in the part of the parallel one that owns Init
 * (partition.ts). MultiPaxos's Init satisfies every invariant of properties.ts, so no CI search
 * can show a check that starts with Init's successors; an invariant false only at Init does.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { explore } from '../../src/explore/explorer.js';
import { exploreModel } from '../../src/explore/model.js';
import type { StateInvariant } from '../../src/explore/properties.js';
import { Partition, type PartModel } from '../../src/explore/partition.js';
import { promiseTakenBack } from './plantedSteps.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** False in Init only: acceptor 1 has promised nothing there, and ballot 1 in the other state. */
const PromisedSomething: StateInvariant = (_b, s) => (s.nodes[1]!.aBallot.num === 0 ? 'acceptor 1 has promised nothing' : undefined);

describe('invariants on the initial state', () => {
  const m = exploreModel(loadModel(join(ROOT, 'spec', 'ci-normal.cfg')));
  // Init, then acceptor 1 promises ballot 1 and stays there: two states.
  const successors = promiseTakenBack(m.cfg, false);

  it('sequential search: Init violates the invariant, a counterexample of Init alone', () => {
    const r = explore({ cfg: m.cfg, successors, invariants: { PromisedSomething } });
    expect(r.verdict).toBe('violation');
    expect(r.violation).toMatchObject({ property: 'PromisedSomething', kind: 'invariant', detail: 'acceptor 1 has promised nothing' });
    expect(r.violation!.trace.map((t) => t.action)).toEqual(['Init']);
  });

  it('parallel search: the part owning Init reports it at its first level', () => {
    const model: PartModel = { ...m, invariants: { PromisedSomething }, stepProperties: {}, constraints: {}, checkDeadlock: false };
    const part = new Partition(model, { part: 0, parts: 1 }, successors);
    expect(part.runLevel().violation).toMatchObject({ property: 'PromisedSomething', kind: 'invariant', at: { part: 0, id: 0 } });
  });
});
