/**
 * DeltaEncoder's whole-state diff (events that carry no node delta: a role without
 * traceChanges, the reference path, a node's first event) and DeltaDecoder are inverses: any
 * run of one node's states, encoded and decoded, gives those states back. The simulated runs
 * (incrementalDelta.test.ts) reach only the changes their schedules make; here every field
 * changes alone or with others, among them a snapshot that moves to a later slot over no-ops
 * (its history unchanged) and a history reset in the same event as a new snapshot.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonical } from '../../../src/trace/format/canonical.js';
import { DeltaDecoder, DeltaEncoder, initialNodeJson } from '../../../src/trace/format/deltaEncoder.js';
import type { FullTraceEvent, NodeStateJson, Proposal, PValue } from '../../../src/trace/format/types.js';

const N = 3;
const NODE = 2;
const req = (clientId: number): Proposal => ({ caller: 1, clientId, input: `i${clientId}` });
const REQS = [1, 2, 3, 4].map(req);
const ballot = fc.record({ num: fc.integer({ min: 0, max: 2 }), leader: fc.integer({ min: 0, max: 2 }) });
const slot = fc.integer({ min: 1, max: 3 });
const slotProp = fc.record({ slot, prop: fc.constantFrom(...REQS) });
const subset = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.uniqueArray(a, { maxLength: 2, selector: (x) => canonical(x) });

/** A node state: small pools, so that consecutive states share most of their values. */
const state: fc.Arbitrary<NodeStateJson> = fc.record({
  aBallot: ballot,
  aAccepted: subset(fc.record({ ballot, slot, prop: fc.constantFrom(...REQS) })),
  lBallot: ballot,
  lActive: fc.boolean(),
  lProposals: subset(slotProp),
  scout: fc.option(fc.record({ ballot, acks: fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }), pvalues: fc.constant<PValue[]>([]), mark: slot }), { nil: null }),
  commanders: subset(fc.record({ ballot, slot, prop: fc.constantFrom(...REQS), acks: fc.constantFrom<number[]>([], [1], [1, 2]) })),
  rSlotIn: slot,
  rSlotOut: slot,
  rRequests: subset(fc.constantFrom(...REQS)),
  rProposals: subset(slotProp),
  rDecisions: subset(slotProp),
  rExecuted: fc.uniqueArray(fc.constantFrom(...REQS), { maxLength: 4, selector: (p) => p.clientId }),
  invoked: subset(fc.constantFrom(...REQS)),
  aMark: slot,
  lMark: slot,
  snapLength: fc.nat(4),
  snapSlot: slot,
}).map(({ snapLength, snapSlot, ...s }) => ({ ...s, rSnap: { slot: snapSlot, executed: s.rExecuted.slice(0, snapLength) } }));

const event = (seq: number, s: NodeStateJson): FullTraceEvent =>
  ({ node: NODE, seq, clock: seq, role: 'Replica', action: 'Stutter', params: {}, sent: [], state: s });

/** Encodes the states as one node's events, decodes them back, and returns the decoded states. */
function roundTrip(states: readonly NodeStateJson[]): NodeStateJson[] {
  const encoder = new DeltaEncoder(N);
  const decoder = new DeltaDecoder(N);
  // Through JSON, as a file carries them: nothing shared between the two sides.
  return states.map((s, i) => decoder.decode(JSON.parse(JSON.stringify(encoder.encode(event(i + 1, structuredClone(s)))))).state);
}

describe('DeltaEncoder and DeltaDecoder', () => {
  it('give back every state of any run of states', () => {
    fc.assert(fc.property(fc.array(state, { minLength: 1, maxLength: 6 }), (states) => {
      const decoded = roundTrip(states);
      states.forEach((s, i) => expect(canonical(decoded[i]), `event ${i + 1}`).toBe(canonical(s)));
    }), { numRuns: 300 });
  });

  it('a snapshot moved to a later slot over no-ops (same history) is in the delta', () => {
    const before: NodeStateJson = { ...initialNodeJson(NODE), rSlotOut: 5, rExecuted: [REQS[0]!], rSnap: { slot: 3, executed: [REQS[0]!] } };
    const after: NodeStateJson = { ...before, rSnap: { slot: 5, executed: [REQS[0]!] } };
    const encoder = new DeltaEncoder(N);
    encoder.encode(event(1, before));
    expect(encoder.encode(event(2, after)).delta).toEqual({ rSnap: { slot: 5, executedLength: 1 } });
    expect(roundTrip([before, after])[1]!.rSnap).toEqual({ slot: 5, executed: [REQS[0]!] });
  });

  it('a snapshot in the same delta as a reset of the history holds the new history\'s prefix', () => {
    const before: NodeStateJson = { ...initialNodeJson(NODE), rExecuted: [REQS[0]!, REQS[1]!] };
    const after: NodeStateJson = { ...before, rExecuted: [REQS[2]!, REQS[3]!], rSnap: { slot: 3, executed: [REQS[2]!] } };
    const decoded = roundTrip([before, after])[1]!;
    expect(decoded.rExecuted).toEqual([REQS[2]!, REQS[3]!]);
    expect(decoded.rSnap).toEqual({ slot: 3, executed: [REQS[2]!] });
  });
});
