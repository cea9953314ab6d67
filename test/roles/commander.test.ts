import { describe, expect, it } from 'vitest';
import { Commander, COMMANDER_RETRANSMIT_TIMER, type AcceptTargets } from '../../src/roles/commander.js';
import { Leader } from '../../src/roles/leader.js';
import { FIRST_QUORUMS_TO_DROP_A_SPARE } from '../../src/roles/recentAcceptors.js';
import { ballot, FakeHost, prop, specOf } from './fake-host.js';

const B = ballot(1, 1);
const P = prop(2, 7);
const yes = (acceptor: number, slot = 4) => ({ type: 'Accepted' as const, acceptor, ballot: B, slot, promised: B });

function startedCommander() {
  const host = new FakeHost({ self: 1 });
  const commander = new Commander(host, B, 4, P);
  host.addRole(commander);
  host.clear();
  return { host, commander };
}

describe('Commander', () => {
  it('sends Accept to every acceptor when it starts', () => {
    const host = new FakeHost({ self: 1 });

    host.addRole(new Commander(host, B, 4, P));

    expect(host.sends('Accept')).toEqual([1, 2, 3].map((to) => ({ to, message: { type: 'Accept', ballot: B, slot: 4, prop: P } })));
    expect(host.timers()).toEqual([{ name: COMMANDER_RETRANSMIT_TIMER, key: '1.1/4' }]);
  });

  it('decides on a quorum of Accepted and tells every replica', () => {
    const { host, commander } = startedCommander();

    commander.receive(1, yes(1));
    expect(host.sends('Decision')).toEqual([]);
    commander.receive(3, yes(3));

    expect(host.sends('Decision')).toEqual([1, 2, 3].map((to) => ({ to, message: { type: 'Decision', slot: 4, prop: P } })));
    expect(host.actions()).toEqual(['CommanderReceiveAccepted', 'CommanderReceiveAccepted']);
    expect(host.journal.some((e) => e.kind === 'remove')).toBe(true);
  });

  it('does not count the same acceptor twice (a duplicate is no step)', () => {
    const { host, commander } = startedCommander();

    commander.receive(2, yes(2));
    commander.receive(2, yes(2));

    expect(host.actions()).toEqual(['CommanderReceiveAccepted']);
    expect(host.sends('Decision')).toEqual([]);
    expect(specOf(commander).commanders[0]?.acks).toEqual([2]);
  });

  it('is preempted by a higher promise and tells its leader', () => {
    const { host, commander } = startedCommander();

    commander.receive(2, { type: 'Accepted', acceptor: 2, ballot: B, slot: 4, promised: ballot(3, 3) });

    expect(host.sends('Preempted')).toEqual([{ to: 1, message: { type: 'Preempted', leader: 1, ballot: ballot(3, 3) } }]);
    expect(host.sends('Decision')).toEqual([]);
  });

  it('ignores an Accepted for another slot or ballot', () => {
    const { host, commander } = startedCommander();

    commander.receive(2, yes(2, 5));
    commander.receive(2, { type: 'Accepted', acceptor: 2, ballot: ballot(0, 1), slot: 4, promised: ballot(0, 1) });

    expect(host.journal).toEqual([]);
    expect(specOf(commander).commanders).toEqual([{ ballot: B, slot: 4, prop: P, acks: [] }]);
  });

  it('retransmits Accept only to acceptors that have not accepted', () => {
    const { host, commander } = startedCommander();
    commander.receive(2, yes(2));
    host.clear();

    commander.onTimer(COMMANDER_RETRANSMIT_TIMER, '1.1/4');

    expect(host.sends('Accept').map((s) => s.to)).toEqual([1, 3]);
    expect(host.actions()).toEqual([]);
  });
});

describe('Commander with its node\'s Leader (the first Accept goes to a recent quorum)', () => {
  const PEERS = [1, 2, 3, 4, 5];

  /** A node 1 whose leader heard acceptors 2, 3, 4 and 5 say yes, 5 last, and is stable: its first Accepts made quorums long enough to drop every spare. */
  function leaderHeardFromAll() {
    const host = new FakeHost({ self: 1, peers: PEERS });
    const leader = new Leader(host);
    host.addRole(leader);
    for (const a of [2, 3, 4, 5]) leader.acceptorSaidYes(a);
    for (let i = 0; i < 2 * FIRST_QUORUMS_TO_DROP_A_SPARE; i++) leader.firstAcceptsOutcome(false);
    host.clear();
    return { host, leader };
  }

  it('is served by the real Leader (what the commander finds on its node)', () => {
    const leader: AcceptTargets = new Leader(new FakeHost({ self: 1, peers: PEERS }));
    expect(leader.firstAcceptTargets()).toEqual(PEERS);
  });

  it('sends every acceptor the Accept while its leader knows no quorum yet', () => {
    const host = new FakeHost({ self: 1, peers: PEERS });
    host.addRole(new Leader(host));
    host.clear();

    host.addRole(new Commander(host, B, 4, P));

    expect(host.sends('Accept').map((s) => s.to)).toEqual(PEERS);
  });

  it('sends every acceptor its leader heard from while the leader has not proved its quorum stable', () => {
    const host = new FakeHost({ self: 1, peers: PEERS });
    const leader = new Leader(host);
    host.addRole(leader);
    for (const a of [2, 4, 5]) leader.acceptorSaidYes(a);
    host.clear();

    host.addRole(new Commander(host, B, 4, P));

    expect(host.sends('Accept').map((s) => s.to)).toEqual([1, 5, 4, 2]);
  });

  it('sends the Accept to its own acceptor and the two heard last, then to every other one on its retransmit timer', () => {
    const { host } = leaderHeardFromAll();
    const commander = new Commander(host, B, 4, P);

    host.addRole(commander);
    expect(host.sends('Accept').map((s) => s.to)).toEqual([1, 5, 4]);

    commander.receive(1, yes(1));
    host.clear();
    commander.onTimer(COMMANDER_RETRANSMIT_TIMER, '1.1/4');
    expect(host.sends('Accept').map((s) => s.to)).toEqual([2, 3, 4, 5]);
  });

  it('narrows its leader\'s first sends once its commanders keep deciding with them (each reports a quorum in time)', () => {
    // The leader learns its first Accepts suffice only from its commanders' reports: one that
    // reported every quorum as a timeout kept each Accept going to every acceptor for good.
    const host = new FakeHost({ self: 1, peers: PEERS });
    const leader = new Leader(host);
    host.addRole(leader);
    for (const a of [2, 3, 4, 5]) leader.acceptorSaidYes(a);
    const firstTargets = () => host.sends('Accept').map((s) => s.to);
    const decideFirstTime = (slot: number) => {
      host.clear();
      const commander = new Commander(host, B, slot, P);
      host.addRole(commander);
      const targets = firstTargets();
      for (const a of [1, 5, 4]) commander.receive(a, yes(a, slot));
      expect(host.sends('Decision')).toHaveLength(PEERS.length);
      return targets;
    };

    expect(decideFirstTime(1)).toEqual([1, 5, 4, 3, 2]); // wide: a spare for each acceptor beyond a quorum
    for (let slot = 2; slot <= 2 * FIRST_QUORUMS_TO_DROP_A_SPARE; slot++) decideFirstTime(slot);
    expect(decideFirstTime(1_000)).toEqual([1, 4, 5]); // every spare dropped: a quorum, no more
  });

  it('decides on a majority of the cluster, not of the acceptors its first Accept went to', () => {
    // First targets 1, 5 and 4: two of them are a majority of those three, not of five
    // (a reviewer's bug that counted against the first targets decided here with two).
    const { host } = leaderHeardFromAll();
    const commander = new Commander(host, B, 4, P);
    host.addRole(commander);
    commander.receive(1, yes(1));
    commander.receive(5, yes(5));
    expect(host.sends('Decision')).toEqual([]);
    commander.receive(4, yes(4));
    expect(host.sends('Decision').map((s) => s.to)).toEqual(PEERS);
  });

  it('tells its leader who said yes, so the next commander goes to them', () => {
    const { host } = leaderHeardFromAll();
    const first = new Commander(host, B, 4, P);
    host.addRole(first);
    first.onTimer(COMMANDER_RETRANSMIT_TIMER, '1.1/4'); // 4 and 5 are silent: everyone gets it
    first.receive(2, yes(2));
    first.receive(3, yes(3));
    host.clear();

    host.addRole(new Commander(host, B, 5, P));

    // One timeout added a spare: the two that answered, and one more.
    expect(host.sends('Accept').map((s) => s.to)).toEqual([1, 3, 2, 5]);
  });
});
