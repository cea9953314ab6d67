/**
 * The state codec (stateCodec.ts) encodes a state's sets as sets: two states that hold the same
 * elements, put in in another order, are one state, with one vector and one fingerprint. With
 * N <= 3 (every model in spec/) a scout never holds two acks (the second one is a quorum), so
 * no CI count shows a scout's acks written in their insertion order; with N = 5 the search
 * would count one state several times. Every set of a state and of a node is checked here.
 */
import { describe, expect, it } from 'vitest';
import { StateCodec } from '../../src/explore/stateCodec.js';
import { messageKey, propKey, pvalueKey, slotPropKey } from '../../src/trace/format/keys.js';
import type { Ballot, Proposal, PValue, SlotProp, SpecMessage } from '../../src/trace/format/types.js';
import { type CommanderSpec, type NodeSpec, type SpecState, commanderSpecKey, initialState } from '../../src/trace/spec/specState.js';

const N = 5;
const base = initialState({ N, Window: 1, bounds: {} });
const b: Ballot = { num: 1, leader: 1 };
const op = (clientId: number): Proposal => ({ caller: 1, clientId, input: 'op' });
const pv = (slot: number): PValue => ({ ballot: b, slot, prop: op(slot) });
const sp = (slot: number): SlotProp => ({ slot, prop: op(slot) });
const cmd = (slot: number, acks: number[]): CommanderSpec => ({ ballot: b, slot, prop: op(slot), acks: new Set(acks) });
const set = <T>(key: (x: T) => string, xs: readonly T[]): Map<string, T> => new Map(xs.map((x) => [key(x), x]));
const withNode1 = (change: Partial<NodeSpec>): SpecState => ({ ...base, nodes: base.nodes.map((x, i) => (i === 1 ? { ...x, ...change } : x)) });

/** Each set twice: its elements in one order and in the reverse one. */
const variants: Record<string, (reversed: boolean) => SpecState> = {
  'scout.acks': (r) => withNode1({ scout: { ballot: b, acks: new Set(r ? [3, 1] : [1, 3]), pvalues: new Map(), mark: 1 } }),
  'scout.pvalues': (r) => withNode1({ scout: { ballot: b, acks: new Set([1]), pvalues: set(pvalueKey, r ? [pv(2), pv(1)] : [pv(1), pv(2)]), mark: 1 } }),
  aAccepted: (r) => withNode1({ aAccepted: set(pvalueKey, r ? [pv(2), pv(1)] : [pv(1), pv(2)]) }),
  lProposals: (r) => withNode1({ lProposals: set(slotPropKey, r ? [sp(2), sp(1)] : [sp(1), sp(2)]) }),
  commanders: (r) => withNode1({ commanders: set(commanderSpecKey, r ? [cmd(2, []), cmd(1, [1])] : [cmd(1, [1]), cmd(2, [])]) }),
  'commander.acks': (r) => withNode1({ commanders: set(commanderSpecKey, [cmd(1, r ? [2, 1] : [1, 2])]) }),
  rRequests: (r) => withNode1({ rRequests: set(propKey, r ? [op(2), op(1)] : [op(1), op(2)]) }),
  rProposals: (r) => withNode1({ rProposals: set(slotPropKey, r ? [sp(2), sp(1)] : [sp(1), sp(2)]) }),
  rDecisions: (r) => withNode1({ rDecisions: set(slotPropKey, r ? [sp(2), sp(1)] : [sp(1), sp(2)]) }),
  invoked: (r) => ({ ...base, invoked: set(propKey, r ? [op(2), op(1)] : [op(1), op(2)]) }),
  msgs: (r) => {
    const ms: SpecMessage[] = [{ type: 'Prepare', ballot: b }, { type: 'Join', node: 2 }, { type: 'Prepare', ballot: { num: 0, leader: 2 } }];
    return { ...base, msgs: set(messageKey, r ? [...ms].reverse() : ms) };
  },
};

describe('state codec and set order', () => {
  for (const [name, make] of Object.entries(variants)) {
    it(`encodes ${name} as a set: one vector and one fingerprint whatever the order its elements came in`, () => {
      const codec = new StateCodec(N);
      const [one, other] = [make(false), make(true)];
      expect(codec.encode(other).join()).toBe(codec.encode(one).join());
      // A codec that saw only the other order (ids given in another order) agrees on the fingerprint.
      const fresh = new StateCodec(N);
      expect(fresh.fingerprintOf(fresh.encode(other))).toEqual(codec.fingerprintOf(codec.encode(one)));
      // And the state differs from the base state (the variant changes something).
      expect(codec.encode(one).join()).not.toBe(codec.encode(base).join());
    });
  }
});
