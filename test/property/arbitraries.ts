/**
 * fast-check arbitraries for simulated runs: fault schedules built from records of faults,
 * workload shapes and seeds. Every fault heals (partitions heal, crashed nodes restart), so
 * a run can also be expected to finish; rates stay well below MAX_RATE.
 */
import fc from 'fast-check';
import type { Fault, FaultSchedule, NetworkFaults } from '../../src/sim/schedule.js';
import type { Scenario } from '../../src/sim/scenario.js';
import type { AppName } from '../../src/sim/workload.js';

/** Faults start within this many virtual ms of the beginning. */
const HORIZON_MS = 3000;
const time = fc.integer({ min: 0, max: HORIZON_MS });
const duration = fc.integer({ min: 50, max: 3000 });

export function networkArb(): fc.Arbitrary<NetworkFaults> {
  return fc.record({
    loss: fc.constantFrom(0, 0, 0.05, 0.1, 0.2, 0.3),
    duplicate: fc.constantFrom(0, 0, 0.1, 0.3),
    reorder: fc.constantFrom(0, 0, 0.1, 0.3),
    reorderMs: fc.integer({ min: 0, max: 100 }),
    delay: fc.integer({ min: 1, max: 5 }).chain((minMs) => fc.record({ minMs: fc.constant(minMs), maxMs: fc.integer({ min: minMs, max: minMs + 20 }) })),
  });
}

export function faultArb(nodes: number): fc.Arbitrary<Fault> {
  const node = fc.integer({ min: 1, max: nodes });
  return fc.oneof(
    fc.record({ at: time, d: duration, side: fc.uniqueArray(node, { minLength: 1, maxLength: Math.floor(nodes / 2) + 1 }) })
      .map(({ at, d, side }): Fault => ({ kind: 'partition', at, heal: at + d, groups: [side] })),
    fc.record({ at: time, d: duration, node }).map(({ at, d, node: n }): Fault => ({ kind: 'crash', at, node: n, restart: at + d })),
    fc.record({ at: time, d: duration }).map(({ at, d }): Fault => ({ kind: 'killLeader', at, restart: at + d })),
    fc.record({ at: time, d: duration }).map(({ at, d }): Fault => ({ kind: 'isolateLeader', at, heal: at + d })),
    fc.record({ at: time, d: duration, loss: fc.constantFrom(0.3, 0.5, 0.7) }).map(({ at, d, loss }): Fault => ({ kind: 'lossBurst', at, until: at + d, loss })),
  );
}

export function scheduleArb(nodes: number, maxFaults = 4): fc.Arbitrary<FaultSchedule> {
  return fc.record({ network: networkArb(), faults: fc.array(faultArb(nodes), { maxLength: maxFaults }) });
}

export interface ScenarioLimits {
  readonly maxFaults: number;
  readonly maxClients: number;
  readonly maxOps: number;
}

/** Small enough for hundreds of runs per test file; the soak runs raise them. */
export const DEFAULT_SCENARIO_LIMITS: ScenarioLimits = { maxFaults: 4, maxClients: 4, maxOps: 5 };

export function scenarioArb(app: AppName, sizes: readonly number[] = [3, 5], limits: ScenarioLimits = DEFAULT_SCENARIO_LIMITS): fc.Arbitrary<Scenario> {
  return fc.constantFrom(...sizes).chain((nodes) =>
    fc.record({
      seed: fc.integer({ min: 0, max: 0x7fffffff }),
      nodes: fc.constant(nodes),
      app: fc.constant(app),
      workload: fc.record({ clients: fc.integer({ min: 1, max: limits.maxClients }), ops: fc.integer({ min: 1, max: limits.maxOps }) }),
      schedule: scheduleArb(nodes, limits.maxFaults),
    }),
  );
}
