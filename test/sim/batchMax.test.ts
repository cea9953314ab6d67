/**
 * Scenario.batchMax reaches every node (restarted ones too) as NodeOptions.batching.
 */
import { describe, expect, it } from 'vitest';
import { defaultNodeFactory } from '../../src/sim/nodeFactory.js';
import { runScenario, type Scenario } from '../../src/sim/scenario.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import type { NodeFactory } from '../../src/sim/simulator.js';

function spying(): { factory: NodeFactory; batching: unknown[] } {
  const batching: unknown[] = [];
  const factory: NodeFactory = (id, peers, options, env) => {
    batching.push((options as { batching?: unknown }).batching);
    return defaultNodeFactory(id, peers, options, env);
  };
  return { factory, batching };
}

const scenario: Scenario = {
  seed: 3, nodes: 3, app: 'kv', workload: { clients: 2, ops: 5 }, schedule: scheduleOf({}, [{ kind: 'crash', at: 50, node: 2, restart: 300 }]),
};

describe('Scenario.batchMax', () => {
  it('gives every node it boots batching = { maxRequests: batchMax }', () => {
    const spy = spying();
    const run = runScenario({ ...scenario, batchMax: 4 }, { createNode: spy.factory });
    expect(run.violations).toEqual([]);
    expect(spy.batching).toHaveLength(4); // three nodes, one restart
    expect(spy.batching).toEqual(Array.from({ length: 4 }, () => ({ maxRequests: 4 })));
  });

  it('leaves the option out when absent (the node default)', () => {
    const spy = spying();
    runScenario(scenario, { createNode: spy.factory });
    expect(spy.batching).toEqual([undefined, undefined, undefined, undefined]);
  });
});
