/**
 * What `npm run validate-traces` (scripts/validate-sim-traces.ts) concludes from its runs: the
 * paths of the checker no run exercised, where a bug of that path would pass unseen, and its
 * exit status. Pure, so that tests can show each term deciding.
 */
import type { TraceCoverage } from '../replay/coverage.js';
import type { LeaderChangeKind } from '../replay/leaderChanges.js';
import type { SimResult } from '../../sim/types.js';
import { checkLivenessWithNodesDown } from '../../sim/liveness.js';

/** How many runs were drawn with each shape a path needs (a path is owed only where its shape was run). */
export interface RunShapes {
  readonly batchedRuns: number;
  readonly inputBoundRuns: number;
  readonly promisePartRuns: number;
  readonly welcomePartRuns: number;
  readonly racingRuns: number;
}

/** The paths no run took, each said with the bug that would pass there. */
export function uncoveredPaths(c: TraceCoverage, shapes: RunShapes): string[] {
  const out: string[] = [];
  if (c.retryAnswers === 0) out.push('no retried request was answered from a replica\'s table of executed requests (a wrong index or output there would pass)');
  if (shapes.batchedRuns > 0 && c.fullBatchesWithMoreWaiting === 0) out.push('no batch at its bound was proposed while more requests waited (a bound that lets one more in would pass)');
  if (shapes.promisePartRuns > 0 && c.promisePartsReceived === 0) out.push('no scout received a Promise sent in parts (a scout that counts an acceptor at its first part would pass)');
  if (shapes.welcomePartRuns > 0 && c.welcomesFromParts === 0) out.push('no replica installed a Welcome sent in parts (a replica that installs one from some of its parts would pass)');
  if (shapes.inputBoundRuns > 0 && c.batchesCutByInput === 0) out.push('no batch was cut by its input bound while more requests waited (an input sum off by one request would pass)');
  if (c.acceptRefusals === 0) out.push('no commander received a refusal, an Accepted reporting a higher promise (a commander counting it as a vote would pass)');
  if (c.promiseRefusals === 0) out.push('no scout received a refusal, a Promise reporting a higher promise (a scout counting it as a promise would pass)');
  if (shapes.racingRuns > 0 && c.rivalAdoptions === 0) out.push('no leader adopted two values for one slot (a leader that takes any value but the highest ballot\'s would pass)');
  if (shapes.racingRuns > 0 && c.rivalTies === 0) out.push('no leader adopted two values for one slot at one ballot number (a leader that orders ballots by their number alone would pass)');
  return out;
}

/**
 * What the embedded sample should hold and does not: some leader change when the runs offered it
 * any (`offered`, per kind), and some adoption of two values for one slot when the runs had any
 * (`rivalAdoptions`, the coverage count over every run, whatever the runs offered the sample):
 * the one choice, pmax, where a fast encoding that differs from the .tla would matter most.
 */
export function sampleMisses(offered: Readonly<Record<LeaderChangeKind, number>>, sampled: Readonly<Record<LeaderChangeKind, number>>, rivalAdoptions: number): string[] {
  const sum = (r: Readonly<Record<LeaderChangeKind, number>>): number => Object.values(r).reduce((a, b) => a + b, 0);
  const out: string[] = [];
  if (sum(offered) > 0 && sum(sampled) === 0) out.push(`the runs have ${sum(offered)} leader changes and the sample holds none`);
  if (rivalAdoptions > 0 && sampled['adopted-rival'] === 0) out.push(`the runs have ${rivalAdoptions} adoptions of two values for one slot and the sample holds none`);
  return out;
}

export interface ValidationTally {
  readonly failed: number;
  readonly unsafe: number;
  readonly unfinished: number;
  /** The embedded sample missed what it should hold (sampleMisses). */
  readonly sampleMissed: boolean;
  readonly uncovered: readonly string[];
}

/** 1 if any trace failed, any run was unsafe or unfinished, the sample missed what it should hold, or a path went uncovered. */
export const validationExitCode = (t: ValidationTally): 0 | 1 =>
  (t.failed > 0 || t.unsafe > 0 || t.unfinished > 0 || t.sampleMissed || t.uncovered.length > 0 ? 1 : 0);

/**
 * Why a run did not finish, or null when it did: every client's requests completed (with a
 * node down for good, every client but that node's own) and, after the faults healed, every
 * live node caught up (settled). Either alone fails the run.
 */
export function unfinishedReason(result: Pick<SimResult, 'downForGood' | 'clients' | 'stopReason' | 'timeMs' | 'completed' | 'settled'>, nodes: number): string | null {
  const stranded = result.downForGood.length > 0 ? checkLivenessWithNodesDown(result, nodes) : [];
  const finished = result.downForGood.length > 0 ? stranded.length === 0 : result.completed;
  if (finished && result.settled) return null;
  return finished ? 'some live node did not catch up' : stranded[0] ?? 'some request never completed';
}
