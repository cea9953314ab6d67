/**
 * The soak's loop (chaos/soak.ts) with a stand-in for the chaos run and a clock the test moves:
 * which shape and seed each run gets, that no run starts which could not finish inside the
 * budget (but one always runs), that a passing run's directory goes and a failing one's stays
 * and is named. The chaos run itself is tested on real processes in chaos.test.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChaosOptions, ChaosReport } from '../../src/cli/chaos/run.js';
import { SOAK_SHAPES, plannedMs, runSoak, soakLine, soakRun } from '../../src/cli/chaos/soak.js';

const root = mkdtempSync(join(tmpdir(), 'paxos-soak-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const report = (ok: boolean, wallMs: number): ChaosReport => ({
  ok, problems: ok ? [] : ['transfers lost: 1'], dir: '', kills: [], executed: 10, finalReads: true, replicasEqual: ok,
  history: { acknowledged: 9, total: 10, indeterminate: 1, indeterminateExecuted: 0, failed: 0, lost: ok ? 0 : 1, duplicated: 0, problems: [], appDigest: 'd' },
  traces: { ok: true, parts: 3, events: 1234, clientOperations: 10, verdict: '' }, nodeWarnings: 0, wallMs,
});

/** A stand-in chaos run: makes its directory, takes the shape's duration on the test's clock, fails the seeds in `failing`. */
function fakeRuns(clock: { t: number }, failing: ReadonlySet<number>) {
  const calls: ChaosOptions[] = [];
  const run = async (o: ChaosOptions): Promise<ChaosReport> => {
    calls.push(o);
    mkdirSync(o.dir!, { recursive: true });
    clock.t += o.durationMs + 20_000;
    return report(!failing.has(o.seed), o.durationMs + 20_000);
  };
  return { calls, run };
}

describe('paxos soak', () => {
  it('takes the shapes in turn, each run with the next seed', () => {
    const runs = [0, 1, 2, 3, 4].map((k) => soakRun(SOAK_SHAPES, 7, k));
    expect(runs.map((r) => r.seed)).toEqual([7, 8, 9, 10, 11]);
    expect(runs.map((r) => r.shape.name)).toEqual([...SOAK_SHAPES.map((s) => s.name), SOAK_SHAPES[0]!.name]);
    expect(() => soakRun([], 1, 0)).toThrow(/at least one shape/);
  });

  it('the shapes include two nodes down at once with and without a majority, and a run without checkpoints', () => {
    expect(SOAK_SHAPES.some((s) => s.options.twoDown === true && s.options.nodes >= 5)).toBe(true);
    expect(SOAK_SHAPES.some((s) => s.options.twoDown === true && s.options.nodes === 3)).toBe(true);
    expect(SOAK_SHAPES.some((s) => s.options.checkpointEvery === 0)).toBe(true);
  });

  it('starts a run only if it can finish inside the budget, gives it its shape and seed, and keeps only a failed run\'s directory', async () => {
    const clock = { t: 0 };
    const { calls, run } = fakeRuns(clock, new Set([2]));
    const budgetMs = plannedMs(SOAK_SHAPES[0]!) + plannedMs(SOAK_SHAPES[1]!) + 1_000;
    const lines: string[] = [];
    const results = await runSoak({ budgetMs, firstSeed: 1, shapes: SOAK_SHAPES, dir: join(root, 'a'), progress: (l) => lines.push(l), now: () => clock.t }, run);
    // The third shape's plan does not fit what is left.
    expect(results.map((r) => [r.name, r.seed])).toEqual([[SOAK_SHAPES[0]!.name, 1], [SOAK_SHAPES[1]!.name, 2]]);
    expect(calls[0]).toMatchObject({ ...SOAK_SHAPES[0]!.options, seed: 1, basePort: 0 });
    expect(clock.t).toBeLessThanOrEqual(budgetMs);
    expect(existsSync(results[0]!.dir)).toBe(false);
    expect(existsSync(results[1]!.dir)).toBe(true);
    expect(soakLine(results[1]!)).toBe(`FAIL ${SOAK_SHAPES[1]!.name} seed 2: 9 transfers acknowledged, 1 lost, 0 run twice, 1234 events checked, 65 s; kept in ${results[1]!.dir}: transfers lost: 1`);
    expect(lines.filter((l) => l.includes('FAIL'))).toHaveLength(1);
  });

  it('runs once even when the budget is shorter than any run', async () => {
    const clock = { t: 0 };
    const { run } = fakeRuns(clock, new Set());
    const results = await runSoak({ budgetMs: 1, firstSeed: 5, shapes: [SOAK_SHAPES[2]!], dir: join(root, 'b'), progress: () => {}, now: () => clock.t }, run);
    expect(results.map((r) => [r.name, r.seed, r.report.ok])).toEqual([[SOAK_SHAPES[2]!.name, 5, true]]);
  });
});
