/**
 * Fuzzing the key-value cluster (compare-and-set makes ordering visible in outputs: every
 * acknowledged output must be the one its position in the replicated history gives).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { scenarioArb } from './arbitraries.js';
import { assertSafeAndLive } from './safety.js';

describe('kv cluster under random faults', () => {
  it('stays safe and finishes (3 and 5 nodes)', () => {
    fc.assert(fc.property(scenarioArb('kv', [3, 5]), (s) => assertSafeAndLive(s)), { numRuns: 120 });
  });
});
