/**
 * StateCodec.encodeStep, the search's encoding of a successor from its parent's vector (only
 * the acting node, the new messages and the counters change; a node's parts it shares with the
 * parent's node reuse the parent's part ids): it must give the vector, and so the fingerprint,
 * that encoding the successor state whole gives. The codec's own test encodes whole states
 * only, and the CI counts see a wrong reuse only where a model happens to reach the two states
 * it merges (a part id taken from the wrong part of the parent merged states of ci-restart but
 * none of ci-normal; rSnap's id taken from rExecuted's merges two children that differ only in
 * their snapshot, in no CI count). Here every transition of small models is checked as the
 * search makes it, and random nodes whose parts are shared with their parents' or not.
 */
import fc from 'fast-check';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { exploreModel } from '../../src/explore/model.js';
import { StateCodec } from '../../src/explore/stateCodec.js';
import { exploreSuccessors } from '../../src/explore/successors.js';
import { type Step, applyStep } from '../../src/trace/spec/fastSpec.js';
import type { Ballot, Proposal, SpecMessage } from '../../src/trace/format/types.js';
import { commanderSpecKey, ExecSeq, type NodeSpec, type SpecState, initialState } from '../../src/trace/spec/specState.js';
import { ExecutedIds } from '../../src/trace/spec/requestIds.js';
import { propKey, pvalueKey, slotPropKey } from '../../src/trace/format/keys.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Breadth-first over the model as explorer.ts steps (states viewed from their vectors), checking each transition. */
function checkEveryTransition(cfgPath: string, maxStates: number): { states: number; transitions: number } {
  const m = exploreModel(loadModel(cfgPath));
  const codec = new StateCodec(m.cfg.N);
  const whole = new StateCodec(m.cfg.N);
  const seen = new Set<string>();
  const queue: Int32Array[] = [codec.encode(initialState(m.cfg))];
  seen.add(queue[0]!.join());
  let transitions = 0;
  while (queue.length > 0 && seen.size < maxStates) {
    const v = queue.shift()!;
    const s = codec.view(v);
    for (const step of exploreSuccessors(m.cfg, s)) {
      transitions++;
      const child = codec.encodeStep(v, s, step);
      const next = applyStep(s, step);
      // Compared in another codec that encodes whole states only: encoding them in the search's
      // codec would record the right parts for the child's node over the wrong ones, and hide
      // what those do to the next transitions.
      expect(whole.encode(codec.decode(child)).join(), `${step.action} by ${step.n}`).toBe(whole.encode(next).join());
      expect(codec.fingerprintOf(child), `${step.action} by ${step.n}: fingerprint`).toEqual(whole.fingerprintOf(whole.encode(next)));
      const key = child.join();
      if (!seen.has(key)) { seen.add(key); queue.push(child); }
    }
  }
  return { states: seen.size, transitions };
}

describe('StateCodec.encodeStep', () => {
  it('gives every successor the vector and fingerprint of the whole state (client-answers)', () => {
    const r = checkEveryTransition(join(ROOT, 'test', 'spec', 'models', 'client-answers.cfg'), Infinity);
    expect(r.states).toBe(957);
    expect(r.transitions).toBeGreaterThan(2000);
  });

  it('does so with restarts and Welcomes (the first 1,500 states of ci-restart)', () => {
    const r = checkEveryTransition(join(ROOT, 'spec', 'ci-restart.cfg'), 1500);
    expect(r.states).toBeGreaterThanOrEqual(1500);
  });

  it('gives a node that shares some parts with its parent\'s the whole node\'s vector, whatever parts are empty or shared', () => {
    // A part id taken from another part of the parent (a wrong offset) is seen only when it
    // names a node the codec knows: two parts' texts are alike only when both are empty, so
    // nodes here have empty parts often, and the codec knows the child's one-part variants.
    const op = (clientId: number): Proposal => ({ caller: 1, clientId, input: 'op' });
    const b = (num: number): Ballot => ({ num, leader: 1 });
    const set = <T>(key: (x: T) => string, xs: T[]) => new Map(xs.map((x) => [key(x), x]));
    const pools: Record<string, Array<() => Partial<NodeSpec>>> = {
      aBallot: [() => ({ aBallot: b(0) }), () => ({ aBallot: b(1) })],
      aAccepted: [() => ({ aAccepted: new Map() }), ...[1, 2].map((c) => () => ({ aAccepted: set(pvalueKey, [{ ballot: b(0), slot: 1, prop: op(c) }]) }))],
      aMark: [() => ({ aMark: 1 }), () => ({ aMark: 2 })],
      lBallot: [() => ({ lBallot: b(0) }), () => ({ lBallot: b(1) })],
      lActive: [() => ({ lActive: false }), () => ({ lActive: true })],
      lProposals: [() => ({ lProposals: new Map() }), ...[1, 2].map((c) => () => ({ lProposals: set(slotPropKey, [{ slot: 1, prop: op(c) }]) }))],
      lMark: [() => ({ lMark: 1 }), () => ({ lMark: 2 })],
      scout: [() => ({ scout: null }), ...[1, 2].map((mark) => () => ({ scout: { ballot: b(0), acks: new Set<number>(), pvalues: new Map(), mark } }))],
      commanders: [() => ({ commanders: new Map() }), ...[1, 2].map((c) => () => ({ commanders: set(commanderSpecKey, [{ ballot: b(0), slot: 1, prop: op(c), acks: new Set([1]) }]) }))],
      rSlotIn: [() => ({ rSlotIn: 1 }), () => ({ rSlotIn: 2 })],
      rSlotOut: [() => ({ rSlotOut: 1 }), () => ({ rSlotOut: 2 })],
      rRequests: [() => ({ rRequests: new Map() }), ...[1, 2].map((c) => () => ({ rRequests: set(propKey, [op(c)]) }))],
      rProposals: [() => ({ rProposals: new Map() }), ...[1, 2].map((c) => () => ({ rProposals: set(slotPropKey, [{ slot: 1, prop: op(c) }]) }))],
      rDecisions: [() => ({ rDecisions: new Map() }), ...[1, 2].map((c) => () => ({ rDecisions: set(slotPropKey, [{ slot: 1, prop: op(c) }]) }))],
      rExecuted: [() => ({ rExecuted: ExecSeq.EMPTY, rExecutedIds: ExecutedIds.of([]) }), ...[1, 2].map((c) => () => ({ rExecuted: ExecSeq.of([op(c)]), rExecutedIds: ExecutedIds.of([op(c)]) }))],
      rSnap: [() => ({ rSnap: { slot: 1, executed: ExecSeq.EMPTY } }), () => ({ rSnap: { slot: 2, executed: ExecSeq.EMPTY } }), () => ({ rSnap: { slot: 2, executed: ExecSeq.of([op(1)]) } })],
    };
    const names = Object.keys(pools);
    const choice = fc.tuple(...names.map((k) => fc.nat({ max: pools[k]!.length - 1 })));
    const cfg = { N: 2, Window: 1, bounds: {} };
    const init = initialState(cfg);
    const withNode1 = (x: NodeSpec): SpecState => ({ ...init, nodes: [init.nodes[0]!, x, init.nodes[2]!] });
    const build = (picks: number[]): NodeSpec => Object.assign({ ...init.nodes[1]! }, ...names.map((k, i) => pools[k]![picks[i]!]!()));
    const flags = fc.array(fc.boolean(), { minLength: names.length, maxLength: names.length });
    // Two parents that differ in some parts (`other`), and one step taken by both: it changes
    // the parts `changed` alike and keeps each parent's others, so the two children differ
    // where the parents do and in no part the step changes.
    fc.assert(fc.property(choice, choice, flags, choice, flags, (parentPicks, childPicks, changed, otherPicks, other) => {
      const codec = new StateCodec(2);
      const whole = new StateCodec(2);
      const parents = [build(parentPicks), build(parentPicks.map((p, i) => (other[i] ? otherPicks[i]! : p)))];
      const steps = parents.map((parent) => {
        const v = codec.encode(withNode1(parent));
        const s = codec.view(v);
        // The child keeps the parent's (interned) objects where it does not change a part.
        const child: NodeSpec = Object.assign({ ...s.nodes[1]! }, ...names.map((k, i) => (changed[i] ? pools[k]![childPicks[i]!]!() : {})));
        return { v, s, step: { action: 'AcceptorReceivePrepare', n: 1, node: child, sent: [] } satisfies Step };
      });
      // The codec knows each child's one-part variants (the nodes a wrong part id could name).
      for (const { step } of steps) for (const k of names) for (const make of pools[k]!) codec.encode(withNode1({ ...step.node, ...make() }));
      // Both steps first (as the search takes them), then each child against its whole state.
      const children = steps.map(({ v, s, step }) => codec.encodeStep(v, s, step));
      steps.forEach(({ s, step }, i) => {
        const next = applyStep(s, step);
        expect(whole.encode(codec.decode(children[i]!)).join(), `child ${i}`).toBe(whole.encode(next).join());
        expect(codec.fingerprintOf(children[i]!), `child ${i}: fingerprint`).toEqual(whole.fingerprintOf(whole.encode(next)));
      });
    }), { numRuns: 300 });
  });

  it('adds a message a step sends twice once, and one already sent not again', () => {
    const cfg = { N: 2, Window: 1, bounds: {} };
    const codec = new StateCodec(2);
    const init = initialState(cfg);
    const prepare: SpecMessage = { type: 'Prepare', ballot: { num: 0, leader: 1 } };
    const join1: SpecMessage = { type: 'Join', node: 1 };
    const step: Step = { action: 'LeaderSpawnScout', n: 1, node: init.nodes[1]!, sent: [prepare, join1, prepare] };
    const v = codec.encode(init);
    const child = codec.encodeStep(v, codec.view(v), step);
    const next = applyStep(init, step);
    expect(next.msgs.size).toBe(2);
    expect(child.join()).toBe(codec.encode(next).join());
    // Sent again from the child: nothing new.
    const again = codec.encodeStep(child, codec.view(child), step);
    expect(again.join()).toBe(child.join());
  });
});
