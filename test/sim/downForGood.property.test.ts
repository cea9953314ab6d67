/**
 * Runs with a minority of nodes down for good (crashed, or the leader killed, and never
 * restarted) beside faults that heal: safe, and the majority left up answers every request of
 * every client it hosts (src/sim/liveness.ts). Half the runs cut Promises into parts, so a new
 * leader's scout must gather every part from the acceptors left up. Seeded: the same runs each
 * time, a few seconds in all.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { downForGoodCaseArb } from './downForGoodArbitraries.js';
import { assertMajorityLive } from './downForGoodRun.js';

describe('nodes down for good: the majority left up finishes every request it hosts', () => {
  it('bank, 3 and 5 nodes', () => {
    fc.assert(fc.property(downForGoodCaseArb('bank'), assertMajorityLive), { numRuns: 300, seed: 1601 });
  });

  it('kv, 3 and 5 nodes', () => {
    fc.assert(fc.property(downForGoodCaseArb('kv'), assertMajorityLive), { numRuns: 300, seed: 1602 });
  });
});
