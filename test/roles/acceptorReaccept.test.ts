/**
 * A new leader re-proposes the value it adopted for a slot under its own, higher ballot: the
 * acceptor's pvalue there changes ballot but not proposal. That change must be durable like any
 * other accept: a restarted acceptor that reported the old, lower ballot would let a later
 * leader's pmax pick another acceptor's pvalue of a ballot in between, a second value for a
 * slot already chosen.
 */
import { describe, expect, it } from 'vitest';
import type { Adopted, Promise } from '../../src/protocol/messages.js';
import { Acceptor } from '../../src/roles/acceptor.js';
import { Leader } from '../../src/roles/leader.js';
import { Scout } from '../../src/roles/scout.js';
import { ballot, FakeHost, prop, specOf } from './fake-host.js';

const chosen = prop(2, 1);
const other = prop(3, 1);

/** Acceptor 1 accepts `chosen` for slot 1 under <<1, 2>>, then again under <<3, 3>> (re-proposed); returns its durable state. */
function reacceptedDurable() {
  const host = new FakeHost({ self: 1 });
  const acceptor = new Acceptor(host);
  acceptor.receive(2, { type: 'Accept', ballot: ballot(1, 2), slot: 1, prop: chosen });
  acceptor.receive(3, { type: 'Accept', ballot: ballot(3, 3), slot: 1, prop: chosen });
  expect(specOf(acceptor).aAccepted).toEqual([{ ballot: ballot(3, 3), slot: 1, prop: chosen }]);
  return host.durableState();
}

describe('Acceptor: the same proposal accepted again under a higher ballot', () => {
  it('is written durably: the record holds the higher ballot', () => {
    expect(reacceptedDurable().aAccepted).toEqual([{ ballot: ballot(3, 3), slot: 1, prop: chosen }]);
  });

  it('is what the acceptor reports after a restart, so the next leader keeps the chosen value', () => {
    // <<3, 3>> chose `chosen` at acceptors 1 and 2; acceptor 3 accepted `other` under <<2, 1>> only.
    const restartedHost = new FakeHost({ self: 1, durable: reacceptedDurable() });
    const restarted = new Acceptor(restartedHost);
    restarted.receive(1, { type: 'Prepare', ballot: ballot(4, 1) });
    const promise = restartedHost.sends('Promise')[0]!.message as Promise;

    // Leader 1 scouts <<4, 1>> with the quorum {1, 3}: pmax must pick the chosen value.
    const host = new FakeHost({ self: 1, durable: { lBallot: ballot(4, 1) } });
    const leader = new Leader(host);
    host.addRole(leader);
    const scout = new Scout(host, ballot(4, 1));
    host.addRole(scout);
    scout.receive(1, promise);
    scout.receive(3, { type: 'Promise', acceptor: 3, ballot: ballot(4, 1), promised: ballot(4, 1), accepted: [{ ballot: ballot(2, 1), slot: 1, prop: other }] });
    const adopted = host.sends('Adopted')[0]!.message as Adopted;
    leader.receive(1, adopted);
    expect(specOf(leader).lProposals).toEqual([{ slot: 1, prop: chosen }]);
    expect(promise.accepted).toEqual([{ ballot: ballot(3, 3), slot: 1, prop: chosen }]);
  });
});
