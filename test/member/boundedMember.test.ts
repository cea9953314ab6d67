/**
 * A Member holds what is pending, not what it handled: after a few hundred requests and a
 * pause longer than any one-shot timer, its request map is empty and its timer set holds only
 * the nodes' periodic timers. Read through private fields on purpose: neither is observable
 * until memory runs out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FAST_TIMING, inMemoryCluster, setupAccounts } from './cluster.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

interface Held { pending: Map<number, unknown>; timers: Set<unknown> }
const held = (m: object): Held => m as unknown as Held;
/** Longer than every one-shot timer FAST_TIMING arms (retransmits, the seed's linger). */
const QUIET_MS = 2 * Math.max(...Object.values(FAST_TIMING).map((ms) => ms ?? 0));

describe('Member memory over a run', () => {
  it('keeps no settled request and no fired timer', async () => {
    const c = inMemoryCluster(3);
    cleanups.push(c.stop);
    await setupAccounts(c.members[0]!);
    for (let i = 0; i < 200; i++) await c.members[i % 3]!.invoke({ op: 'deposit', account: 'a', amount: 1 });
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    for (const m of c.members) {
      expect(held(m).pending.size, `member ${m.id}`).toBe(0);
      // The leader's and the replica's periodic timers, a handful: not one per timer fired (hundreds).
      expect(held(m).timers.size, `member ${m.id}`).toBeLessThanOrEqual(8);
    }
  }, 20_000);
});
