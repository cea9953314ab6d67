/**
 * Scenario.batchMax reaches every node (restarted ones too) as Limits.batchMaxRequests.
 */
import { describe, expect, it } from 'vitest';
import { defaultNodeFactory } from '../../src/sim/nodeFactory.js';
import { runScenario, type Scenario } from '../../src/sim/scenario.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import type { NodeFactory } from '../../src/sim/simulator.js';

function spying(): { factory: NodeFactory; batchMax: unknown[] } {
  const batchMax: unknown[] = [];
  const factory: NodeFactory = (id, peers, options, env) => {
    batchMax.push(options.limits?.batchMaxRequests);
    return defaultNodeFactory(id, peers, options, env);
  };
  return { factory, batchMax };
}

const scenario: Scenario = {
  seed: 3, nodes: 3, app: 'kv', workload: { clients: 3, ops: 8 }, schedule: scheduleOf({}, [{ kind: 'crash', at: 50, node: 2, restart: 300 }]),
};

describe('Scenario.batchMax', () => {
  it('gives every node it boots limits.batchMaxRequests = batchMax, and the run stays safe', () => {
    const spy = spying();
    const run = runScenario({ ...scenario, batchMax: 4 }, { createNode: spy.factory });
    expect(run.violations).toEqual([]);
    expect(run.result.completed).toBe(true);
    expect(spy.batchMax).toEqual([4, 4, 4, 4]); // three nodes, one restart
  });

  it('leaves the limit at the node default when absent', () => {
    const spy = spying();
    runScenario(scenario, { createNode: spy.factory });
    expect(spy.batchMax).toEqual([undefined, undefined, undefined, undefined]);
  });
});
