/**
 * A duel of scouts (found by downForGood.property.test.ts): five nodes, two crashed for good,
 * 30% loss and 400-byte Promise parts. Each acceptor's Promise came in 12 to 14 parts, and the
 * scout needs all of them from each of the three acceptors left up: at 30% loss that takes
 * several 500 ms Prepare rounds, longer than the 1 s leader timeout. The three leaders left up,
 * whose timeouts tick in step, scouted again at every timeout with the ballot above the one that
 * preempted them, so each scout was preempted before it could finish: about 200 scouts, 6
 * adoptions in 120 s, client 1 with 2 of 4 answers. A leader preempted again before any adoption
 * now backs off (Leader, scoutBackoffTimeouts).
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/sim/scenario.js';
import { SMALL_PROMISE_BYTES } from './downForGoodArbitraries.js';
import { assertMajorityLive } from './downForGoodRun.js';

const DUEL: Scenario = {
  seed: 1131322782, nodes: 5, app: 'bank', workload: { clients: 2, ops: 4 },
  schedule: {
    network: { loss: 0.3, duplicate: 0, reorder: 0.3, reorderMs: 62, delay: { minMs: 3, maxMs: 4 } },
    faults: [
      { kind: 'crash', at: 2551, node: 4, restart: null },
      { kind: 'crash', at: 1146, node: 5, restart: null },
    ],
  },
};

describe('scouts of the leaders left up do not preempt each other for a whole run', () => {
  it('seed 1131322782: 5 nodes, 2 down for good, 30% loss, 400-byte Promise parts', () => {
    expect(() => assertMajorityLive({ scenario: DUEL, maxPromiseBytes: SMALL_PROMISE_BYTES })).not.toThrow();
  });

  it('the same shape over other seeds (5 nodes, 2 down for good)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      assertMajorityLive({ scenario: { ...DUEL, seed }, maxPromiseBytes: SMALL_PROMISE_BYTES });
    }
  });
});
