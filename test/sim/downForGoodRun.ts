/**
 * Runs a scenario with nodes down for good and throws (for fast-check) when it is unsafe or
 * when the majority left up did not answer every client hosted on it.
 */
import { defaultNodeFactory } from '../../src/member/nodeFactory.js';
import { checkLivenessWithNodesDown } from '../../src/sim/liveness.js';
import { describeFailure, runScenario } from '../../src/sim/scenario.js';
import type { NodeFactory } from '../../src/sim/simulator.js';
import { PROPERTY_BOUNDS } from '../property/safety.js';
import type { DownForGoodCase } from './downForGoodArbitraries.js';

function factoryWith(maxPromiseBytes: number): NodeFactory {
  return (id, peers, options, env) => defaultNodeFactory(id, peers, { ...options, limits: { ...options.limits, maxPromiseBytes } }, env);
}

/** Safety, then liveness of the majority left up: its clients finish and its replicas catch up. */
export function assertMajorityLive({ scenario, maxPromiseBytes }: DownForGoodCase): void {
  const run = runScenario(scenario, { ...PROPERTY_BOUNDS, ...(maxPromiseBytes !== undefined ? { createNode: factoryWith(maxPromiseBytes) } : {}) });
  const r = run.result;
  const problems = [...run.violations, ...checkLivenessWithNodesDown(r, scenario.nodes)];
  if (problems.length === 0 && !r.settled) problems.push(`the replicas left up did not catch up after healing (stop: ${r.stopReason})`);
  if (problems.length === 0) return;
  const limits = maxPromiseBytes !== undefined ? [`nodes ran with maxPromiseBytes ${maxPromiseBytes} (not in the replay command)`] : [];
  throw new Error(`simulated run failed:\n${describeFailure(scenario, { ...run, violations: problems }, limits)}`);
}
