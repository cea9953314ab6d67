/**
 * validate-traces' conclusions (src/trace/runs/validationVerdict.ts): each path is owed only
 * where its shape of run was drawn, and each is reported alone when it alone was not taken; the
 * exit status is 1 on any one of its five grounds. (A run that never finished left the exit
 * status at 0 with that term dropped, and no test could see it while the logic sat in the
 * script's top level.)
 */
import { describe, expect, it } from 'vitest';
import { noCoverage, type TraceCoverage } from '../../src/trace/replay/coverage.js';
import { type RunShapes, sampleMisses, uncoveredPaths, unfinishedReason, validationExitCode } from '../../src/trace/runs/validationVerdict.js';
import { LEADER_CHANGE_KINDS, type LeaderChangeKind } from '../../src/trace/replay/leaderChanges.js';

const every: RunShapes = { batchedRuns: 1, inputBoundRuns: 1, promisePartRuns: 1, welcomePartRuns: 1, racingRuns: 1 };
const covered = (): TraceCoverage => {
  const c = noCoverage();
  for (const k of Object.keys(c) as (keyof TraceCoverage)[]) c[k] = 1;
  return c;
};

describe('uncoveredPaths', () => {
  it('owes nothing when every path was taken', () => {
    expect(uncoveredPaths(covered(), every)).toEqual([]);
  });

  it('names each path alone when it alone was not taken', () => {
    const paths: [keyof TraceCoverage, RegExp][] = [
      ['retryAnswers', /^no retried request was answered/], ['fullBatchesWithMoreWaiting', /^no batch at its bound/],
      ['promisePartsReceived', /^no scout received a Promise sent in parts/], ['welcomesFromParts', /^no replica installed a Welcome sent in parts/],
      ['batchesCutByInput', /^no batch was cut by its input bound/], ['acceptRefusals', /^no commander received a refusal/],
      ['promiseRefusals', /^no scout received a refusal/], ['rivalAdoptions', /^no leader adopted two values for one slot \(/],
      ['rivalTies', /^no leader adopted two values for one slot at one ballot number/],
    ];
    for (const [count, says] of paths) {
      const missed = uncoveredPaths({ ...covered(), [count]: 0 }, every);
      expect(missed, count).toHaveLength(1);
      expect(missed[0], count).toMatch(says);
    }
  });

  it('owes the batch, part and racing paths only where such runs were drawn; retries and refusals always', () => {
    const none: RunShapes = { batchedRuns: 0, inputBoundRuns: 0, promisePartRuns: 0, welcomePartRuns: 0, racingRuns: 0 };
    expect(uncoveredPaths({ ...noCoverage(), retryAnswers: 1, acceptRefusals: 1, promiseRefusals: 1 }, none)).toEqual([]);
    expect(uncoveredPaths(noCoverage(), none)).toHaveLength(3);
    for (const shape of Object.keys(every) as (keyof RunShapes)[]) {
      // A racing run owes two paths: two values for one slot, and two at one ballot number.
      expect(uncoveredPaths({ ...noCoverage(), retryAnswers: 1, acceptRefusals: 1, promiseRefusals: 1 }, { ...none, [shape]: 1 }), shape).toHaveLength(shape === 'racingRuns' ? 2 : 1);
    }
  });
});

describe('sampleMisses', () => {
  const counts = (over: Partial<Record<LeaderChangeKind, number>> = {}): Record<LeaderChangeKind, number> =>
    ({ ...Object.fromEntries(LEADER_CHANGE_KINDS.map((k) => [k, 0])), ...over }) as Record<LeaderChangeKind, number>;

  it('misses nothing when the runs had no leader change, or the sample holds one of each kind it owes', () => {
    expect(sampleMisses(counts(), counts(), 0)).toEqual([]);
    expect(sampleMisses(counts({ adopted: 5, 'adopted-rival': 2 }), counts({ adopted: 1, 'adopted-rival': 1 }), 2)).toEqual([]);
  });

  it('names a sample with no leader change at all, and one with no adoption of two values when the runs had some', () => {
    expect(sampleMisses(counts({ preempted: 4 }), counts(), 0)).toEqual(['the runs have 4 leader changes and the sample holds none']);
    // Other kinds sampled, the adoptions of two values not: a wrong pmax in the fast encoding would pass the sample.
    expect(sampleMisses(counts({ adopted: 3, 'adopted-rival': 2 }), counts({ adopted: 3 }), 2))
      .toEqual(['the runs have 2 adoptions of two values for one slot and the sample holds none']);
    expect(sampleMisses(counts({ 'adopted-rival': 2 }), counts(), 2)).toHaveLength(2);
    // Judged by the runs' own count, not by what they offered the sample: a racing run that
    // offered none of its adoptions of two values (a wrong filter) still owes one.
    expect(sampleMisses(counts({ adopted: 3 }), counts({ adopted: 3 }), 12))
      .toEqual(['the runs have 12 adoptions of two values for one slot and the sample holds none']);
  });
});

describe('validationExitCode', () => {
  it('is 0 for a clean tally and 1 on each ground alone', () => {
    const clean = { failed: 0, unsafe: 0, unfinished: 0, sampleMissed: false, uncovered: [] };
    expect(validationExitCode(clean)).toBe(0);
    for (const bad of [{ failed: 1 }, { unsafe: 1 }, { unfinished: 1 }, { sampleMissed: true }, { uncovered: ['no retried request'] }]) {
      expect(validationExitCode({ ...clean, ...bad }), JSON.stringify(bad)).toBe(1);
    }
  });
});

describe('unfinishedReason', () => {
  type Result = Parameters<typeof unfinishedReason>[0];
  const run = (over: Partial<Result>): Result => ({
    downForGood: [], stopReason: 'settled', timeMs: 1000, completed: true, settled: true,
    clients: [{ client: 0, node: 1, answered: 3, inputs: 3 }, { client: 1, node: 2, answered: 3, inputs: 3 }], ...over,
  });

  it('passes a run whose requests completed and whose nodes settled', () => {
    expect(unfinishedReason(run({}), 3)).toBeNull();
  });

  it('fails a run that completed but did not settle, and one that settled without completing', () => {
    expect(unfinishedReason(run({ settled: false }), 3)).toBe('some live node did not catch up');
    expect(unfinishedReason(run({ completed: false }), 3)).toBe('some request never completed');
  });

  it('with a node down for good, exempts only its clients, and still asks the others to settle', () => {
    const down = run({ downForGood: [2], completed: false, clients: [{ client: 0, node: 1, answered: 3, inputs: 3 }, { client: 1, node: 2, answered: 1, inputs: 3 }] });
    expect(unfinishedReason(down, 3)).toBeNull();
    expect(unfinishedReason({ ...down, settled: false }, 3)).toBe('some live node did not catch up');
    const stranded = { ...down, clients: [{ client: 0, node: 1, answered: 2, inputs: 3 }, { client: 1, node: 2, answered: 1, inputs: 3 }] };
    expect(unfinishedReason(stranded, 3)).toMatch(/^liveness: 2 of 3 nodes stayed up .*client 0 on node 1 \(2 of 3 answered\)/);
  });
});
