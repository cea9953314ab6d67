/**
 * What `paxos status` reports a node has executed (src/cli/node/status.ts): every request its
 * replica executed, also when checkpoints let it keep no history (tracing off), where the spec
 * state's rExecuted lists none of them.
 */
import { describe, expect, it } from 'vitest';
import type { NodeApi, NodeId } from '../../src/node/api.js';
import { defaultNodeFactory } from '../../src/sim/nodeFactory.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import { simConfigOf } from '../../src/sim/scenario.js';
import { Simulator } from '../../src/sim/simulator.js';
import { bank } from '../../src/statemachines/bank.js';
import type { TcpTransport } from '../../src/transport/tcpTransport.js';
import { nodeStatus, replicaState } from '../../src/cli/node/status.js';

/** A 3-node bank run to completion; its nodes as they are at the end. */
function finishedRun(checkpointEvery: number): { nodes: Map<NodeId, NodeApi>; requests: number } {
  const nodes = new Map<NodeId, NodeApi>();
  const scenario = { seed: 7, nodes: 3, app: 'bank' as const, workload: { clients: 3, ops: 20 }, schedule: scheduleOf({ loss: 0 }), checkpointEvery };
  const createNode = (...args: Parameters<typeof defaultNodeFactory>) => {
    const node = defaultNodeFactory(...args);
    nodes.set(node.id, node);
    return node;
  };
  const result = new Simulator(simConfigOf(scenario, { createNode })).run();
  expect(result.completed).toBe(true);
  // Every request was answered once; each is executed exactly once by every replica.
  return { nodes, requests: new Set(result.acks.map((a) => a.rid)).size };
}

/** nodeStatus with a transport and a host that have nothing to say: only the node's own figures matter here. */
function statusOf(node: NodeApi) {
  const transport = { peerStatus: () => undefined, stats: { rejected: {}, sent: 0, received: 0, writes: 0 } } as unknown as TcpTransport;
  return nodeStatus({
    node, transport, app: 'bank', incarnation: 0, now: () => 0,
    health: () => ({ health: 'ok', problem: null }), pendingRequests: () => 0,
    storage: () => ({ records: 0, syncs: 0 }), answered: () => 0,
  } as Parameters<typeof nodeStatus>[0]);
}

describe('paxos status: executed', () => {
  it('counts every executed request when checkpoints are on and the node keeps no history', () => {
    const { nodes, requests } = finishedRun(4);

    expect(requests).toBeGreaterThan(60); // the 60 operations, the setup and the probes
    for (const node of nodes.values()) {
      expect(node.specState().rExecuted).toEqual([]); // tracing off: the history is not kept
      expect(node.slotOut()).toBeGreaterThan(8); // several snapshots were taken
      expect(statusOf(node).executed).toBe(requests);
      expect(replicaState(node, bank, false).executed).toBe(requests);
    }
  });

  it('agrees with the kept history when there are no checkpoints', () => {
    const { nodes, requests } = finishedRun(0);

    for (const node of nodes.values()) {
      expect(node.specState().rExecuted.length).toBe(requests);
      expect(statusOf(node).executed).toBe(requests);
      expect(replicaState(node, bank, true).executed).toBe(requests);
    }
  });
});

describe('paxos status: ballots and leader', () => {
  it('a follower names the leader it promised (not itself), with its own ballot apart; only the leader is active', () => {
    const { nodes } = finishedRun(0);
    const statuses = [...nodes.values()].map((node) => ({ node, status: statusOf(node) }));
    const active = statuses.filter((s) => s.status.active);
    expect(active).toHaveLength(1);
    const leader = active[0]!.node.id;
    expect(active[0]!.status.ballot).toEqual(active[0]!.node.specState().lBallot);
    for (const { node, status } of statuses) {
      const spec = node.specState();
      expect(status.promised).toEqual(spec.aBallot);
      expect(status.ballot).toEqual(spec.lBallot);
      expect(status.leader, `node ${node.id} follows node ${leader}`).toBe(leader);
      if (node.id !== leader) expect(spec.lBallot.leader, 'a follower\'s own ballot names itself: the status must not read the leader there').toBe(node.id);
    }
  });
});
