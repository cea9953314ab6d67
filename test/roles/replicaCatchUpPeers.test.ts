/**
 * Pins who a stalled replica asks to CatchUp: one peer per gap tick, the leader it follows
 * first, then every other peer in turn, whichever position that leader has among the peers.
 * A replica that asked only its leader's node (or skipped ticks) would stay stuck whenever that
 * node lacks the decision too, although another peer holds it; the seeded runs mostly follow
 * the first peer, where the rotation is easy to get right by accident.
 */
import { describe, expect, it } from 'vitest';
import { Replica, REPLICA_GAP_TIMER } from '../../src/roles/replica.js';
import { FakeHost, prop } from './fake-host.js';

describe('Replica CatchUp rotation', () => {
  for (const leader of [2, 3, 4]) {
    it(`asks leader ${leader} first, then each other peer in turn, one per tick`, () => {
      const host = new FakeHost({ self: 1, peers: [1, 2, 3, 4] });
      const replica = new Replica(host);
      host.addRole(replica);
      replica.receive(leader, { type: 'Active', ballot: { num: 5, leader } });
      replica.receive(1, { type: 'Invoke', replica: 1, prop: prop(1, 1) });
      // A gap: slot 2 decided, slot 1 not.
      replica.receive(leader, { type: 'Decision', slot: 2, prop: prop(2, 1) });
      host.clear();

      const asked: (number | null)[] = [];
      for (let tick = 0; tick < 6; tick++) {
        const before = host.sends('CatchUp').length;
        replica.onTimer(REPLICA_GAP_TIMER);
        const sent = host.sends('CatchUp').slice(before);
        expect(sent, `tick ${tick}`).toHaveLength(1);
        asked.push(sent[0]!.to);
      }
      // The leader first; every other peer once in each round of three ticks; the same order again.
      expect(asked[0]).toBe(leader);
      expect([...asked.slice(0, 3)].sort()).toEqual([2, 3, 4]);
      expect(asked.slice(3)).toEqual(asked.slice(0, 3));
    });
  }
});
