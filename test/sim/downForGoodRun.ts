/**
 * Runs a scenario with nodes down for good and throws (for fast-check) when it is unsafe or
 * when the majority left up did not answer every client hosted on it.
 */
import { checkLivenessWithNodesDown } from '../../src/sim/liveness.js';
import { describeFailure, runScenario } from '../../src/sim/scenario.js';
import { PROPERTY_BOUNDS } from '../property/safety.js';
import type { DownForGoodCase } from './downForGoodArbitraries.js';

/** Safety, then liveness of the majority left up: its clients finish and its replicas catch up. */
export function assertMajorityLive({ scenario: drawn, maxPromiseBytes }: DownForGoodCase): void {
  // The Promise limit goes in the scenario, so that the replay command printed on failure has it.
  const scenario = maxPromiseBytes !== undefined ? { ...drawn, maxPromiseBytes } : drawn;
  const run = runScenario(scenario, PROPERTY_BOUNDS);
  const r = run.result;
  const problems = [...run.violations, ...checkLivenessWithNodesDown(r, scenario.nodes)];
  if (problems.length === 0 && !r.settled) problems.push(`the replicas left up did not catch up after healing (stop: ${r.stopReason})`);
  if (problems.length === 0) return;
  throw new Error(`simulated run failed:\n${describeFailure(scenario, { ...run, violations: problems })}`);
}
