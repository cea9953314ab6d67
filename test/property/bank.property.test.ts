/**
 * Fuzzing the bank cluster: random fault schedules and workloads. After every run: replica
 * histories are prefixes of one another, no request ran twice, every acknowledged result is
 * at its position in every live replica, and every replica's total balance equals the
 * deposits it executed.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { scenarioArb } from './arbitraries.js';
import { assertSafeAndLive } from './safety.js';

describe('bank cluster under random faults', () => {
  it('stays safe and finishes (3 and 5 nodes)', () => {
    fc.assert(fc.property(scenarioArb('bank', [3, 5]), (s) => assertSafeAndLive(s)), { numRuns: 150 });
  });

  it('stays safe and finishes (7 nodes)', () => {
    fc.assert(fc.property(scenarioArb('bank', [7]), (s) => assertSafeAndLive(s)), { numRuns: 30 });
  });
});
