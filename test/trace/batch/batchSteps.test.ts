/**
 * Two of the spec's batch rules, checked step by step in fastSpec's stepsFor and, for the
 * second, against spec/MultiPaxos.tla itself through the embedded oracle:
 *  - IsWaitingBatch: a batch is a sequence of *distinct* waiting requests
 *    (`Cardinality(Range(q)) = Len(q)`; LongBatches are DistinctSeqs), so ReplicaPropose of
 *    [r, r] is not a step, even with two requests waiting and BatchMax = 2;
 *  - ReplicaReceiveInvoke: a request the replica knows is ignored, and Known(n, p) looks inside
 *    the batches of rDecisions (`\E d \in rDecisions[n] : InBatch(p, d.prop)`), so an Invoke of
 *    a request decided in a batch of two, not yet executed, is not queued again.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { type CheckOptions, type TraceVerdict, formatVerdict } from '../../../src/trace/replay/check.js';
import { stepsFor } from '../../../src/trace/spec/fastSpec.js';
import { ROLE_OF } from '../../../src/trace/spec/specWalk.js';
import { propKey } from '../../../src/trace/format/keys.js';
import type { FullTraceEvent, Proposal, SpecMessage, TraceHeader } from '../../../src/trace/format/types.js';
import { traceFiles } from '../traceFiles.js';
import { ScriptedTrace, batch } from './scriptedTrace.js';
import { CONSTANTS, get, set } from './runs.js';

const files = traceFiles('batch-steps-');
afterAll(() => rmSync(files.dir, { recursive: true, force: true }));
const check = (h: TraceHeader, evs: readonly unknown[], opts: CheckOptions = {}): TraceVerdict => files.checkEvents(h, evs, opts);
const invokeOf = (t: ScriptedTrace, r: Proposal): Extract<SpecMessage, { type: 'Invoke' }> => {
  const found = [...t.specState.msgs.values()].filter((m): m is Extract<SpecMessage, { type: 'Invoke' }> => m.type === 'Invoke' && propKey(m.prop) === propKey(r));
  expect(found).toHaveLength(1);
  return found[0]!;
};

/** Node 1's client invokes r1 and r2 and its replica receives both: two requests wait, BatchMax = 2. */
function twoWaiting(): { t: ScriptedTrace; r1: Proposal; r2: Proposal } {
  const t = new ScriptedTrace(CONSTANTS);
  const r1 = t.invoke(1, 1, set('a', '1'));
  const r2 = t.invoke(1, 2, get('a'));
  for (const r of [r1, r2]) t.receive('ReplicaReceiveInvoke', 1, 'Invoke', (m) => m.type === 'Invoke' && m.prop.clientId === r.clientId);
  return { t, r1, r2 };
}

describe('IsWaitingBatch: a batch lists distinct requests', () => {
  it('ReplicaPropose of [r1, r1] has no step, with r1 and r2 waiting and BatchMax = 2; [r1, r2] and [r2, r1] have one', () => {
    const { t, r1, r2 } = twoWaiting();
    const s = t.specState;
    expect(CONSTANTS.BatchMax).toBe(2);
    expect(s.nodes[1]!.rRequests.size).toBe(2);
    expect(stepsFor(t.specConfig, s, 'ReplicaPropose', 1, { proposal: batch(r1, r2) })).toHaveLength(1);
    expect(stepsFor(t.specConfig, s, 'ReplicaPropose', 1, { proposal: batch(r2, r1) })).toHaveLength(1);
    expect(stepsFor(t.specConfig, s, 'ReplicaPropose', 1, { proposal: batch(r1, r1) })).toEqual([]);
    expect(stepsFor(t.specConfig, s, 'ReplicaPropose', 1, { proposal: batch(r2, r2) })).toEqual([]);
  });
});

describe('ReplicaReceiveInvoke: a request decided inside a batch not yet executed is known', () => {
  /**
   * Node 1 proposes [r1, r2] for slot 1, which leader 1 gets decided; node 1 restarts (its
   * proposals and waiting requests gone, no snapshot), then learns slot 1's decision and has
   * not executed it. The Invokes of r1 and r2 are still in msgs.
   */
  function decidedNotExecuted() {
    const { t, r1, r2 } = twoWaiting();
    t.propose(1, batch(r1, r2));
    t.elect(1, [1, 2]);
    t.decide(1, 1, [1, 2]);
    t.act('NodeRestart', 1);
    t.learn(1, 1);
    const x = t.specState.nodes[1]!;
    expect(x.rRequests.size).toBe(0);
    expect(x.rProposals.size).toBe(0);
    expect(x.rExecuted.length).toBe(0);
    expect([...x.rDecisions.values()]).toEqual([{ slot: 1, prop: batch(r1, r2) }]);
    return { t, r1, r2 };
  }

  it('the Invoke of r1 (or r2) has no step; a new request\'s Invoke is queued', () => {
    const { t, r1, r2 } = decidedNotExecuted();
    for (const r of [r1, r2]) expect(stepsFor(t.specConfig, t.specState, 'ReplicaReceiveInvoke', 1, { message: invokeOf(t, r) })).toEqual([]);
    const r3 = t.invoke(1, 3, set('b', '3'));
    const steps = stepsFor(t.specConfig, t.specState, 'ReplicaReceiveInvoke', 1, { message: invokeOf(t, r3) });
    expect(steps).toHaveLength(1);
    expect([...steps[0]!.node.rRequests.values()]).toEqual([r3]);
  });

  it('a trace whose replica queues r1 again there is rejected at that line, by the .tla itself and by the fast replay', () => {
    const { t, r1 } = decidedNotExecuted();
    const events = t.events;
    const last = events.filter((e) => e.node === 1).at(-1)!;
    const requeue: FullTraceEvent = {
      node: 1, seq: last.seq + 1, clock: events.at(-1)!.clock + 1, role: ROLE_OF['ReplicaReceiveInvoke']!, action: 'ReplicaReceiveInvoke',
      params: { message: invokeOf(t, r1) }, sent: [], state: { ...structuredClone(last.state), rRequests: [r1] },
    };
    // The run up to there passes both oracles.
    for (const opts of [{}, { fast: false, embedded: true }] as CheckOptions[]) {
      const v = check(t.header, events, opts);
      expect(v.ok, formatVerdict(v)).toBe(true);
    }
    const line = events.length + 2;
    const embedded = check(t.header, [...events, requeue], { fast: false, embedded: true });
    expect(embedded.failure, formatVerdict(embedded)).toMatchObject({ kind: 'spec', oracle: 'embedded', line, action: 'ReplicaReceiveInvoke' });
    const fast = check(t.header, [...events, requeue]);
    expect(fast.ok, formatVerdict(fast)).toBe(false);
    expect(fast.failure, formatVerdict(fast)).toMatchObject({ kind: 'spec', line, action: 'ReplicaReceiveInvoke' });
  }, 120_000);
});
