import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvariantViolation } from '../../src/protocol/assert.js';
import { applyRecord, emptyDurableState, foldRecords, recordsOf } from '../../src/storage/fold.js';
import { decodeRecord, encodeRecord } from '../../src/storage/record.js';
import { NODE, accept, ballot, compact, leaderBallot, promise, pvalue, snapshot, validRecordsArb } from './helpers.js';

const empty = emptyDurableState(NODE);

describe('applyRecord', () => {
  it('starts from the node defaults: bottom promise, no pvalues, the first ballot of the node', () => {
    expect(emptyDurableState(3)).toEqual({ aBallot: ballot(0, 0), aAccepted: [], lBallot: ballot(0, 3), compactedBelow: 0 });
  });

  it('raises the promise and never lowers it (an equal promise is allowed)', () => {
    const s = applyRecord(empty, promise(3, 2));
    expect(s.aBallot).toEqual(ballot(3, 2));
    expect(applyRecord(s, promise(3, 2)).aBallot).toEqual(ballot(3, 2));
    expect(() => applyRecord(s, promise(3, 1))).toThrow(InvariantViolation);
    expect(() => applyRecord(s, promise(2, 3))).toThrow(/would lower the promised ballot <<3, 2>>/);
  });

  it('keeps one pvalue per slot, replaced only by an equal or higher ballot, and leaves the promise alone', () => {
    const s = foldRecords(empty, [accept(2, 1), accept(1, 5), accept(2, 4, 'newer')]);
    expect(s.aAccepted).toEqual([pvalue(1, 5), pvalue(2, 4, 'newer')]);
    expect(s.aBallot).toEqual(ballot(0, 0));
    expect(() => applyRecord(s, accept(2, 3))).toThrow(/would replace the pvalue of slot 2 accepted at <<4, 1>>/);
  });

  it('keeps the latest client-id bound, never lowered, and writes it again in a rewrite', () => {
    expect(empty.clientIdsBelow).toBeUndefined();
    const s = foldRecords(empty, [{ kind: 'clientIds', below: 1000 }, { kind: 'clientIds', below: 5000 }]);
    expect(s.clientIdsBelow).toBe(5000);
    expect(() => applyRecord(s, { kind: 'clientIds', below: 4999 })).toThrow(/client ids below 4999 would lower the bound 5000/);
    expect(foldRecords(empty, recordsOf(s))).toEqual(s);
    // On disk: read back as written, and a wrong one is a clear error.
    expect(decodeRecord(encodeRecord({ kind: 'clientIds', below: 5000 }))).toEqual({ ok: true, value: { kind: 'clientIds', below: 5000 } });
    expect(decodeRecord(Buffer.from('{"kind":"clientIds","below":-1}'))).toEqual({ ok: false, reason: 'clientIds record: below must be a non-negative integer' });
  });

  it('never lowers the leader ballot', () => {
    const s = applyRecord(empty, leaderBallot(4));
    expect(s.lBallot).toEqual(ballot(4, NODE));
    expect(() => applyRecord(s, leaderBallot(3))).toThrow(InvariantViolation);
  });

  it('compaction drops the pvalues below its slot, raises the floor, and refuses accepts below it', () => {
    const s = foldRecords(empty, [accept(0, 1), accept(1, 1), accept(2, 1), snapshot(2), compact(2)]);
    expect(s.aAccepted.map((pv) => pv.slot)).toEqual([2]);
    expect(s.compactedBelow).toBe(2);
    expect(() => applyRecord(s, accept(1, 2))).toThrow(/below the compaction floor 2/);
    expect(() => applyRecord(s, compact(1))).toThrow(/would lower the floor 2/);
    expect(applyRecord(s, accept(2, 2)).aAccepted).toHaveLength(1);
  });

  it('is pure: the state it is given does not change', () => {
    const s = foldRecords(empty, [accept(1, 1), promise(2)]);
    const before = JSON.stringify(s);
    applyRecord(s, accept(1, 3));
    applyRecord(applyRecord(s, snapshot(5)), compact(5));
    expect(JSON.stringify(s)).toBe(before);
  });

  it('recordsOf(state) folds back to the same state (what compaction relies on)', () => {
    fc.assert(fc.property(validRecordsArb(), (records) => {
      const state = foldRecords(empty, records);
      expect(foldRecords(empty, recordsOf(state))).toEqual(state);
    }), { numRuns: 300 });
  });
});
