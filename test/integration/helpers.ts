import { expect } from 'vitest';
import { type RunExtras, type Scenario, type ScenarioRun, describeFailure, runScenario } from '../../src/sim/scenario.js';

/** Runs a scenario and asserts it is safe, finished its workload and let every live node catch up. */
export function runHealthy(s: Scenario, extras: RunExtras = {}): ScenarioRun {
  const run = runScenario(s, extras);
  const why = describeFailure(s, run);
  expect(run.violations, why).toEqual([]);
  expect(run.result.completed, why).toBe(true);
  expect(run.result.settled, why).toBe(true);
  const ops = s.workload.clients * s.workload.ops + (s.app === 'bank' ? 8 : 0);
  expect(run.result.acks.filter((a) => !a.rid.startsWith('probe:')).length, why).toBe(ops);
  return run;
}

/** Times a node became leader with a new ballot (seen on the wire by the simulator). */
export function leaderElections(run: ScenarioRun): number {
  return run.result.stats.leaderElections;
}
