/**
 * With checkpoints, every event's compact delta (what the roles report: rSnap, the marks,
 * rExecuted cut back by a restart or a rejoin) must rebuild exactly the node's whole spec
 * state at that event, in a simulated cluster with crashes, compaction and Welcomes.
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
    const sink = (e: TraceEvent) => {
      const whole = canonical(JSON.parse(JSON.stringify(e.state))); // built now, before the delta is taken
      const decoded = decoder.decode(encoder.encode(e as unknown as FileEvent));
      expect(canonical(decoded.state), `node ${e.node} event ${e.seq} ${e.action}`).toEqual(whole);
      seen.set(e.action, (seen.get(e.action) ?? 0) + 1);
      compared++;
    };
    const run = runScenario({
      seed: 4, nodes, app: 'bank', workload: { clients: 5, ops: 30 },
      schedule: scheduleOf({ loss: 0.02 }, [{ kind: 'crash', at: 150, node: 3, restart: 2_500 }, { kind: 'killLeader', at: 1_000, restart: 1_800 }]),
    }, { checkpointEvery: 5, eventLog: false, trace: () => sink });
    expect(run.violations).toEqual([]);
    expect(compared).toBeGreaterThan(1_000);
    for (const action of ['ReplicaSnapshot', 'AcceptorCompact', 'LeaderCompact', 'NodeRestart', 'ReplicaReceiveWelcome']) expect(seen.get(action) ?? 0, action).toBeGreaterThan(0);
  });
});
