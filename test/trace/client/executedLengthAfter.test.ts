/**
 * executedLengthAfter: the length of the acting replica's history after an event, as the
 * client-level checks read it where a Welcome sent in parts is installed. A delta's rExecuted is
 * `reset` or `truncate` first, then `append` (format/types.ts, ExecutedDelta). The traces our
 * writers produce never reach its delta path there (a compact trace names such a Welcome's
 * history by its length), so each rule is pinned here: a reviewer's bug that ignored `append`
 * passed every other test.
 */
import { describe, expect, it } from 'vitest';
import { executedLengthAfter } from '../../../src/trace/client/appReplay.js';
import type { Proposal, TraceEvent } from '../../../src/trace/format/types.js';

const req = (clientId: number): Proposal => ({ caller: 1, clientId, input: `"op ${clientId}"` });
const event = (extra: Partial<TraceEvent>): TraceEvent =>
  ({ node: 1, seq: 1, clock: 1, role: 'Replica', action: 'ReplicaReceiveWelcome', params: {}, sent: [], ...extra }) as TraceEvent;
const withDelta = (rExecuted: NonNullable<TraceEvent['delta']>['rExecuted']): TraceEvent => event({ delta: { rExecuted } });

describe('executedLengthAfter', () => {
  it('is the length before the step when the delta leaves the history alone', () => {
    expect(executedLengthAfter(event({ delta: {} }), 4)).toBe(4);
  });
  it('adds what the delta appends', () => {
    expect(executedLengthAfter(withDelta({ append: [req(5), req(6)] }), 4)).toBe(6);
  });
  it('cuts to what the delta truncates to, then appends', () => {
    expect(executedLengthAfter(withDelta({ truncate: 2 }), 4)).toBe(2);
    expect(executedLengthAfter(withDelta({ truncate: 2, append: [req(9)] }), 4)).toBe(3);
  });
  it('takes a reset history, listed or by length, then appends', () => {
    expect(executedLengthAfter(withDelta({ reset: [req(1), req(2), req(3)] }), 9)).toBe(3);
    expect(executedLengthAfter(withDelta({ reset: { historyLength: 7 } }), 2)).toBe(7);
    expect(executedLengthAfter(withDelta({ reset: { historyLength: 7 }, append: [req(8)] }), 2)).toBe(8);
  });
  it('reads a whole state when the event carries one', () => {
    const state = { rExecuted: [req(1), req(2)] } as unknown as NonNullable<TraceEvent['state']>;
    expect(executedLengthAfter(event({ state }), 9)).toBe(2);
  });
});
