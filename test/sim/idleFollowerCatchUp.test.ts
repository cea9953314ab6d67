/**
 * A follower cut off while the last commands were decided, in a cluster that then goes idle: it
 * saw no Decision past its slot, so no gap, and before the leader's heartbeat carried its node's
 * slot it stayed behind until the next command (node 3 at slot 33 of 41 when the settle time of
 * 10 s ran out). Now the heartbeats after the heal show it behind, a stall like any other.
 * No probe request is sent while settling: a probe's Decision would show the gap itself.
 */
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/sim/simulator.js';
import { simConfigOf, type Scenario } from '../../src/sim/scenario.js';

const HEAL_MS = 20_000;
const scenario: Scenario = {
  seed: 3, nodes: 3, app: 'kv', workload: { clients: 1, ops: 40 },
  schedule: {
    network: { loss: 0, duplicate: 0, reorder: 0, reorderMs: 0, delay: { minMs: 1, maxMs: 5 } },
    faults: [{ kind: 'partition', at: 200, heal: HEAL_MS, groups: [[1, 2], [3]] }],
  },
};

describe('a follower that missed the last Decisions of a cluster now idle', () => {
  it('catches up from the leader\'s heartbeats, with no command to show it a gap', () => {
    const base = simConfigOf(scenario, { settleMs: 10_000 });
    // Every request through node 1, and no probe while settling.
    const { probeInput: _, ...cfg } = { ...base, clients: base.clients.map((c) => ({ ...c, node: 1 })) };
    const r = new Simulator(cfg).run();
    expect(r.clients.map((c) => c.answered)).toEqual([40]);
    // The shape: node 3 was behind when the partition healed (the workload ended before it).
    expect(r.acks.every((a) => a.time < HEAL_MS)).toBe(true);
    expect(r.stopReason).toBe('settled');
    expect(new Set(r.slotOut.values()).size).toBe(1);
    expect(r.timeMs - HEAL_MS).toBeLessThan(2_000);
  });
});
