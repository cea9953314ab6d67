/**
 * A soak: chaos runs (run.ts) longer and harsher than CI's 20-second one, one after another
 * with fresh seeds, until a time budget is spent. Each shape is a fault pattern of the kind
 * that found bugs here and that CI cannot afford at length: two nodes down at once (with and
 * without a majority left), two nodes rejoining together without checkpoints (whole-history
 * Welcomes), and a loaded run with frequent snapshots. A run that fails keeps its directory.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ChaosOptions, ChaosReport } from './run.js';

/** A chaos run's fault pattern and load; the seed, directory and progress are the soak's. */
export interface SoakShape {
  readonly name: string;
  /** What it exercises, for the soak's report. */
  readonly why: string;
  readonly options: Omit<ChaosOptions, 'seed' | 'dir' | 'basePort' | 'progress' | 'onNodeLine'>;
}

export const SOAK_SHAPES: readonly SoakShape[] = [
  {
    name: 'two-down-5',
    why: '5 nodes, the leader and a follower down at once: a majority stays up and keeps deciding',
    options: { nodes: 5, clients: 20, rate: 200, durationMs: 60_000, rounds: 2, downMs: 6_000, twoDown: true },
  },
  {
    name: 'two-down-3',
    why: '3 nodes, two down at once: no majority until both are back, then both rejoin together',
    options: { nodes: 3, clients: 12, rate: 100, durationMs: 45_000, rounds: 2, downMs: 5_000, twoDown: true },
  },
  {
    name: 'no-checkpoints',
    why: '5 nodes without checkpoints, two down at once: whole-history Welcomes to two rejoining nodes',
    options: { nodes: 5, clients: 12, rate: 100, durationMs: 45_000, rounds: 2, downMs: 5_000, twoDown: true, checkpointEvery: 0 },
  },
  {
    name: 'loaded-3',
    why: '3 nodes at 400 transfers/s with a snapshot every 25 slots: restarts from snapshots, peers that forgot what a follower missed',
    options: { nodes: 3, clients: 40, rate: 400, durationMs: 120_000, rounds: 3, downMs: 8_000, checkpointEvery: 25 },
  },
];

/** The k-th run of a soak (from 0): the shapes in turn, each run with its own seed. */
export function soakRun(shapes: readonly SoakShape[], firstSeed: number, k: number): { shape: SoakShape; seed: number } {
  if (shapes.length === 0) throw new Error('a soak needs at least one shape');
  return { shape: shapes[k % shapes.length]!, seed: firstSeed + k };
}

/**
 * Time a run of this shape may take at most, as the soak budgets it: its workload, its
 * restarts and leader changes, the final reads and the trace check (measured: a 120 s run's
 * whole took 150 s on an idle 2-core machine).
 */
export const plannedMs = (shape: SoakShape): number => shape.options.durationMs * 1.5 + 30_000;

export interface SoakOptions {
  readonly budgetMs: number;
  readonly firstSeed: number;
  readonly shapes: readonly SoakShape[];
  /** Each run's directory is dir/<k>-<shape>-seed<seed>, removed when the run passes (its traces take GBs). */
  readonly dir: string;
  readonly progress: (line: string) => void;
  /** The clock, in ms (tests give their own). */
  readonly now?: () => number;
}

export interface SoakResult {
  readonly name: string;
  readonly seed: number;
  readonly dir: string;
  readonly report: ChaosReport;
}

/**
 * Runs chaos runs until the next one would not finish inside the budget (at least one runs).
 * `run` is runChaos (tests hand their own, to check the budget and the report).
 */
export async function runSoak(o: SoakOptions, run: (options: ChaosOptions) => Promise<ChaosReport>): Promise<SoakResult[]> {
  const now = o.now ?? (() => performance.now());
  const start = now();
  const results: SoakResult[] = [];
  for (let k = 0; ; k++) {
    const { shape, seed } = soakRun(o.shapes, o.firstSeed, k);
    const spent = now() - start;
    if (k > 0 && spent + plannedMs(shape) > o.budgetMs) break;
    const dir = join(o.dir, `${k + 1}-${shape.name}-seed${seed}`);
    o.progress(`run ${k + 1}: ${shape.name} (seed ${seed}; ${shape.why})`);
    // The run's own progress lines, indented: a nightly log is what is left of a run that hung.
    const report = await run({ ...shape.options, seed, dir, basePort: 0, progress: (line) => o.progress(`    ${line}`) });
    if (report.ok) rmSync(dir, { recursive: true, force: true });
    results.push({ name: shape.name, seed, dir, report });
    o.progress(`  ${soakLine(results[results.length - 1]!)}`);
  }
  return results;
}

/** One run's outcome in a line. */
export function soakLine(r: SoakResult): string {
  const h = r.report.history;
  const figures = `${h === undefined ? '?' : h.acknowledged} transfers acknowledged, ${h?.lost ?? '?'} lost, ${h?.duplicated ?? '?'} run twice, ${r.report.traces.events} events checked, ${(r.report.wallMs / 1000).toFixed(0)} s`;
  return r.report.ok ? `PASS ${r.name} seed ${r.seed}: ${figures}` : `FAIL ${r.name} seed ${r.seed}: ${figures}; kept in ${r.dir}: ${r.report.problems[0] ?? ''}`;
}
