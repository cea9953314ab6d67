/**
 * A request's identity is its caller and id (the spec's ReqId). The .tla and the fast encoding
 * must agree on it where it differs from comparing whole requests: two requests with one id and
 * two inputs. No CI model has such a pair (their one input is "op"), so these states are built
 * by hand, and each is compared with the engine: the successors the .tla gives must be those the
 * encoding gives, and the id must decide.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExecutedIds } from '../../src/trace/spec/requestIds.js';
import { DEFAULT_SPEC_PATH, cfgText, exploreInit, exploreNext } from '../../src/trace/replay/tlaEngine.js';
import { fromTla, stateKey, type TlaState } from '../../src/trace/replay/tlaCodec.js';
import { allSteps, applyStep } from '../../src/trace/spec/fastSpec.js';
import { configFromConstants, type SpecState } from '../../src/trace/spec/specState.js';
import type { Proposal } from '../../src/trace/format/types.js';
import { SMALL_MODEL } from './conformanceModel.js';

const SPEC = readFileSync(DEFAULT_SPEC_PATH, 'utf8');
const CFG = cfgText(SMALL_MODEL as never, 'Next');
const TS_CFG = configFromConstants(SMALL_MODEL as never);
const INIT = exploreInit(SPEC, CFG)[0]!;

/** Request 1 of caller 1 as the model invokes it, and another request with its id. */
const A: Proposal = { caller: 1, clientId: 1, input: 'op' };
const SAME_ID: Proposal = { caller: 1, clientId: 1, input: 'other' };

const tuple = (...xs: unknown[]) => ({ __tuple: xs });
/** Sets node 1's entry of a per-node variable (a TLA tuple over nodes 1..2). */
function setNode1(s: TlaState, v: string, value: unknown): void {
  (s[v] as { __tuple: unknown[] }).__tuple[0] = value;
}

function crafted(change: (s: TlaState) => void): TlaState {
  const s = structuredClone(INIT);
  change(s);
  return s;
}

/** Node 1's replica has executed SAME_ID in slot 1 and is at slot 2. */
function executedSameId(s: TlaState): void {
  setNode1(s, 'rExecuted', tuple(SAME_ID));
  setNode1(s, 'rSlotOut', 2);
  setNode1(s, 'rSlotIn', 2);
  s.invoked = [SAME_ID];
}

interface Successor { action: string; state: SpecState }

/** The successors of `raw` by the .tla, after checking that the encoding gives the same ones. */
function successors(raw: TlaState): Successor[] {
  const here = fromTla(raw).state;
  const bySpec = exploreNext(SPEC, CFG, raw).map((t) => ({ action: t.action, state: fromTla(t.state).state }));
  const keys = (xs: Successor[]) => xs.map((x) => `${x.action}\n${stateKey(x.state, 2)}`).sort();
  const byTs = allSteps(TS_CFG, here).map((step) => ({ action: step.action, state: applyStep(here, step) }));
  expect(keys(byTs)).toEqual([...new Set(keys(bySpec))]);
  return bySpec;
}

describe('a request is named by its caller and id (ReqId), in the .tla and the fast encoding alike', () => {
  it('a caller never invokes a second request with an id it used, whatever its input', () => {
    const next = successors(crafted((s) => { s.invoked = [SAME_ID]; }));
    const invokes = next.filter((x) => x.action === 'RequesterInvoke');
    // Caller 2 may still invoke its request; caller 1's only id is taken.
    expect(invokes.length).toBe(1);
    for (const x of invokes) expect([...x.state.invoked.values()].map((p) => p.caller).sort()).toEqual([1, 2]);
  });

  it('a replica does not execute a request whose id it executed', () => {
    const next = successors(crafted((s) => {
      executedSameId(s);
      setNode1(s, 'rDecisions', [{ slot: 1, prop: SAME_ID }, { slot: 2, prop: A }]);
    }));
    const executes = next.filter((x) => x.action === 'ReplicaExecute');
    expect(executes.length).toBe(1);
    const node = executes[0]!.state.nodes[1]!;
    expect(node.rSlotOut).toBe(3);
    expect(node.rExecuted.toArray()).toEqual([SAME_ID]);
  });

  it('an Invoke of an executed id is answered with where that id stands in the history', () => {
    const next = successors(crafted((s) => {
      executedSameId(s);
      s.msgs = [{ type: 'Invoke', replica: 1, prop: A }];
    }));
    const answers = next.filter((x) => x.action === 'ReplicaReceiveInvoke');
    expect(answers.length).toBe(1);
    const sent = [...answers[0]!.state.msgs.values()].filter((m) => m.type === 'Invoked');
    expect(sent).toEqual([{ type: 'Invoked', replica: 1, prop: A, index: 1 }]);
  });
});

describe('ExecutedIds', () => {
  const id = fc.record({ caller: fc.integer({ min: 1, max: 3 }), clientId: fc.integer({ min: 1, max: 40 }) });

  it('holds exactly the ids added, in any order, and leaves earlier versions as they were', () => {
    fc.assert(fc.property(fc.array(id, { maxLength: 80 }), fc.array(id, { maxLength: 20 }), (added, probes) => {
      const naive = new Set<string>();
      let ids = ExecutedIds.EMPTY;
      const versions: [ExecutedIds, Set<string>][] = [];
      for (const x of added) {
        ids = ids.with({ ...x, input: 'op' });
        naive.add(`${x.caller}:${x.clientId}`);
        versions.push([ids, new Set(naive)]);
      }
      for (const [v, expected] of versions) {
        for (const p of [...added, ...probes]) expect(v.has({ ...p, input: 'x' })).toBe(expected.has(`${p.caller}:${p.clientId}`));
      }
    }));
  });

  it('keeps a caller whose ids were all executed as one range, whatever the order', () => {
    fc.assert(fc.property(fc.shuffledSubarray(Array.from({ length: 200 }, (_, i) => i + 1), { minLength: 200 }), (order) => {
      const ids = ExecutedIds.of(order.map((clientId) => ({ caller: 1, clientId, input: 'op' })));
      expect(ids.ranges).toBe(1);
    }));
  });
});
