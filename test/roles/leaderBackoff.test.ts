import { describe, expect, it } from 'vitest';
import {
  Leader, LEADER_TIMEOUT_TIMER, MAX_SCOUT_BACKOFF_EXPONENT, scoutBackoffTimeouts,
} from '../../src/roles/leader.js';
import { ballot, FakeHost, prop } from './fake-host.js';

function passiveWithWork() {
  const host = new FakeHost({ self: 1 });
  const leader = new Leader(host);
  host.addRole(leader);
  leader.receive(2, { type: 'Propose', slot: 1, prop: prop(2, 1) });
  return { host, leader };
}

/** Its scout is preempted by a Promise for `<<num, 3>>` (the Preempted the scout sends its leader). */
function preempt(host: FakeHost, leader: Leader, num: number): void {
  host.rolesNamed('Scout').forEach((s) => host.removeRole(s));
  leader.receive(1, { type: 'Preempted', leader: 1, ballot: ballot(num, 3) });
  host.clear();
}

/** How many of `timeouts` leader timeouts pass before it spawns a scout (all of them: none spawned). */
function timeoutsUntilScout(host: FakeHost, leader: Leader, timeouts: number): number {
  for (let i = 0; i < timeouts; i++) {
    leader.onTimer(LEADER_TIMEOUT_TIMER);
    if (host.actions().includes('LeaderSpawnScout')) return i;
  }
  return timeouts;
}

describe('scoutBackoffTimeouts', () => {
  it('is 0 after a first preemption, then in [2^(n-2), 2^(n-1)) for the n-th, capped', () => {
    for (const self of [1, 2, 3, 4, 5]) {
      for (let num = 0; num < 50; num++) {
        expect(scoutBackoffTimeouts(1, self, num)).toBe(0);
        for (let n = 2; n <= 9; n++) {
          const low = 2 ** Math.min(n - 2, MAX_SCOUT_BACKOFF_EXPONENT);
          const t = scoutBackoffTimeouts(n, self, num);
          expect(t).toBeGreaterThanOrEqual(low);
          expect(t).toBeLessThan(2 * low);
        }
      }
    }
  });

  it('differs between nodes that failed as often (at the same ballot number)', () => {
    const waits = new Set([1, 2, 3, 4, 5].map((self) => scoutBackoffTimeouts(5, self, 7)));
    expect(waits.size).toBeGreaterThan(1);
  });
});

describe('Leader backoff between attempts at phase 1', () => {
  it('scouts at the next timeout after a first preemption, as before', () => {
    const { host, leader } = passiveWithWork();
    preempt(host, leader, 1);
    expect(timeoutsUntilScout(host, leader, 1)).toBe(0);
  });

  it('preempted again with no adoption: lets timeouts pass, and no Propose makes it scout meanwhile', () => {
    const { host, leader } = passiveWithWork();
    preempt(host, leader, 1);
    preempt(host, leader, 3);
    preempt(host, leader, 5);
    const wait = scoutBackoffTimeouts(3, 1, 6);
    expect(wait).toBeGreaterThanOrEqual(2);
    leader.receive(2, { type: 'Propose', slot: 2, prop: prop(2, 2) });
    expect(host.actions()).toEqual(['LeaderReceivePropose']);
    host.clear();
    expect(timeoutsUntilScout(host, leader, 20)).toBe(wait);
  });

  it('forgets its failures once its ballot is adopted', () => {
    const { host, leader } = passiveWithWork();
    preempt(host, leader, 1);
    preempt(host, leader, 3);
    leader.receive(1, { type: 'Adopted', ballot: ballot(4, 1), pvalues: [] });
    preempt(host, leader, 6);
    expect(timeoutsUntilScout(host, leader, 1)).toBe(0);
  });

  it('forgets its failures once another leader is heard at a timeout', () => {
    const { host, leader } = passiveWithWork();
    preempt(host, leader, 1);
    preempt(host, leader, 3);
    preempt(host, leader, 5);
    leader.receive(3, { type: 'Active', ballot: ballot(5, 3) });
    leader.onTimer(LEADER_TIMEOUT_TIMER); // heard leader 3: wait, and the duel is over
    expect(host.actions()).toEqual([]);
    preempt(host, leader, 8);
    expect(timeoutsUntilScout(host, leader, 1)).toBe(0);
  });
  it('drops the wait it was backing off for once another leader is heard at a timeout: that leader gone, it scouts at once', () => {
    const { host, leader } = passiveWithWork();
    preempt(host, leader, 1);
    preempt(host, leader, 3);
    preempt(host, leader, 5);
    expect(scoutBackoffTimeouts(3, 1, 6)).toBeGreaterThanOrEqual(2);
    leader.receive(3, { type: 'Active', ballot: ballot(5, 3) });
    leader.onTimer(LEADER_TIMEOUT_TIMER); // heard leader 3: the duel is over
    host.clear();
    // Leader 3 falls silent: a new Propose, or the next timeout, makes it scout (not 2..3 timeouts later).
    leader.receive(2, { type: 'Propose', slot: 2, prop: prop(2, 2) });
    expect(host.actions()).toEqual(['LeaderReceivePropose', 'LeaderSpawnScout']);
    host.rolesNamed('Scout').forEach((s) => host.removeRole(s));
    host.clear();
    expect(timeoutsUntilScout(host, leader, 1)).toBe(0);
  });
});
