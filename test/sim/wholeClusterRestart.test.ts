/**
 * A whole cluster restarts with checkpoints on (docs/design-checkpoints.md): node 2 crashes
 * first, the other two go on, snapshot and compact past it, then they crash too. The nodes
 * come back one by one. The first back, node 1, waits in vain for a Welcome, then, still a
 * Bootstrap restored from its snapshot, welcomes node 2 (spec NodeRestart, then
 * ReplicaReceiveJoin for the replica it will host), whose own snapshot is older: node 2
 * installs that Welcome. It must carry node 1's restored application state at its snapshot's
 * slot: the slots below it are compacted everywhere, so a joiner given the initial state there
 * never gets their effects, and its state differs from the others' for good.
 */
import { describe, expect, it } from 'vitest';
import type { Join } from '../../src/protocol/messages.js';
import { Node } from '../../src/node/node.js';
import type { RoleHost } from '../../src/node/role.js';
import { Bootstrap } from '../../src/roles/bootstrap.js';
import { canonicalJson } from '../../src/statemachines/digest.js';
import { describeFailure, runScenario, type Scenario } from '../../src/sim/scenario.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import type { NodeFactory } from '../../src/sim/simulator.js';
import type { TrackedState } from '../../src/sim/tracking.js';

/**
 * Node 2 is down from 200 ms (the others elect a leader and go on); all three are down from
 * 2,000 to 2,500 ms. Node 1 comes back first and has waited in vain (3 Joins, 500 ms apart:
 * DEFAULT_TIMING) when node 2 comes back; node 3 comes back last.
 */
const CRASH_AT: Record<number, number> = { 1: 2_000, 2: 200, 3: 2_000 };
const RESTART_AT: Record<number, number> = { 1: 2_500, 2: 4_500, 3: 6_000 };

function scenario(seed: number): Scenario {
  return {
    seed, nodes: 3, app: 'bank', workload: { clients: 3, ops: 20 }, checkpointEvery: 4,
    schedule: scheduleOf({}, [1, 2, 3].map((node) => ({ kind: 'crash' as const, at: CRASH_AT[node]!, node, restart: RESTART_AT[node]! }))),
  };
}

/** A Welcome a restored Bootstrap sent: by whom, to whom, at which restored slot. */
interface RestoredWelcome { by: number; to: number; slot: number }

/**
 * The real nodes, whose Bootstrap notes the slot of the snapshot its node restarted from (the
 * first Bootstrap of each node: the nodes start as members) and each Join it answers while
 * restored from one.
 */
function spying(welcomes: RestoredWelcome[], restoredAt: Map<number, number | undefined>): NodeFactory {
  class SpyBootstrap extends Bootstrap {
    constructor(host: RoleHost) {
      super(host);
      if (!restoredAt.has(host.self)) restoredAt.set(host.self, this.restored?.slot); // its restart (a later Bootstrap is a rejoin)
    }
    override receiveJoin(m: Join): void {
      const answers = m.node !== this.host.self && this.unanswered >= this.host.timing.joinsBeforeWelcomingPeers;
      if (answers && this.restored !== undefined) welcomes.push({ by: this.host.self, to: m.node, slot: this.restored.slot });
      super.receiveJoin(m);
    }
  }
  return (id, peers, options, env) => new Node(id, peers, env, { ...options, roles: { ...options.roles, Bootstrap: SpyBootstrap } });
}

describe('a whole cluster restarting from its snapshots, one node after another', () => {
  it.each([1, 2, 3])('seed %i: the late nodes are welcomed with the restored state, and every replica ends with the same state', (seed) => {
    const s = scenario(seed);
    const welcomes: RestoredWelcome[] = [];
    const restoredAt = new Map<number, number | undefined>();
    const r = runScenario(s, { createNode: spying(welcomes, restoredAt), countActions: true, eventLog: false });
    const why = describeFailure(s, r, [
      `welcomes from restored Bootstraps: ${JSON.stringify(welcomes)}`, `restored at: ${JSON.stringify([...restoredAt])}`,
    ]);

    // The scenario does what it is for: every node crashed and came back, after snapshots
    // and compactions, and node 1's restored Bootstrap welcomed node 2 at a slot past node
    // 2's own snapshot (so node 2 installs the Welcome rather than ignoring it).
    expect(r.result.stats.crashes, why).toBe(3);
    expect(r.result.stats.restarts, why).toBe(3);
    expect(r.result.stats.actions['ReplicaSnapshot'] ?? 0, why).toBeGreaterThan(3);
    expect(r.result.stats.actions['AcceptorCompact'] ?? 0, why).toBeGreaterThan(0);
    const node2From = restoredAt.get(2) ?? 1;
    expect(welcomes.filter((w) => w.by === 1 && w.to === 2 && w.slot > node2From), why).not.toEqual([]);

    // All three nodes live at the end, in the same state (the bank's and the executed requests).
    const finals = [1, 2, 3].map((id) => r.result.finalStates.get(id) as TrackedState<unknown> | undefined);
    expect(finals.every((f) => f !== undefined), why).toBe(true);
    const apps = finals.map((f) => canonicalJson(f!.app));
    expect(apps, `${why}\n  the replicas' bank states differ`).toEqual([apps[0], apps[0], apps[0]]);
    expect(finals.map((f) => f!.history), why).toEqual([finals[0]!.history, finals[0]!.history, finals[0]!.history]);
    // And every check of the simulator passes.
    expect(r.violations, why).toEqual([]);
    expect(r.result.completed && r.result.settled, why).toBe(true);
  });
});
