/**
 * A replica that needed a leader with no proposal of its own in flight (found by sampling
 * downForGood.property.test.ts): three nodes, the leader (node 1) crashed for good at 2.9 s,
 * 20% loss. The replicas left up had a gap before a later decision, and their waiting requests
 * could not take a slot past it; their only message to a leader was the gap's no-op Propose, to
 * node 1. The replica moved to the next leader only when it held a proposal, so both kept
 * proposing to the dead node, no leader left up ever held a proposal to scout for, and client 1
 * ended with 2 of 7 answers at 120 s. A replica now moves on whenever it needs a leader
 * (Replica.hasWorkForLeader): proposals, waiting requests, or a gap.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/sim/scenario.js';
import { assertMajorityLive } from './downForGoodRun.js';

const GAP_BEHIND_DEAD_LEADER: Scenario = {
  seed: 2147483633, nodes: 3, app: 'kv', workload: { clients: 2, ops: 7 },
  schedule: {
    network: { loss: 0.2, duplicate: 0, reorder: 0, reorderMs: 7, delay: { minMs: 1, maxMs: 21 } },
    faults: [
      { kind: 'crash', at: 2940, node: 1, restart: null },
      { kind: 'crash', at: 1813, node: 2, restart: 4390 },
    ],
  },
};

describe('a replica whose leader died for good moves on with a gap and no proposal of its own', () => {
  it('seed 2147483633: 3 nodes, the leader down for good, 20% loss', () => {
    expect(() => assertMajorityLive({ scenario: GAP_BEHIND_DEAD_LEADER, maxPromiseBytes: undefined })).not.toThrow();
  });
});
