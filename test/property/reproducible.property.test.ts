/** Same seed + same schedule => byte-identical event log, for random schedules. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/sim/scenario.js';
import { scenarioArb } from './arbitraries.js';
import { PROPERTY_BOUNDS } from './safety.js';

describe('simulated runs are reproducible', () => {
  it('replaying a scenario gives the same event log, byte for byte', () => {
    fc.assert(
      fc.property(scenarioArb('bank', [3, 5]), (s) => {
        const a = runScenario(s, PROPERTY_BOUNDS);
        const b = runScenario(JSON.parse(JSON.stringify(s)), PROPERTY_BOUNDS);
        expect(JSON.stringify(b.result.log)).toBe(JSON.stringify(a.result.log));
        expect(JSON.stringify(b.result.acks)).toBe(JSON.stringify(a.result.acks));
      }),
      { numRuns: 15 },
    );
  });
});
