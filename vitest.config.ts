import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Model checking and fuzzing are CPU-bound; two workers match the two cores CI has.
    pool: 'forks',
    maxWorkers: 2,
  },
});
