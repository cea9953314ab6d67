/**
 * The cluster in the deterministic simulator, on 3, 5 and 7 nodes, under the faults the
 * library must survive. Every run is checked for safety (checks.ts), must finish its
 * workload, and must let every live replica catch up once the faults heal.
 */
import { describe, expect, it } from 'vitest';
import { scheduleOf, type Fault } from '../../src/sim/schedule.js';
import type { Scenario } from '../../src/sim/scenario.js';
import { leaderElections, runHealthy } from './helpers.js';

function scenario(nodes: number, over: Partial<Scenario>): Scenario {
  return { seed: 1000 + nodes, nodes, app: 'bank', workload: { clients: 1, ops: 10 }, schedule: scheduleOf(), ...over };
}

export function clusterSuite(nodes: number): void {
  describe(`${nodes}-node cluster`, () => {
    it('executes requests in sequence', () => {
      const run = runHealthy(scenario(nodes, { workload: { clients: 1, ops: 15 } }));
      const times = run.result.acks.map((a) => a.time);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(leaderElections(run)).toBe(1);
    });

    it('executes requests from parallel clients on every node', () => {
      const run = runHealthy(scenario(nodes, { app: 'kv', workload: { clients: nodes * 2, ops: 6 } }));
      expect(new Set(run.result.acks.map((a) => a.node)).size).toBe(nodes);
    });

    it('survives the leader being killed mid-stream', () => {
      const run = runHealthy(scenario(nodes, {
        workload: { clients: 3, ops: 10 },
        schedule: scheduleOf({}, [{ kind: 'killLeader', at: 60, restart: 2500 }]),
      }));
      expect(run.result.stats.crashes).toBe(1);
      expect(run.result.acks.some((a) => a.time < 60)).toBe(true);
      expect(run.result.acks.some((a) => a.time > 60 && !a.rid.startsWith('probe:'))).toBe(true);
      expect(leaderElections(run)).toBeGreaterThanOrEqual(2);
    });

    it('survives a partition that isolates the leader, then heals', () => {
      const run = runHealthy(scenario(nodes, {
        workload: { clients: 3, ops: 10 },
        schedule: scheduleOf({}, [{ kind: 'isolateLeader', at: 60, heal: 4000 }]),
      }));
      expect(run.result.log.some((l) => / L \d+$/.test(l))).toBe(true);
      expect(run.result.stats.dropped.partition).toBeGreaterThan(0);
      expect(leaderElections(run)).toBeGreaterThanOrEqual(2);
      expect(run.result.live).toHaveLength(nodes);
    });

    it('survives 20% message loss', () => {
      const run = runHealthy(scenario(nodes, { workload: { clients: 2, ops: 10 }, schedule: scheduleOf({ loss: 0.2 }) }));
      const { dropped, messagesSent } = run.result.stats;
      expect(dropped.loss / messagesSent).toBeGreaterThan(0.1);
    });

    it('survives duplicated and reordered messages', () => {
      const run = runHealthy(scenario(nodes, {
        workload: { clients: 3, ops: 8 },
        schedule: scheduleOf({ duplicate: 0.3, reorder: 0.3, reorderMs: 40 }),
      }));
      expect(run.result.stats.duplicated).toBeGreaterThan(0);
    });

    it('survives a majority crashing and restarting in turn', () => {
      const majority = Math.floor(nodes / 2) + 1;
      const faults: Fault[] = Array.from({ length: majority }, (_, i) => ({ kind: 'crash', at: 40 + i * 2000, node: i + 1, restart: 40 + i * 2000 + 1200 }));
      const run = runHealthy(scenario(nodes, { workload: { clients: 2, ops: 15 }, schedule: scheduleOf({ loss: 0.02 }, faults) }));
      expect(run.result.stats.crashes).toBe(majority);
      expect(run.result.stats.restarts).toBe(majority);
      expect(run.result.live).toHaveLength(nodes);
    });
  });
}
