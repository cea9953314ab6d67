/**
 * A scout holding some parts of an acceptor's Promise has not heard that acceptor's yes: a part
 * lost in the network is a lost Promise, and only the retransmitted Prepare gets it answered
 * again. Its retransmit timer must ask that acceptor too, or with the cluster's other acceptors
 * down or slow the scout (and its leader, which spawns no second one) waits forever.
 */
import { describe, expect, it } from 'vitest';
import type { Promise } from '../../src/protocol/messages.js';
import type { PValue } from '../../src/protocol/values.js';
import { Acceptor } from '../../src/roles/acceptor.js';
import { Scout, SCOUT_RETRANSMIT_TIMER } from '../../src/roles/scout.js';
import { ballot, FakeHost, prop, specOf } from './fake-host.js';

const B = ballot(2, 1);
const pvalue = (slot: number): PValue => ({ ballot: ballot(1, 3), slot, prop: prop(3, slot, 'x'.repeat(200)) });

/** Acceptor 2, holding pvalues that need a Promise in parts: its answers to one Prepare. */
function acceptor2() {
  const host = new FakeHost({ self: 2, durable: { aBallot: ballot(1, 3), aAccepted: [1, 2, 3, 4, 5, 6].map(pvalue) }, limits: { maxPromiseBytes: 700 } });
  const acceptor = new Acceptor(host);
  return {
    answer(): Promise[] {
      host.clear();
      acceptor.receive(1, { type: 'Prepare', ballot: B });
      return host.sends('Promise').map((s) => s.message as Promise);
    },
  };
}

describe('Scout: an acceptor whose Promise parts arrived in part', () => {
  it('is asked again on the retransmit timer, and its answer then gets the ballot adopted', () => {
    const host = new FakeHost({ self: 1 });
    const scout = new Scout(host, B);
    host.addRole(scout);
    const a2 = acceptor2();
    const parts = a2.answer();
    expect(parts.length).toBeGreaterThan(1);
    // Acceptor 1 (its own node) promises; of acceptor 2's parts the last one is lost; 3 is down.
    scout.receive(1, { type: 'Promise', acceptor: 1, ballot: B, promised: B, accepted: [] });
    for (const p of parts.slice(0, -1)) scout.receive(2, p);
    expect(specOf(scout).scout?.acks).toEqual([1]);
    host.clear();

    scout.onTimer(SCOUT_RETRANSMIT_TIMER, '2.1');

    expect(host.sends('Prepare').map((s) => s.to)).toEqual([2, 3]);
    for (const p of a2.answer()) scout.receive(2, p);
    const adopted = host.sends('Adopted')[0]?.message;
    expect(adopted?.type === 'Adopted' && adopted.pvalues.map((pv) => pv.slot).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
