/**
 * The property every fault-injected run must satisfy, as one function fast-check can call.
 * On failure it throws an Error whose message names the violations, the seed and the exact
 * replay command; fast-check adds the (shrunk) counterexample and its own seed and path.
 */
import { type RunExtras, type Scenario, describeFailure, runScenario } from '../../src/sim/scenario.js';

/** Bounds that keep one run short even when the cluster cannot make progress. */
export const PROPERTY_BOUNDS = { maxEvents: 200_000, maxTimeMs: 120_000, settleMs: 20_000 } as const;

/** Safety only (for mutants that may also break progress). */
export function assertSafe(s: Scenario, extras: RunExtras = {}): void {
  const run = runScenario(s, { ...PROPERTY_BOUNDS, ...extras });
  if (run.violations.length > 0) throw new Error(`simulated run failed:\n${describeFailure(s, run)}`);
}

export function assertSafeAndLive(s: Scenario, extras: RunExtras = {}): void {
  const run = runScenario(s, { ...PROPERTY_BOUNDS, ...extras });
  const r = run.result;
  const problems = [...run.violations];
  // Every fault heals, so the workload must finish and every live replica must catch up.
  if (!r.completed) problems.push(`workload did not finish (stop: ${r.stopReason})`);
  else if (!r.settled) problems.push(`live replicas did not catch up after healing (stop: ${r.stopReason})`);
  if (problems.length > 0) {
    throw new Error(`simulated run failed:\n${describeFailure(s, { ...run, violations: problems })}`);
  }
}
