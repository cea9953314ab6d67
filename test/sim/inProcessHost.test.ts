/**
 * The simulator is the one host that vouches for its nodes' input (IN_PROCESS_HOST): it
 * delivers copyJson copies of its own nodes' outputs (simulator.test.ts checks the copies).
 */
import { describe, expect, it } from 'vitest';
import type { NodeEnvironment } from '../../src/node/api.js';
import { IN_PROCESS_HOST } from '../../src/node/inProcessHost.js';
import { defaultNodeFactory } from '../../src/member/nodeFactory.js';
import { runScenario } from '../../src/sim/scenario.js';
import { scheduleOf } from '../../src/sim/schedule.js';

describe('the simulator as an in-process host', () => {
  it('builds every incarnation of every node with IN_PROCESS_HOST, and its runs stay safe', () => {
    const envs: NodeEnvironment[] = [];
    const run = runScenario({
      seed: 3, nodes: 3, app: 'bank', workload: { clients: 2, ops: 5 },
      schedule: scheduleOf({ loss: 0.05 }, [{ kind: 'killLeader', at: 40, restart: 1500 }]),
    }, { createNode: (id, peers, options, env) => { envs.push(env); return defaultNodeFactory(id, peers, options, env); } });

    expect(run.violations).toEqual([]);
    expect(run.result.completed).toBe(true);
    expect(envs.length).toBeGreaterThan(3); // the killed leader came back as a new incarnation
    expect(envs.every((env) => env.inputs === IN_PROCESS_HOST)).toBe(true);
  });
});
