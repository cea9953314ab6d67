/**
 * The liveness check for runs with nodes down for good, on hand-built results (it must name the
 * clients that did not finish and the nodes that died), and the simulator's side of it: a node
 * crashed with no restart is reported down for good, and its stranded clients do not keep the
 * run from settling.
 */
import { describe, expect, it } from 'vitest';
import { checkLivenessWithNodesDown } from '../../src/sim/liveness.js';
import { runScenario, type Scenario } from '../../src/sim/scenario.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import type { ClientOutcome } from '../../src/sim/types.js';

const client = (index: number, node: number, answered: number, inputs = 3): ClientOutcome => ({ client: index, node, answered, inputs });
const outcome = (downForGood: number[], clients: ClientOutcome[]) => ({ downForGood, clients, stopReason: 'maxTime' as const, timeMs: 120_000 });

describe('checkLivenessWithNodesDown', () => {
  it('accepts a run whose clients on the nodes left up all finished, whatever those of a dead node did', () => {
    expect(checkLivenessWithNodesDown(outcome([3], [client(0, 1, 3), client(1, 2, 3), client(2, 3, 1)]), 3)).toEqual([]);
  });

  it('names every unfinished client of a node left up, and the nodes down for good', () => {
    const v = checkLivenessWithNodesDown(outcome([2, 5], [client(0, 1, 3), client(1, 2, 0), client(2, 3, 1), client(3, 4, 2, 4)]), 5);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatch(/3 of 5 nodes stayed up \(down for good: node 2, 5; their 1 client\(s\) exempt\)/);
    expect(v[0]).toMatch(/client 2 on node 3 \(1 of 3 answered\), client 3 on node 4 \(2 of 4 answered\)/);
    expect(v[0]).not.toMatch(/client 1 on node 2/);
  });

  it('holds a run with every node up to the same promise', () => {
    expect(checkLivenessWithNodesDown(outcome([], [client(0, 1, 2)]), 3)).toEqual([expect.stringMatching(/down for good: none.*client 0 on node 1/)]);
  });

  it('promises nothing once a majority is down for good', () => {
    expect(checkLivenessWithNodesDown(outcome([1, 2], [client(0, 3, 0)]), 3)).toEqual([]);
  });

  it('counts half the nodes left up as no majority, and one more than half as one', () => {
    expect(checkLivenessWithNodesDown(outcome([1, 2], [client(0, 3, 0), client(1, 4, 0)]), 4)).toEqual([]);
    expect(checkLivenessWithNodesDown(outcome([1], [client(0, 3, 0)]), 4)).toEqual([expect.stringMatching(/3 of 4 nodes stayed up.*client 0 on node 3 \(0 of 3 answered\)/)]);
  });
});

describe('Simulator: a node crashed for good', () => {
  const base: Scenario = { seed: 3, nodes: 3, app: 'kv', workload: { clients: 3, ops: 4 }, schedule: scheduleOf() };

  it('is reported down for good; the others settle without waiting for its clients', () => {
    const run = runScenario({ ...base, schedule: scheduleOf({ loss: 0.1 }, [{ kind: 'crash', at: 50, node: 3, restart: null }]) });
    const r = run.result;
    expect(run.violations).toEqual([]);
    expect(r.downForGood).toEqual([3]);
    expect(r.live).toEqual([1, 2]);
    expect(r.stopReason).toBe('settled');
    expect(r.completed).toBe(false); // node 3's client is stranded
    expect(r.clients.filter((c) => c.node !== 3).every((c) => c.answered === c.inputs)).toBe(true);
    expect(checkLivenessWithNodesDown(r, base.nodes)).toEqual([]);
  });

  it('is not down for good while a restart of it is still scheduled, nor after a killed leader restarts', () => {
    const restarting = runScenario({ ...base, schedule: scheduleOf({}, [{ kind: 'crash', at: 50, node: 3, restart: 1_000_000 }]) }, { maxTimeMs: 20_000 });
    expect(restarting.result.live).toEqual([1, 2]);
    expect(restarting.result.downForGood).toEqual([]);
    const killed = runScenario({ ...base, schedule: scheduleOf({}, [{ kind: 'killLeader', at: 100, restart: 400 }, { kind: 'killLeader', at: 3000, restart: null }]) });
    expect(killed.result.stats.crashes).toBe(2);
    expect(killed.result.downForGood).toHaveLength(1);
    expect(killed.result.live).not.toContain(killed.result.downForGood[0]);
  });
});
