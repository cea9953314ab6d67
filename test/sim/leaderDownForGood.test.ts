/**
 * Seeded runs of one shape: the leader is killed for good once many slots are accepted, so the
 * next leader's scout must gather Promises that come in parts (small maxPromiseBytes) over a
 * lossy network from the acceptors left up, with no spare acceptor to make up for one that it
 * does not ask again. The majority left up must answer every request it hosts.
 */
import { describe, it } from 'vitest';
import { scheduleOf } from '../../src/sim/schedule.js';
import { SMALL_PROMISE_BYTES } from './downForGoodArbitraries.js';
import { assertMajorityLive } from './downForGoodRun.js';

const SEEDS = 20;

describe('the leader killed for good, Promises in parts, 20% loss', () => {
  for (const nodes of [3, 5]) {
    it(`${nodes} nodes: seeds 1..${SEEDS} finish every request of the nodes left up`, () => {
      for (let seed = 1; seed <= SEEDS; seed++) {
        assertMajorityLive({
          maxPromiseBytes: SMALL_PROMISE_BYTES,
          scenario: {
            seed, nodes, app: 'kv', workload: { clients: nodes - 1, ops: 10 },
            schedule: scheduleOf({ loss: 0.2 }, [{ kind: 'killLeader', at: 3000, restart: null }]),
          },
        });
      }
    });
  }
});
