/**
 * With checkpoints, every event's compact delta (what the roles report: rSnap, the marks,
 * rExecuted cut back by a restart or a rejoin) must rebuild exactly the node's whole spec
 * state at that event, in a simulated cluster with crashes, compaction and Welcomes.
 * AcceptorCompact also moves its node's leader past the new mark in the same step, so its
 * event must show the leader's lMark raised; LeaderCompact is left to a leader restarted
 * after its acceptor compacted (its lMark is volatile, the acceptor's mark durable).
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/node/api.js';
import { runScenario } from '../../src/sim/scenario.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import { DeltaDecoder, DeltaEncoder } from '../../src/trace/format/deltaEncoder.js';
import { SET_FIELDS, type FullTraceEvent as FileEvent } from '../../src/trace/format/types.js';

/** Sets compare as sets: a decoder keeps the order elements were added in. */
function canonical(state: unknown): unknown {
  const s = { ...(state as Record<string, unknown[]>) };
  for (const f of SET_FIELDS) s[f] = [...s[f]!].map((x) => JSON.stringify(x)).sort();
  return s;
}

describe('checkpoint traces', () => {
  it('rebuild each event\'s whole state from the deltas the roles report', () => {
    const nodes = 5;
    const encoder = new DeltaEncoder(nodes);
    const decoder = new DeltaDecoder(nodes);
    const seen = new Map<string, number>();
    let compared = 0;
    // AcceptorCompact events that raised their leader's mark (it was below the new mark before).
    let leaderMovedByAcceptor = 0;
    const lMarkBefore = new Map<number, number>();
    const sink = (e: TraceEvent) => {
      const whole = canonical(JSON.parse(JSON.stringify(e.state))); // built now, before the delta is taken
      const decoded = decoder.decode(encoder.encode(e as unknown as FileEvent));
      expect(canonical(decoded.state), `node ${e.node} event ${e.seq} ${e.action}`).toEqual(whole);
      seen.set(e.action, (seen.get(e.action) ?? 0) + 1);
      compared++;
      const { aMark, lMark, lProposals, commanders } = e.state;
      if (e.action === 'AcceptorCompact') {
        const where = `node ${e.node} event ${e.seq}`;
        expect(lMark, where).toBeGreaterThanOrEqual(aMark);
        expect(lProposals.filter((d) => d.slot < aMark), where).toEqual([]);
        expect(commanders.filter((c) => c.slot < aMark), where).toEqual([]);
        if ((lMarkBefore.get(e.node) ?? 1) < aMark) leaderMovedByAcceptor++;
      }
      lMarkBefore.set(e.node, lMark);
    };
    const run = runScenario({
      seed: 4, nodes, app: 'bank', workload: { clients: 5, ops: 30 },
      // The last leader killed comes back at once and scouts again: LeaderCompact.
      schedule: scheduleOf({ loss: 0.02 }, [{ kind: 'crash', at: 150, node: 3, restart: 2_500 }, { kind: 'killLeader', at: 1_000, restart: 1_800 },
        { kind: 'killLeader', at: 2_200, restart: 2_210 }]),
    }, { checkpointEvery: 5, eventLog: false, trace: () => sink });
    expect(run.violations).toEqual([]);
    expect(compared).toBeGreaterThan(1_000);
    expect(leaderMovedByAcceptor).toBeGreaterThan(0);
    for (const action of ['ReplicaSnapshot', 'AcceptorCompact', 'LeaderCompact', 'NodeRestart', 'ReplicaReceiveWelcome']) expect(seen.get(action) ?? 0, action).toBeGreaterThan(0);
  });
});
