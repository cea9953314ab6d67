/**
 * A scout keeps every pvalue its quorum reports (spec: the union of the Promises' sets), not one
 * per slot: two acceptors may report different pvalues for one slot, and the one reported last
 * need not have the highest ballot. The leader's pmax must then see the highest one, the only
 * value that may have been chosen there.
 */
import { describe, expect, it } from 'vitest';
import type { Adopted } from '../../src/protocol/messages.js';
import { Leader } from '../../src/roles/leader.js';
import { Scout } from '../../src/roles/scout.js';
import { ballot, FakeHost, prop, specOf } from './fake-host.js';

const B = ballot(5, 1);
const yes = (acceptor: number, accepted: { ballot: { num: number; leader: number }; slot: number; prop: ReturnType<typeof prop> }[]) =>
  ({ type: 'Promise', acceptor, ballot: B, promised: B, accepted }) as const;

describe('Scout: pvalues of one slot from several acceptors', () => {
  const high = { ballot: ballot(3, 2), slot: 1, prop: prop(2, 1) };
  const low = { ballot: ballot(2, 3), slot: 1, prop: prop(3, 1) };

  it('keeps both in its state and in its Adopted, whichever came last', () => {
    const host = new FakeHost({ self: 1 });
    const scout = new Scout(host, B);
    scout.receive(2, yes(2, [high]));
    expect(specOf(scout).scout?.pvalues).toEqual([high]);
    scout.receive(3, yes(3, [low]));
    const adopted = host.sends('Adopted')[0]!.message as Adopted;
    expect([...adopted.pvalues].sort((a, b) => a.ballot.num - b.ballot.num)).toEqual([low, high]);
  });

  it('lets its leader re-propose the highest-ballot value for the slot', () => {
    const host = new FakeHost({ self: 1, durable: { lBallot: B } });
    const leader = new Leader(host);
    host.addRole(leader);
    const scout = new Scout(host, B);
    host.addRole(scout);
    scout.receive(2, yes(2, [high]));
    scout.receive(3, yes(3, [low]));
    leader.receive(1, host.sends('Adopted')[0]!.message as Adopted);
    expect(specOf(leader).lProposals).toEqual([{ slot: 1, prop: high.prop }]);
  });
});
