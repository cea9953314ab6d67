import { describe, expect, it } from 'vitest';
import { Leader, LEADER_HEARTBEAT_TIMER, LEADER_TIMEOUT_TIMER } from '../../src/roles/leader.js';
import type { Replica } from '../../src/roles/replica.js';
import { Scout } from '../../src/roles/scout.js';
import { ballot, FakeHost, prop, specOf } from './fake-host.js';

function leaderOn(host = new FakeHost({ self: 1 })) {
  const leader = new Leader(host);
  host.addRole(leader);
  host.clear();
  return { host, leader };
}

/** A leader whose scout for <<0, 1>> was adopted with no pvalues. */
function activeLeader() {
  const { host, leader } = leaderOn();
  leader.receive(1, { type: 'Adopted', ballot: ballot(0, 1), pvalues: [] });
  host.clear();
  return { host, leader };
}

describe('Leader', () => {
  it('starts with its durable ballot, or <<0, self>> on a fresh node', () => {
    expect(specOf(leaderOn().leader).lBallot).toEqual(ballot(0, 1));
    expect(specOf(leaderOn(new FakeHost({ self: 1, durable: { lBallot: ballot(6, 1) } })).leader).lBallot).toEqual(ballot(6, 1));
  });

  it('keeps a Propose while passive and spawns a scout for its ballot', () => {
    const { host, leader } = leaderOn();

    leader.receive(2, { type: 'Propose', slot: 1, prop: prop(2, 1) });

    expect(host.actions()).toEqual(['LeaderReceivePropose', 'LeaderSpawnScout']);
    expect(specOf(leader).lProposals).toEqual([{ slot: 1, prop: prop(2, 1) }]);
    expect(host.sends('Prepare').map((s) => s.message)).toEqual([1, 2, 3].map(() => ({ type: 'Prepare', ballot: ballot(0, 1) })));
    expect(host.rolesNamed('Scout')).toHaveLength(1);
  });

  it('does not spawn a second scout while one runs', () => {
    const { host, leader } = leaderOn();
    leader.receive(2, { type: 'Propose', slot: 1, prop: prop(2, 1) });

    leader.receive(3, { type: 'Propose', slot: 2, prop: prop(3, 1) });

    expect(host.actions()).toEqual(['LeaderReceivePropose', 'LeaderSpawnScout', 'LeaderReceivePropose']);
    expect(host.rolesNamed('Scout')).toHaveLength(1);
  });

  it('does not fight a leader it hears is active', () => {
    const { host, leader } = leaderOn();
    leader.receive(3, { type: 'Active', ballot: ballot(1, 3) });

    leader.receive(2, { type: 'Propose', slot: 1, prop: prop(2, 1) });

    expect(host.actions()).toEqual(['LeaderReceivePropose']);
  });

  it('keeps only the first proposal for a slot (a second Propose is no step)', () => {
    const { host, leader } = activeLeader();
    leader.receive(2, { type: 'Propose', slot: 1, prop: prop(2, 1) });
    host.clear();

    leader.receive(3, { type: 'Propose', slot: 1, prop: prop(3, 1) });

    expect(host.journal).toEqual([]);
    expect(specOf(leader).lProposals).toEqual([{ slot: 1, prop: prop(2, 1) }]);
  });

  it('when active, drives a new proposal with a commander at once', () => {
    const { host, leader } = activeLeader();

    leader.receive(2, { type: 'Propose', slot: 3, prop: prop(2, 1) });

    expect(host.actions()).toEqual(['LeaderReceivePropose']);
    expect(host.sends('Accept').map((s) => s.message)).toEqual([1, 2, 3].map(() => ({ type: 'Accept', ballot: ballot(0, 1), slot: 3, prop: prop(2, 1) })));
  });

  it('on Adopted takes the highest-ballot pvalue per slot and re-drives EVERY proposal', () => {
    const { host, leader } = leaderOn();
    leader.receive(2, { type: 'Propose', slot: 1, prop: prop(2, 1) }); // its own, will be overridden
    leader.receive(2, { type: 'Propose', slot: 3, prop: prop(2, 3) }); // its own, kept
    host.roles.splice(host.roles.findIndex((r) => r instanceof Scout), 1);
    host.clear();

    leader.receive(1, {
      type: 'Adopted', ballot: ballot(0, 1), pvalues: [
        { ballot: ballot(0, 2), slot: 1, prop: prop(3, 1) },
        { ballot: ballot(0, 3), slot: 1, prop: prop(3, 2) },
        { ballot: ballot(0, 2), slot: 2, prop: prop(2, 2) },
      ],
    });

    expect(host.actions()).toEqual(['LeaderReceiveAdopted']);
    expect(specOf(leader)).toMatchObject({
      lActive: true,
      lProposals: [{ slot: 1, prop: prop(3, 2) }, { slot: 2, prop: prop(2, 2) }, { slot: 3, prop: prop(2, 3) }],
    });
    const driven = host.rolesNamed('Commander').map((c) => specOf(c).commanders[0]);
    expect(driven).toEqual([
      { ballot: ballot(0, 1), slot: 1, prop: prop(3, 2), acks: [] },
      { ballot: ballot(0, 1), slot: 2, prop: prop(2, 2), acks: [] },
      { ballot: ballot(0, 1), slot: 3, prop: prop(2, 3), acks: [] },
    ]);
  });

  it('on Adopted leaves the slots its own replica executed (decided) and drives from the replica\'s next slot to execute', () => {
    const { host, leader } = leaderOn();
    // The node's replica executed slots 1 and 2 (a stand-in: the leader reads only this).
    host.roles.push({ name: 'Replica', nextSlotToExecute: 3 } as unknown as Replica);
    leader.receive(2, { type: 'Propose', slot: 2, prop: prop(2, 2) }); // its own, below: left
    leader.receive(2, { type: 'Propose', slot: 5, prop: prop(2, 5) }); // its own, kept
    host.roles.splice(host.roles.findIndex((r) => r instanceof Scout), 1);
    host.clear();

    leader.receive(1, {
      type: 'Adopted', ballot: ballot(0, 1), pvalues: [1, 2, 3, 4].map((slot) => ({ ballot: ballot(0, 2), slot, prop: prop(3, slot) })),
    });

    expect(specOf(leader)).toMatchObject({
      lActive: true, lMark: 3,
      lProposals: [{ slot: 3, prop: prop(3, 3) }, { slot: 4, prop: prop(3, 4) }, { slot: 5, prop: prop(2, 5) }],
    });
    expect(host.sends('Accept').map((s) => (s.message as { slot: number }).slot)).toEqual([3, 3, 3, 4, 4, 4, 5, 5, 5]);
    // A Propose for an executed slot is refused as one below the mark is.
    host.clear();
    leader.receive(3, { type: 'Propose', slot: 1, prop: prop(3, 9) });
    expect(host.actions()).toEqual([]);
  });

  it('ignores an Adopted for a ballot it no longer has', () => {
    const { host, leader } = leaderOn(new FakeHost({ self: 1, durable: { lBallot: ballot(2, 1) } }));

    leader.receive(1, { type: 'Adopted', ballot: ballot(0, 1), pvalues: [] });

    expect(host.journal).toEqual([]);
    expect(specOf(leader).lActive).toBe(false);
  });

  it('preempted by a higher ballot, writes the next ballot durably first and goes passive', () => {
    const { host, leader } = activeLeader();

    leader.receive(1, { type: 'Preempted', leader: 1, ballot: ballot(4, 3) });

    expect(host.kinds()).toEqual(['append', 'action']);
    expect(host.records()).toEqual([{ kind: 'leaderBallot', ballot: ballot(5, 1) }]);
    expect(host.durable().lBallot).toEqual(ballot(5, 1));
    expect(specOf(leader)).toMatchObject({ lBallot: ballot(5, 1), lActive: false });
    expect(host.actions()).toEqual(['LeaderReceivePreempted']);
  });

  it('ignores a Preempted that is not above its ballot', () => {
    const { host, leader } = activeLeader();

    leader.receive(1, { type: 'Preempted', leader: 1, ballot: ballot(0, 1) });

    expect(host.journal).toEqual([]);
    expect(specOf(leader).lActive).toBe(true);
  });

  it('sends heartbeats to the other nodes only while active', () => {
    const passive = leaderOn();
    passive.leader.onTimer(LEADER_HEARTBEAT_TIMER);
    expect(passive.host.sends()).toEqual([]);

    const { host, leader } = activeLeader();
    leader.onTimer(LEADER_HEARTBEAT_TIMER);
    expect(host.sends('Active')).toEqual([2, 3].map((to) => ({ to, message: { type: 'Active', ballot: ballot(0, 1) } })));
    expect(host.timers()).toEqual([{ name: LEADER_HEARTBEAT_TIMER, key: undefined }]);
  });

  it('sends a heartbeat only to the peers its commanders did not reach since the last one', () => {
    const { host, leader } = activeLeader();
    for (let beat = 0; beat < 2; beat++) {
      leader.sentAccept([1, 2]);
      leader.sentDecision([1, 2, 3]);
      leader.onTimer(LEADER_HEARTBEAT_TIMER);
    }
    // 2 had Accepts (they carry the ballot); 3 only Decisions: skipped one beat in two.
    expect(host.sends('Active')).toEqual([{ to: 3, message: { type: 'Active', ballot: ballot(0, 1) } }]);
  });

  it('takes an Accept from another leader as its heartbeat, and then that leader\'s Decisions too', () => {
    const { host, leader } = leaderOn();
    leader.receive(2, { type: 'Propose', slot: 1, prop: prop(2, 1) });
    host.rolesNamed('Scout').forEach((s) => host.removeRole(s));
    leader.receive(3, { type: 'Accept', ballot: ballot(1, 3), slot: 1, prop: prop(2, 1) });
    leader.onTimer(LEADER_TIMEOUT_TIMER); // heard 3's Accept in this period: wait
    leader.receive(3, { type: 'Decision', slot: 1, prop: prop(2, 1) });
    leader.onTimer(LEADER_TIMEOUT_TIMER); // heard 3's Decision: wait
    expect(host.actions()).toEqual(['LeaderReceivePropose', 'LeaderSpawnScout']);

    leader.receive(2, { type: 'Decision', slot: 2, prop: prop(2, 2) }); // 2 is not a leader it heard
    leader.onTimer(LEADER_TIMEOUT_TIMER);
    expect(host.actions()).toEqual(['LeaderReceivePropose', 'LeaderSpawnScout', 'LeaderSpawnScout']);
  });

  it('on timeout with work pending and no live leader heard, spawns a scout', () => {
    const { host, leader } = leaderOn();
    leader.receive(3, { type: 'Active', ballot: ballot(1, 3) });
    leader.receive(2, { type: 'Propose', slot: 1, prop: prop(2, 1) });

    leader.onTimer(LEADER_TIMEOUT_TIMER); // heard leader 3 during this period: wait
    expect(host.actions()).toEqual(['LeaderReceivePropose']);

    leader.onTimer(LEADER_TIMEOUT_TIMER); // silence for a whole period: take over
    expect(host.actions()).toEqual(['LeaderReceivePropose', 'LeaderSpawnScout']);
  });
});
