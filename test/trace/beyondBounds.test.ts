/**
 * The fast encoding against the .tla at states no CI model reaches, built by hand: the graph
 * conformance (ci-restart: Window 1, MaxSlot 1, no checkpoints) and the sampled runs never meet
 * them, and a planted difference in each passed every other test. At each state the successors
 * the .tla gives (explore_next) must be those the encoding gives, and the one that differs when
 * the encoding is wrong is looked at by name.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC_PATH, cfgText, exploreNext } from '../../src/trace/replay/tlaEngine.js';
import { fromTla, stateKey, toTla } from '../../src/trace/replay/tlaCodec.js';
import { allSteps, applyStep } from '../../src/trace/spec/fastSpec.js';
import { type CommanderSpec, type NodeSpec, type SpecState, ExecSeq, commanderSpecKey, configFromConstants, initialState } from '../../src/trace/spec/specState.js';
import { ExecutedIds } from '../../src/trace/spec/requestIds.js';
import { messageKey, propKey, pvalueKey, slotPropKey } from '../../src/trace/format/keys.js';
import type { Ballot, PValue, Proposal, SlotProp, SpecMessage } from '../../src/trace/format/types.js';
import { SMALL_MODEL } from './conformanceModel.js';

// SMALL_MODEL (two leaders, a window of two, two slots, a restart, checkpoints on both nodes)
// with two requests per caller, so that node 1's client has two.
const MODEL = { ...SMALL_MODEL, RequestsPerCaller: 2 };
const SPEC = readFileSync(DEFAULT_SPEC_PATH, 'utf8');
const CFG = cfgText(MODEL as never, 'Next');
const TS_CFG = configFromConstants(MODEL as never);

const A1: Proposal = { caller: 1, clientId: 1, input: 'op' };
const A2: Proposal = { caller: 1, clientId: 2, input: 'op' };
const B: Proposal = { caller: 2, clientId: 1, input: 'op' };
const B0: Ballot = { num: 0, leader: 1 };

const setOf = <T>(xs: T[], key: (x: T) => string): Map<string, T> => new Map(xs.map((x) => [key(x), x]));
const decisions = (...ds: SlotProp[]): Map<string, SlotProp> => setOf(ds, slotPropKey);
const history = (...ps: Proposal[]): Pick<NodeSpec, 'rExecuted' | 'rExecutedIds'> => ({ rExecuted: ExecSeq.of(ps), rExecutedIds: ExecutedIds.of(ps) });

/** Init with the given node changes, messages, restarts and every request invoked. */
function state(nodes: Record<number, Partial<NodeSpec>>, msgs: SpecMessage[], restarts = 0): SpecState {
  const base = initialState(TS_CFG);
  return {
    msgs: setOf(msgs, messageKey),
    invoked: setOf([A1, A2, B], propKey),
    restarts,
    nodes: base.nodes.map((x, n) => (nodes[n] === undefined ? x : { ...x, ...nodes[n] })),
  };
}

interface Successor { action: string; state: SpecState }

/** The successors of `s` by the .tla, after checking that the encoding gives the same ones. */
function successors(s: SpecState): Successor[] {
  const bySpec = exploreNext(SPEC, CFG, toTla(s, 2)).map((t) => ({ action: t.action, state: fromTla(t.state).state }));
  const keys = (xs: Successor[]) => [...new Set(xs.map((x) => `${x.action}\n${stateKey(x.state, 2)}`))].sort();
  const byTs = allSteps(TS_CFG, s).map((step) => ({ action: step.action, state: applyStep(s, step) }));
  expect(keys(byTs)).toEqual(keys(bySpec));
  return bySpec;
}

const only = (xs: Successor[], action: string): SpecState => {
  const found = xs.filter((x) => x.action === action);
  expect(found, action).toHaveLength(1);
  return found[0]!.state;
};

describe('the fast encoding equals the .tla beyond the CI models\' bounds', () => {
  it('a Welcome leaves a replica\'s next proposal slot where it is when it skipped past the Welcome\'s slot (Max(rSlotIn, slot))', () => {
    // Node 2 restarted, learnt slots 1 and 2 decided and, with B waiting, skipped both (a window
    // of two): rSlotIn 3, rSlotOut 1, no proposals. Node 1 executed slot 1 and welcomes it at 2.
    const welcome: SpecMessage = { type: 'Welcome', node: 2, slot: 2, decisions: [{ slot: 1, prop: A1 }, { slot: 2, prop: A2 }], executed: [A1] };
    const next = successors(state({
      1: { rSlotIn: 3, rSlotOut: 2, rDecisions: decisions({ slot: 1, prop: A1 }, { slot: 2, prop: A2 }), ...history(A1) },
      2: { lBallot: { num: 1, leader: 2 }, rSlotIn: 3, rSlotOut: 1, rRequests: setOf([B], propKey), rDecisions: decisions({ slot: 1, prop: A1 }, { slot: 2, prop: A2 }) },
    }, [{ type: 'Join', node: 2 }, welcome], 1));
    const welcomed = only(next, 'ReplicaReceiveWelcome').nodes[2]!;
    expect(welcomed.rSlotOut).toBe(2);
    expect(welcomed.rSlotIn).toBe(3);
  });

  it('an acceptor\'s compaction keeps its leader\'s commander at the mark itself (slot >= mark)', () => {
    // Node 1 executed slot 1 and snapshotted at 2; its leader still drives slot 2 (one ack).
    const pv = (slot: number, prop: Proposal): PValue => ({ ballot: B0, slot, prop });
    const commander: CommanderSpec = { ballot: B0, slot: 2, prop: A2, acks: new Set([1]) };
    const next = successors(state({
      1: {
        aBallot: B0, aAccepted: setOf([pv(1, A1), pv(2, A2)], pvalueKey), lBallot: B0, lActive: true,
        lProposals: decisions({ slot: 1, prop: A1 }, { slot: 2, prop: A2 }), commanders: new Map([[commanderSpecKey(commander), commander]]),
        rSlotIn: 3, rSlotOut: 2, rProposals: decisions({ slot: 2, prop: A2 }), rDecisions: decisions({ slot: 1, prop: A1 }),
        ...history(A1), rSnap: { slot: 2, executed: ExecSeq.of([A1]) },
      },
    }, [{ type: 'Accept', ballot: B0, slot: 2, prop: A2 }]));
    const compacted = only(next, 'AcceptorCompact').nodes[1]!;
    expect(compacted.aMark).toBe(2);
    expect([...compacted.commanders.values()].map((c) => c.slot)).toEqual([2]);
    expect([...compacted.lProposals.values()].map((d) => d.slot)).toEqual([2]);
  });

  it('a request of a batch that lost its slot waits again even if the replica executed it (lost is not filtered by ExecutedIds)', () => {
    // Node 1 proposed A1 for slot 2 (again, after a restart) while slot 1, where it had been
    // proposed first, was decided A1; slot 2 went to node 2's B.
    const next = successors(state({
      1: {
        rSlotIn: 3, rSlotOut: 2, rRequests: setOf([A2], propKey), rProposals: decisions({ slot: 2, prop: A1 }),
        rDecisions: decisions({ slot: 1, prop: A1 }, { slot: 2, prop: B }), ...history(A1),
      },
    }, []));
    const executed = only(next, 'ReplicaExecute').nodes[1]!;
    expect(executed.rExecuted.toArray()).toEqual([A1, B]);
    expect([...executed.rRequests.keys()].sort()).toEqual([propKey(A1), propKey(A2)].sort());
  });
});
