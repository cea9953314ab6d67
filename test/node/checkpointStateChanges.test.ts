/**
 * The checkpoint fields of a node's compact delta (StateChanges.toDelta, issue 11): aMark,
 * lMark and rSnap are written only when they changed, so a node that takes no checkpoint writes
 * the deltas it always wrote; rSnap is written as {slot, executedLength} (O(1) bytes); rExecuted
 * may be cut to a prefix ({truncate}) by a restart restoring its snapshot.
 */
import { describe, expect, it } from 'vitest';
import type { NodeSpecState } from '../../src/node/api.js';
import { lastScalarsOf, NO_CHECKPOINT, StateChanges, type LastScalars, type Scalars } from '../../src/node/stateChanges.js';
import { BOTTOM_BALLOT } from '../../src/protocol/values.js';

const L = { num: 0, leader: 1 };
const initial: NodeSpecState = {
  aBallot: BOTTOM_BALLOT, aAccepted: [], lBallot: L, lActive: false, lProposals: [], scout: null, commanders: [],
  rSlotIn: 1, rSlotOut: 1, rRequests: [], rProposals: [], rDecisions: [], rExecuted: [], invoked: [],
  aMark: 1, lMark: 1, rSnap: { slot: 1, executed: [] },
};
const changes = (scalars: Partial<Pick<Scalars, keyof typeof NO_CHECKPOINT>> = {}) =>
  new StateChanges({ aBallot: BOTTOM_BALLOT, lBallot: L, lActive: false, rSlotIn: 1, rSlotOut: 1, ...scalars });

describe('StateChanges: the checkpoint fields of a delta', () => {
  it('writes none of them while no checkpoint is taken', () => {
    const last = lastScalarsOf(initial);
    expect(changes().toDelta(last)).toEqual({});
  });

  it('writes aMark and lMark once when they change, then not again', () => {
    const last = lastScalarsOf(initial);
    expect(changes({ aMark: 4, lMark: 4 }).toDelta(last)).toEqual({ aMark: 4, lMark: 4 });
    expect(changes({ aMark: 4, lMark: 4 }).toDelta(last)).toEqual({});
    // A restart: the leader's mark is volatile and goes back to 1; the acceptor's stays.
    expect(changes({ aMark: 4 }).toDelta(last)).toEqual({ lMark: 1 });
  });

  it('writes the snapshot when only the length of its history changed, at the same slot', () => {
    const last = lastScalarsOf(initial);
    expect(changes({ rSnapSlot: 6, rSnapLength: 5 }).toDelta(last)).toEqual({ rSnap: { slot: 6, executedLength: 5 } });
    // Same slot, another history length (e.g. a restored image and a Welcome's that count differently):
    // the delta must still say so, or a reader's rSnap.executed keeps the old prefix.
    expect(changes({ rSnapSlot: 6, rSnapLength: 7 }).toDelta(last)).toEqual({ rSnap: { slot: 6, executedLength: 7 } });
    expect(last.rSnapLength).toBe(7);
  });

  it('writes the snapshot as its slot and the length of its history, when either changes', () => {
    const last = lastScalarsOf(initial);
    expect(changes({ rSnapSlot: 6, rSnapLength: 5 }).toDelta(last)).toEqual({ rSnap: { slot: 6, executedLength: 5 } });
    expect(changes({ rSnapSlot: 6, rSnapLength: 5 }).toDelta(last)).toEqual({});
    expect(changes({ rSnapSlot: 9, rSnapLength: 5 }).toDelta(last)).toEqual({ rSnap: { slot: 9, executedLength: 5 } });
  });

  it('cuts rExecuted to a prefix, and refuses another change to it in the same step', () => {
    const c = changes();
    c.truncateExecuted(3);
    expect(c.toDelta(lastScalarsOf(initial))).toEqual({ rExecuted: { truncate: 3 } });
    expect(() => c.appendExecuted([{ caller: 1, clientId: 1, input: 'x' }])).toThrow(/cut to 3 entries and appended to/);
    const appended = changes();
    appended.appendExecuted([{ caller: 1, clientId: 1, input: 'x' }]);
    expect(() => appended.truncateExecuted(0)).toThrow(/after another change/);
  });

  it('keeps a reset of rExecuted, by length or whole, when the same step also appends to it', () => {
    // A replica keeping no history names a Welcome's history by length, then what it ran after:
    // dropping the reset would read as the old history with these appended.
    const x = { caller: 1, clientId: 1, input: 'x' };
    const y = { caller: 1, clientId: 2, input: 'y' };
    const byLength = changes();
    byLength.executed = { reset: { historyLength: 4 } };
    byLength.appendExecuted([x]);
    byLength.appendExecuted([y]);
    expect(byLength.toDelta(lastScalarsOf(initial))).toEqual({ rExecuted: { reset: { historyLength: 4 }, append: [x, y] } });
    const whole = changes();
    whole.executed = { reset: [x] };
    whole.appendExecuted([y]);
    expect(whole.toDelta(lastScalarsOf(initial))).toEqual({ rExecuted: { reset: [x, y] } });
    const appended = changes();
    appended.appendExecuted([]);
    expect(appended.executed).toBeUndefined(); // nothing appended: no change
    appended.appendExecuted([x]);
    appended.appendExecuted([y]);
    expect(appended.toDelta(lastScalarsOf(initial))).toEqual({ rExecuted: { append: [x, y] } });
  });

  it('reads a state without the checkpoint fields as one without checkpoints', () => {
    const { aMark: _a, lMark: _l, rSnap: _r, ...old } = initial;
    const last: LastScalars = lastScalarsOf(old as NodeSpecState);
    expect(last).toMatchObject({ aMark: 1, lMark: 1, rSnapSlot: 1, rSnapLength: 0 });
    expect(lastScalarsOf({ ...initial, aMark: 3, rSnap: { slot: 3, executed: [{ caller: 1, clientId: 1, input: 'x' }] } }))
      .toMatchObject({ aMark: 3, rSnapSlot: 3, rSnapLength: 1 });
  });
});

describe('StateChanges: set fields', () => {
  it('an element removed and added back in one event is no change, whichever came first; one added stays added', () => {
    // One role removes what another adds in the same step (a replica's request proposed, then
    // queued again): a diff of whole sets sees nothing, and so must the delta.
    const last = lastScalarsOf(initial);
    const req = { caller: 1, clientId: 1, input: 'x' };
    const removedFirst = changes();
    removedFirst.change('rRequests', req, undefined);
    removedFirst.change('rRequests', undefined, req);
    expect(removedFirst.toDelta(last)).toEqual({});
    const addedFirst = changes();
    addedFirst.change('rRequests', undefined, req);
    addedFirst.change('rRequests', req, undefined);
    expect(addedFirst.toDelta(last)).toEqual({});
    const added = changes();
    added.change('rRequests', undefined, req);
    expect(added.toDelta(last)).toEqual({ rRequests: { add: [req] } });
  });
});
