/**
 * ReplicaReceiveWelcome given the decisions the step must leave (what a trace event shows) finds
 * the same successors with those decisions as the full list of assemblies, without listing it:
 * a long run's Welcome comes in tens of parts, several Welcomes at one slot give every index
 * several candidates, and the full list of a 5-minute chaos run's was 2^45 long.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { replicaReceiveWelcome } from '../../../src/trace/spec/fastSpec.js';
import { CORRECT_ASSEMBLY, assemblyCount, welcomeParts, type WelcomeMessage } from '../../../src/trace/spec/welcomeParts.js';
import { type NodeSpec, configFromConstants, copyNode, decisionsOf, initialState } from '../../../src/trace/spec/specState.js';
import { messageKey, propKey, slotPropKey } from '../../../src/trace/format/keys.js';
import type { Proposal, SlotProp, SpecMessage } from '../../../src/trace/format/types.js';

const NODE = 2;
const SLOT = 200;
const req = (clientId: number): Proposal => ({ caller: 1, clientId, input: `op-${clientId}` });
/** One decision per slot, as Agreement has it: the same slot decides the same request everywhere. */
const decision = (slot: number): SlotProp => ({ slot, prop: req(1000 + slot) });

function replicaHolding(slots: readonly number[]): NodeSpec {
  const x = copyNode(initialState(configFromConstants({ N: 3, Window: 5 })).nodes[NODE]!);
  let d = decisionsOf(x);
  for (const s of slots) d = d.with(slotPropKey(decision(s)), decision(s));
  x.rDecisions = d;
  return x;
}

/** The Welcomes of several senders (or of one, several times) at one slot, each in k parts, as msgs. */
function msgsOf(versions: ReadonlyArray<{ slots: readonly number[]; history: readonly Proposal[] }>, k: number): Map<string, SpecMessage> {
  const msgs = new Map<string, SpecMessage>();
  for (const v of versions) for (const m of welcomeParts(NODE, SLOT, v.slots.map(decision), v.history, k)) msgs.set(messageKey(m), m);
  return msgs;
}

const decisionKeys = (x: NodeSpec): string[] => [...decisionsOf(x).keys()].sort();
const signature = (x: NodeSpec): string => `${decisionKeys(x).join()}|${x.rExecuted.toArray().map(propKey).join()}`;

describe('ReplicaReceiveWelcome given the decisions it must leave', () => {
  it('has exactly the successors with those decisions that the full list has, and no successor outside it', () => {
    const history = fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 7 }).map((ids) => ids.map(req));
    const version = fc.record({ slots: fc.uniqueArray(fc.integer({ min: 1, max: 14 }), { maxLength: 9 }), other: fc.boolean(), history });
    fc.assert(fc.property(
      fc.integer({ min: 2, max: 4 }), fc.array(version, { minLength: 1, maxLength: 3 }), history,
      fc.uniqueArray(fc.integer({ min: 1, max: 14 }), { maxLength: 5 }), fc.uniqueArray(fc.integer({ min: 1, max: 14 }), { maxLength: 8 }),
      (k, vs, common, held, randomTarget) => {
        // Most versions carry one history (replicas at one slot agree); some another.
        const msgs = msgsOf(vs.map((v) => ({ slots: v.slots, history: v.other ? v.history : common })), k);
        const x = replicaHolding(held);
        for (const m of msgs.values()) {
          const full = replicaReceiveWelcome(NODE, x, m as WelcomeMessage, msgs);
          const all = new Set(full.map(([y]) => signature(y)));
          const targets = new Set([...full.map(([y]) => decisionKeys(y).join('\n')), [...new Set([...held, ...randomTarget])].map((s) => slotPropKey(decision(s))).sort().join('\n')]);
          for (const t of targets) {
            const after = new Set(t === '' ? [] : t.split('\n'));
            const guided = replicaReceiveWelcome(NODE, x, m as WelcomeMessage, msgs, CORRECT_ASSEMBLY, after);
            const withAfter = (ys: typeof full) => new Set(ys.filter(([y]) => decisionKeys(y).join('\n') === t).map(([y]) => signature(y)));
            expect(withAfter(guided)).toEqual(withAfter(full));
            for (const [y] of guided) expect(all.has(signature(y))).toBe(true);
            // A step whose decisions no assembly gives still has a successor to compare with, if any assembly exists.
            if (full.length > 0) expect(guided.length).toBeGreaterThan(0);
          }
        }
      },
    ), { numRuns: 300 });
  });

  it('finds the install of a Welcome in 60 parts sent three times with more decisions each time, of more than 10^27 assemblies', () => {
    const history = Array.from({ length: 600 }, (_, i) => req(i + 1));
    // The n decisions below the Welcome's slot: each version holds the last one's and 30 more.
    const slots = (n: number): number[] => Array.from({ length: n }, (_, i) => SLOT - 1 - i);
    const msgs = msgsOf([{ slots: slots(100), history }, { slots: slots(130), history }, { slots: slots(160), history }], 60);
    const x = replicaHolding([1, 2]);
    // A part only the third Welcome has (its lowest decision).
    const m = [...msgs.values()].find((w) => w.type === 'Welcome' && w.decisions.some((d) => d.slot === SLOT - 160))! as WelcomeMessage;
    expect(assemblyCount(m, msgs.values())).toBeGreaterThan(1e27);
    const after = new Set([1, 2, ...slots(160)].map((s) => slotPropKey(decision(s))));
    const found = replicaReceiveWelcome(NODE, x, m, msgs, CORRECT_ASSEMBLY, after);
    expect(found).toHaveLength(1);
    expect(decisionKeys(found[0]![0])).toEqual([...after].sort());
    expect(found[0]![0].rExecuted.toArray().map(propKey)).toEqual(history.map(propKey));
    // Decisions no assembly leaves (one of the Welcome's alone): a successor all the same, to show the difference.
    const none = replicaReceiveWelcome(NODE, x, m, msgs, CORRECT_ASSEMBLY, new Set([1, 2, SLOT - 1].map((s) => slotPropKey(decision(s)))));
    expect(none).toHaveLength(1);
    expect(decisionKeys(none[0]![0]).length).toBeGreaterThan(100);
  });
});
