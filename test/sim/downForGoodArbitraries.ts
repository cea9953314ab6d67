/**
 * fast-check arbitraries for runs in which a minority of nodes crashes and never restarts
 * (crash or killLeader with restart null), beside the usual faults that heal. Nodes may be
 * built with a small maxPromiseBytes, so that a new leader's Promises come in parts.
 */
import fc from 'fast-check';
import type { Fault } from '../../src/sim/schedule.js';
import type { Scenario } from '../../src/sim/scenario.js';
import type { AppName } from '../../src/sim/workload.js';
import { faultArb, networkArb } from '../property/arbitraries.js';

/** A Promise larger than this is sent in parts: a handful of accepted slots already need two. */
export const SMALL_PROMISE_BYTES = 400;

/** A scenario and the limit its nodes run with (undefined: the default limits). */
export interface DownForGoodCase {
  readonly scenario: Scenario;
  readonly maxPromiseBytes: number | undefined;
}

/** A crash that never heals: a chosen node, or whichever node leads at that time. */
function permanentCrashArb(nodes: number): fc.Arbitrary<Fault> {
  const at = fc.integer({ min: 0, max: 3000 });
  return fc.oneof(
    fc.record({ at, node: fc.integer({ min: 1, max: nodes }) }).map(({ at: t, node }): Fault => ({ kind: 'crash', at: t, node, restart: null })),
    at.map((t): Fault => ({ kind: 'killLeader', at: t, restart: null })),
  );
}

/**
 * Most loss a run with Promises in parts gets: 0.3, networkArb's most (no cap). It was 0.2 while
 * the scouts of the leaders left up could duel for a whole run (120 virtual s) at 0.3 loss, five
 * nodes and 400-byte parts (about one run in 1,500): their leaders scouted again at every leader
 * timeout, sooner than a Promise in 13 parts gets through. Leaders now back off (leader.ts,
 * scoutBackoffTimeouts; test/sim/scoutDuel.test.ts).
 */
export const MAX_LOSS_WITH_PARTS = 0.3;

function capLossWithParts(c: DownForGoodCase): DownForGoodCase {
  const network = c.scenario.schedule.network;
  if (c.maxPromiseBytes === undefined || network.loss <= MAX_LOSS_WITH_PARTS) return c;
  return { ...c, scenario: { ...c.scenario, schedule: { ...c.scenario.schedule, network: { ...network, loss: MAX_LOSS_WITH_PARTS } } } };
}

export function downForGoodCaseArb(app: AppName, sizes: readonly number[] = [3, 5]): fc.Arbitrary<DownForGoodCase> {
  return fc.constantFrom(...sizes).chain((nodes) =>
    fc.record({
      scenario: fc.record({
        seed: fc.integer({ min: 0, max: 0x7fffffff }),
        nodes: fc.constant(nodes),
        app: fc.constant(app),
        workload: fc.record({ clients: fc.integer({ min: 1, max: nodes }), ops: fc.integer({ min: 2, max: 8 }) }),
        schedule: fc.record({
          network: networkArb(),
          // At most a minority down for good, so a majority is always left to make progress.
          faults: fc.tuple(
            fc.array(permanentCrashArb(nodes), { minLength: 1, maxLength: Math.floor((nodes - 1) / 2) }),
            fc.array(faultArb(nodes), { maxLength: 2 }),
          ).map(([forGood, healing]) => [...forGood, ...healing]),
        }),
      }),
      maxPromiseBytes: fc.constantFrom(undefined, SMALL_PROMISE_BYTES),
    }).map(capLossWithParts),
  );
}
