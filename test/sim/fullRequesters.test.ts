/**
 * Requesters filled: three clients on every node (each with one request at a time) and at most
 * two requests pending per node, so nodes refuse requests as too many pending and clients offer
 * them again; replicas checkpoint every 4 slots, so a node that lags is brought up by a Welcome.
 * Every client must finish once the faults heal, and the run must be safe and linearizable.
 *
 * These runs found a replica that lost its own node's answers: after a Welcome installed two of
 * its node's pending requests, one was answered, newer ones executed, and the other's output left
 * the duplicate table before its client asked again (src/roles/executedTable.ts). Seeds 7031,
 * 7065, 7073, 7160, 7176 and 7194 of these shapes stalled with it; with the fix none of 199 did.
 */
import { describe, expect, it } from 'vitest';
import { faultScenario, isLongRun, withFullRequesters } from '../../src/trace/runs/faultScenarios.js';
import { describeFailure, runScenario } from '../../src/sim/scenario.js';

const STALLED_BEFORE = [7031, 7065, 7073, 7160, 7176, 7194];
/** More seeds of the shape (not long runs, whose workload it keeps). */
const MORE = Array.from({ length: 16 }, (_, i) => 7001 + i).filter((seed) => !isLongRun(faultScenario(seed))).slice(0, 14);

describe('Requesters filled, replicas checkpointing: every client finishes', () => {
  for (const seed of [...STALLED_BEFORE, ...MORE]) {
    it(`seed ${seed}`, () => {
      const scenario = withFullRequesters(faultScenario(seed));
      const run = runScenario(scenario);
      const ok = run.result.completed && run.result.settled && run.violations.length === 0;
      expect(ok, describeFailure(scenario, run)).toBe(true);
    });
  }
});
