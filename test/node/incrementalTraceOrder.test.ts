/**
 * IncrementalTrace.next: the roles removed since the previous event report "gone" BEFORE the
 * roles still hosted report their values. A step that drops one scout and starts another (or
 * any role replaced within one step) must leave the delta saying what the node now hosts: the
 * new scout, not `scout: null`. With the order swapped the removed role's "gone" overwrites the
 * live role's report and the trace says the node has no scout while it runs one. The replay
 * would only notice if that scout's later messages contradicted it, so this pins the order.
 */
import { describe, expect, it } from 'vitest';
import { IncrementalTrace } from '../../src/node/incrementalTrace.js';
import type { Role } from '../../src/node/role.js';
import type { StateChanges } from '../../src/node/stateChanges.js';
import type { DurableView, NodeSpecState } from '../../src/node/api.js';
import { initialNodeJson } from '../../src/trace/format/deltaEncoder.js';

type Scout = NonNullable<NodeSpecState['scout']>;
const scoutRole = (s: Scout): Role => ({
  traceChanges: (changes: StateChanges, hosted: boolean) => { changes.scout = hosted ? s : null; },
}) as unknown as Role;

const durable = { aBallot: { num: 0, leader: 0 }, lBallot: { num: 0, leader: 1 }, compactedBelow: 0 } as unknown as DurableView;

describe('IncrementalTrace: a role replaced within one step', () => {
  it('the new scout is in the delta; the old one\'s removal does not hide it', () => {
    const first: Scout = { ballot: { num: 1, leader: 1 }, acks: [], pvalues: [], mark: 1 };
    const second: Scout = { ballot: { num: 2, leader: 1 }, acks: [], pvalues: [], mark: 1 };
    const oldScout = scoutRole(first);
    const newScout = scoutRole(second);
    const t = new IncrementalTrace();
    const start = { ...initialNodeJson(1), scout: first } as unknown as NodeSpecState;
    t.touch(oldScout);
    expect(t.next(durable, [], [oldScout], () => start)).toBeUndefined();
    // One step: the old scout is removed, a new one is added (touched).
    t.remove(oldScout);
    t.touch(newScout);
    const delta = t.next(durable, [], [newScout], () => { throw new Error('not the first event'); });
    expect(delta!.scout).toEqual(second);
    // And a scout removed with nothing in its place is reported as gone.
    t.remove(newScout);
    expect(t.next(durable, [], [], () => { throw new Error('not the first event'); })!.scout).toBeNull();
  });
});
