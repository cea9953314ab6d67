/**
 * resolveRestart (src/trace/replay/restartHistories.ts): a whole state's history by length is
 * put back as the first L requests of the node's history before the step; only a NodeRestart
 * may give one, and never longer than that history. A windowed replay gets the replay's own
 * sequence (its start may be forgotten), any other an array.
 */
import { describe, expect, it } from 'vitest';
import { initialNodeJson } from '../../src/trace/format/deltaEncoder.js';
import type { NodeStateJson, Proposal, TraceEvent } from '../../src/trace/format/types.js';
import { resolveRestart } from '../../src/trace/replay/restartHistories.js';
import { ExecSeq } from '../../src/trace/spec/execSeq.js';

const req = (clientId: number): Proposal => ({ caller: 2, clientId, input: `r${clientId}` });
const history = ExecSeq.of([1, 2, 3, 4, 5].map(req));
const restart = (action: string, executed: unknown, snapped: unknown): TraceEvent =>
  ({ node: 2, seq: 9, clock: 9, role: 'Node', action, params: {}, sent: [],
    state: { ...initialNodeJson(2), rSlotIn: 4, rSlotOut: 4, rExecuted: executed, rSnap: { slot: 4, executed: snapped } } as unknown as NodeStateJson }) as TraceEvent;
const named = (L: number) => ({ historyLength: L });

describe('a restart\'s history by length', () => {
  it('is the first L requests of the node\'s history: an array, or the replay\'s sequence in a windowed replay', () => {
    const asArray = resolveRestart(restart('NodeRestart', named(3), named(3)), () => history, false) as TraceEvent;
    expect(asArray.state!.rExecuted).toEqual([1, 2, 3].map(req));
    expect(asArray.state!.rSnap.executed).toEqual([1, 2, 3].map(req));
    const asSeq = resolveRestart(restart('NodeRestart', named(3), named(2)), () => history, true) as TraceEvent;
    expect(asSeq.state!.rExecuted).toBeInstanceOf(ExecSeq);
    expect((asSeq.state!.rExecuted as unknown as ExecSeq).sharedPrefix(history)).toBe(3);
    expect((asSeq.state!.rSnap.executed as unknown as ExecSeq).length).toBe(2);
  });

  it('leaves an event without one as it is, and a listed history beside a named one', () => {
    const listed = restart('NodeRestart', [req(1)], [req(1)]);
    expect(resolveRestart(listed, () => { throw new Error('not read'); }, false)).toBe(listed);
    const mixed = resolveRestart(restart('NodeRestart', named(2), [req(1)]), () => history, false) as TraceEvent;
    expect(mixed.state!.rSnap.executed).toEqual([req(1)]);
  });

  it('is refused past the node\'s history, and in any action but NodeRestart', () => {
    expect(resolveRestart(restart('NodeRestart', named(6), named(5)), () => history, false))
      .toEqual({ problem: 'node 2 restarts with rExecuted the first 6 requests of its history, which has 5' });
    expect(resolveRestart(restart('NodeRestart', named(5), named(7)), () => history, true))
      .toEqual({ problem: 'node 2 restarts with rSnap.executed the first 7 requests of its history, which has 5' });
    expect(resolveRestart(restart('ReplicaSnapshot', named(5), named(5)), () => history, false))
      .toEqual({ problem: expect.stringMatching(/^ReplicaSnapshot gives its history by length in a whole state: only a NodeRestart may/) });
  });
});
