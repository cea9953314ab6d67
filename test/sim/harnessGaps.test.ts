/**
 * Gaps in the harness's own tests, each pinned by a test that fails when the harness silently
 * tests less than it claims (reviewer round: simulator, network, checks, statemachines).
 */
import { describe, expect, it } from 'vitest';
import { runScenario, type Scenario } from '../../src/sim/scenario.js';
import { scheduleOf } from '../../src/sim/schedule.js';

/** Parses the event log's deliveries: `t D a>b Type`. */
function deliveries(log: readonly string[]): { t: number; from: number; to: number; type: string }[] {
  const out: { t: number; from: number; to: number; type: string }[] = [];
  for (const line of log) {
    const m = /^(\d+\.\d{3}) D (\d+)>(\d+) (\S+)$/.exec(line);
    if (m) out.push({ t: Number(m[1]), from: Number(m[2]), to: Number(m[3]), type: m[4]! });
  }
  return out;
}

describe('simulated partitions', () => {
  it('drop a message already in flight when the partition starts (checked at delivery, not only at send)', () => {
    // Slow links (30-40 ms) keep messages in flight at the instant the partition starts.
    const s: Scenario = {
      seed: 11, nodes: 3, app: 'kv', workload: { clients: 3, ops: 6 },
      schedule: scheduleOf({ delay: { minMs: 30, maxMs: 40 } }, [{ kind: 'partition', at: 150, heal: 900, groups: [[1], [2, 3]] }]),
    };
    const run = runScenario(s);
    expect(run.violations).toEqual([]);
    const cross = deliveries(run.result.log).filter((d) => d.t >= 150 && d.t < 900 && (d.from === 1) !== (d.to === 1));
    expect(cross).toEqual([]);
    // Messages sent before 150 and due after it: the partition had something to drop at delivery.
    const sentBefore = run.result.log.filter((l) => /^(\d+\.\d{3}) X (1>[23]|[23]>1) \S+ partition$/.test(l));
    expect(sentBefore.length).toBeGreaterThan(0);
    const crossBefore = deliveries(run.result.log).filter((d) => d.t < 150 && (d.from === 1) !== (d.to === 1));
    expect(crossBefore.length).toBeGreaterThan(0);
  });
});

describe('crashed incarnations', () => {
  it('are checked too: the state a node held when it crashed is in allStates beside the final ones', () => {
    const s: Scenario = {
      seed: 3, nodes: 3, app: 'bank', workload: { clients: 2, ops: 6 },
      schedule: scheduleOf({}, [{ kind: 'crash', at: 400, node: 2, restart: 900 }]),
    };
    const run = runScenario(s);
    expect(run.violations).toEqual([]);
    expect(run.result.stats.crashes).toBe(1);
    const crashed = run.result.allStates.filter((e) => e.node === 2 && e.incarnation === 1);
    expect(crashed).toHaveLength(1);
    expect(crashed[0]!.state.history.length).toBeGreaterThan(0);
    // One entry per live node's final state, plus the crashed incarnation's.
    expect(run.result.allStates.length).toBe(run.result.finalStates.size + 1);
  });
});
