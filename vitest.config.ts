import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Test files that take one worker half a minute or more, slowest first (CI's run of 2026-12-05).
 * Without a timing cache (a fresh clone, as in CI) vitest starts larger files first, and these
 * are small files, so one of them would start last and run alone while the other worker sits
 * idle. graphConformance takes about 75 s where it builds its graph, 16 s where CI hands it one.
 */
const SLOW_FIRST = [
  'test/trace/deadMessages.test.ts', 'test/explore/race.test.ts', 'test/trace/graphConformance.test.ts', 'test/spec/mutants.test.ts',
  'test/trace/conformance.test.ts', 'test/trace/checkpointTraces.test.ts', 'test/explore/checkpoints.test.ts', 'test/explore/parallel.test.ts',
  'test/viewer/browser.test.ts',
];

class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.findIndex((p) => f.moduleId.endsWith(p));
      return i < 0 ? SLOW_FIRST.length : i;
    };
    // Array.prototype.sort is stable: the rest keeps vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every temporary folder a test makes goes in one per run, removed at its end.
    globalSetup: ['test/tmpdirPerRun.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Model checking and fuzzing are CPU-bound; two workers match the two cores CI has.
    pool: 'forks',
    maxWorkers: 2,
    // A worker runs its test files in one module graph, not a fresh one per file: importing the
    // sources again for each of 212 files was 78 s of CI's npm test, and a file starting with
    // cold code paid the JIT's warm-up again (measured: 612 s isolated, 395 s not). Tests share
    // nothing through modules: no vi.mock or stubbed global; the environment variables some set
    // are read only by the processes they spawn.
    isolate: false,
    sequence: { sequencer: SlowFilesFirst },
  },
});
