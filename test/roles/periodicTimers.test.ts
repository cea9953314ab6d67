/**
 * Every periodic timer of a role is armed again each time it fires. A timer that fires once and
 * is not armed again is a liveness bug no trace shows (a retransmit or a timeout is not a spec
 * step) and that the simulated runs mostly survive, another node doing the work instead: a
 * scout that retransmitted Prepare only once, and a leader whose takeover timeout fired only
 * once, passed every check until this test (session 34's reviewers). Each is armed again after
 * the interval it started with, the role's Timing.
 */
import { describe, expect, it } from 'vitest';
import { Bootstrap, BOOTSTRAP_JOIN_TIMER } from '../../src/roles/bootstrap.js';
import { Commander, COMMANDER_RETRANSMIT_TIMER } from '../../src/roles/commander.js';
import { Leader, LEADER_HEARTBEAT_TIMER, LEADER_TIMEOUT_TIMER } from '../../src/roles/leader.js';
import { Replica, REPLICA_GAP_TIMER, REPLICA_LEADER_TIMER } from '../../src/roles/replica.js';
import { Requester, REQUESTER_RETRANSMIT_TIMER } from '../../src/roles/requester.js';
import { Scout, SCOUT_RETRANSMIT_TIMER } from '../../src/roles/scout.js';
import type { Role } from '../../src/node/role.js';
import { ballot, FakeHost, prop } from './fake-host.js';

interface Case {
  role: string;
  timers: string[];
  /** The role, started on `host` (its first timers armed). */
  start(host: FakeHost): Role;
}

const CASES: Case[] = [
  { role: 'Leader', timers: [LEADER_HEARTBEAT_TIMER, LEADER_TIMEOUT_TIMER], start: (host) => new Leader(host) },
  { role: 'Replica', timers: [REPLICA_GAP_TIMER, REPLICA_LEADER_TIMER], start: (host) => new Replica(host) },
  { role: 'Scout', timers: [SCOUT_RETRANSMIT_TIMER], start: (host) => new Scout(host, ballot(2, 1)) },
  { role: 'Commander', timers: [COMMANDER_RETRANSMIT_TIMER], start: (host) => new Commander(host, ballot(1, 1), 4, prop(2, 7)) },
  { role: 'Bootstrap', timers: [BOOTSTRAP_JOIN_TIMER], start: (host) => new Bootstrap(host) },
  {
    role: 'Requester', timers: [REQUESTER_RETRANSMIT_TIMER],
    start: (host) => {
      const requester = new Requester(host);
      host.addRole(requester);
      expect(requester.invoke(7, 'add 1')).toBe('ok');
      return requester;
    },
  },
];

describe('periodic timers are armed again each time they fire', () => {
  for (const c of CASES) {
    it(`${c.role}: ${c.timers.join(', ')}`, () => {
      const host = new FakeHost({ self: 1, peers: [1, 2, 3] });
      const role = c.start(host);
      if (!host.journal.some((e) => e.kind === 'add')) host.addRole(role);
      // The key each timer was first armed with (a scout's ballot, a commander's slot, a client id).
      const armed = new Map(host.timers().map((t) => [t.name, t.key]));
      // And its interval: one re-armed at 0 ms spins, one at a larger interval each time drifts off.
      const every = new Map(host.journal.flatMap((e) => (e.kind === 'timer' ? [[e.name, e.afterMs] as const] : [])));
      for (const name of c.timers) expect(armed.has(name), `${c.role} arms ${name} when it starts`).toBe(true);
      for (let round = 1; round <= 3; round++) {
        for (const name of c.timers) {
          host.clear();
          role.onTimer(name, armed.get(name));
          expect(host.timers(), `${c.role}'s ${name}, firing ${round}`).toContainEqual({ name, key: armed.get(name) });
          const again = host.journal.flatMap((e) => (e.kind === 'timer' && e.name === name ? [e.afterMs] : []));
          expect(again, `${c.role}'s ${name} re-armed after the interval it started with`).toEqual([every.get(name)]);
          expect(every.get(name)).toBeGreaterThan(0);
        }
      }
    });
  }
});
