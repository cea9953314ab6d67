import { describe, expect, it } from 'vitest';
import type { Accept } from '../../src/protocol/messages.js';
import { InvariantViolation } from '../../src/protocol/assert.js';
import { copyBallot } from '../../src/protocol/values.js';
import { Acceptor } from '../../src/roles/acceptor.js';
import { ballot, FakeHost, prop, specOf } from './fake-host.js';

describe('Acceptor', () => {
  it('promises a higher ballot, writes it durably before answering, and hints its replica', () => {
    const host = new FakeHost({ self: 2 });
    const acceptor = new Acceptor(host);

    acceptor.receive(1, { type: 'Prepare', ballot: ballot(3, 1) });

    expect(host.kinds()).toEqual(['append', 'send', 'action', 'send']);
    expect(host.records()).toEqual([{ kind: 'promise', ballot: ballot(3, 1) }]);
    expect(host.durable().aBallot).toEqual(ballot(3, 1));
    expect(host.sends('Promise')).toEqual([
      { to: 1, message: { type: 'Promise', acceptor: 2, ballot: ballot(3, 1), promised: ballot(3, 1), accepted: [] } },
    ]);
    expect(host.actions()).toEqual(['AcceptorReceivePrepare']);
    expect(host.sends('Accepting')).toEqual([{ to: 2, message: { type: 'Accepting', leader: 1 } }]);
  });

  it('orders ballots by number, then by leader: a Prepare of the same number from a higher leader is higher', () => {
    // Comparing numbers alone (a reviewer's bug) never promises <<3, 2>> over <<3, 1>>: node 2's
    // scout waits for ever, and two leaders that started at one number could never settle.
    const host = new FakeHost({ self: 2, durable: { aBallot: ballot(3, 1) } });
    const acceptor = new Acceptor(host);

    acceptor.receive(2, { type: 'Prepare', ballot: ballot(3, 2) });
    expect(host.records()).toEqual([{ kind: 'promise', ballot: ballot(3, 2) }]);
    expect(host.sends('Promise')[0]?.message).toMatchObject({ ballot: ballot(3, 2), promised: ballot(3, 2) });

    host.clear();
    acceptor.receive(1, { type: 'Prepare', ballot: ballot(3, 1) });
    expect(host.records()).toEqual([]);
    expect(host.sends('Promise')[0]?.message).toMatchObject({ ballot: ballot(3, 1), promised: ballot(3, 2) });
  });

  it('answers a lower Prepare with the higher ballot it promised, and writes nothing', () => {
    const host = new FakeHost({ self: 2, durable: { aBallot: ballot(5, 3) } });
    const acceptor = new Acceptor(host);

    acceptor.receive(1, { type: 'Prepare', ballot: ballot(4, 1) });

    expect(host.kinds()).toEqual(['send', 'action']);
    expect(host.sends('Promise')[0]?.message).toMatchObject({ ballot: ballot(4, 1), promised: ballot(5, 3) });
  });

  it('reports every pvalue it accepted in a Promise', () => {
    const accepted = [{ ballot: ballot(1, 3), slot: 1, prop: prop(2, 1) }, { ballot: ballot(2, 1), slot: 2, prop: prop(3, 1) }];
    const host = new FakeHost({ durable: { aBallot: ballot(2, 1), aAccepted: accepted } });
    const acceptor = new Acceptor(host);

    acceptor.receive(3, { type: 'Prepare', ballot: ballot(3, 3) });

    expect(host.sends('Promise')[0]?.message).toMatchObject({ promised: ballot(3, 3), accepted });
  });

  it('accepts at its promised ballot, keeping only the highest-ballot pvalue per slot', () => {
    const host = new FakeHost({ durable: { aBallot: ballot(1, 2), aAccepted: [{ ballot: ballot(0, 3), slot: 4, prop: prop(3, 9) }] } });
    const acceptor = new Acceptor(host);

    acceptor.receive(2, { type: 'Accept', ballot: ballot(1, 2), slot: 4, prop: prop(2, 7) });

    expect(specOf(acceptor).aAccepted).toEqual([{ ballot: ballot(1, 2), slot: 4, prop: prop(2, 7) }]);
    expect(host.durableState().aAccepted).toEqual([{ ballot: ballot(1, 2), slot: 4, prop: prop(2, 7) }]);
    // One record, the pvalue: the promise it is accepted under was durable already.
    expect(host.records()).toEqual([{ kind: 'accept', pvalue: { ballot: ballot(1, 2), slot: 4, prop: prop(2, 7) } }]);
    expect(host.kinds().slice(0, 2)).toEqual(['append', 'send']);
    expect(host.sends('Accepted')[0]).toEqual({
      to: 2, message: { type: 'Accepted', acceptor: 1, ballot: ballot(1, 2), slot: 4, promised: ballot(1, 2) },
    });
    expect(host.actions()).toEqual(['AcceptorReceiveAccept']);
  });

  it('accepts a higher ballot than promised and promises it too', () => {
    const host = new FakeHost({ durable: { aBallot: ballot(1, 2) } });
    const acceptor = new Acceptor(host);

    acceptor.receive(3, { type: 'Accept', ballot: ballot(2, 3), slot: 1, prop: prop(1, 1) });

    expect(specOf(acceptor).aBallot).toEqual(ballot(2, 3));
    expect(host.records()).toEqual([
      { kind: 'promise', ballot: ballot(2, 3) },
      { kind: 'accept', pvalue: { ballot: ballot(2, 3), slot: 1, prop: prop(1, 1) } },
    ]);
    expect(host.kinds().slice(0, 3)).toEqual(['append', 'append', 'send']);
    expect(host.sends('Accepting')).toEqual([{ to: 1, message: { type: 'Accepting', leader: 3 } }]);
  });

  it('answers a retransmitted Accept again without appending a record', () => {
    const host = new FakeHost({ durable: { aBallot: ballot(1, 2) } });
    const acceptor = new Acceptor(host);
    const accept = { type: 'Accept' as const, ballot: ballot(1, 2), slot: 4, prop: prop(2, 7) };
    acceptor.receive(2, accept);
    host.clear();

    acceptor.receive(2, accept);

    expect(host.kinds()).toEqual(['send', 'action']);
    expect(host.sends('Accepted')).toHaveLength(1);
  });

  it('refuses an Accept below its promise: answers with the promise, accepts nothing', () => {
    const host = new FakeHost({ durable: { aBallot: ballot(2, 3) } });
    const acceptor = new Acceptor(host);

    acceptor.receive(2, { type: 'Accept', ballot: ballot(1, 2), slot: 1, prop: prop(2, 1) });

    expect(specOf(acceptor)).toMatchObject({ aBallot: ballot(2, 3), aAccepted: [] });
    expect(host.kinds()).toEqual(['send', 'action']);
    expect(host.sends('Accepted')[0]?.message).toMatchObject({ ballot: ballot(1, 2), promised: ballot(2, 3) });
  });

  it('restarted from durable state, remembers its promise and what it accepted', () => {
    const host = new FakeHost();
    new Acceptor(host).receive(2, { type: 'Accept', ballot: ballot(4, 2), slot: 3, prop: prop(2, 5) });

    const restarted = new Acceptor(new FakeHost({ durable: host.durableState() }));

    expect(specOf(restarted)).toMatchObject({ aBallot: ballot(4, 2), aAccepted: [{ ballot: ballot(4, 2), slot: 3, prop: prop(2, 5) }] });
  });

  it('keeps no reference to the received message', () => {
    const host = new FakeHost();
    const acceptor = new Acceptor(host);
    const accept = { type: 'Accept' as const, ballot: { num: 1, leader: 2 }, slot: 1, prop: { caller: 2, clientId: 1, input: 'x' } };

    acceptor.receive(2, accept);
    accept.ballot.num = 99;
    accept.prop.input = 'tampered';

    expect(specOf(acceptor)).toMatchObject({ aBallot: ballot(1, 2), aAccepted: [{ ballot: ballot(1, 2), slot: 1, prop: prop(2, 1, 'x') }] });
  });
});

describe('Acceptor invariants', () => {
  /** Raises its ballot in memory on an Accept and forgets to make the promise durable. */
  class UnpromisedAcceptor extends Acceptor {
    override receiveAccept(m: Accept): void {
      this.ballot = copyBallot(m.ballot);
      this.accepted.set(m.slot, { ballot: m.ballot, slot: m.slot, prop: m.prop });
      this.persistAccept({ ballot: m.ballot, slot: m.slot, prop: m.prop });
    }
  }

  /** Takes a lower ballot than it promised, and makes that durable. */
  class LoweringAcceptor extends Acceptor {
    override receivePrepare(m: { ballot: { num: number; leader: number } }): void {
      this.ballot = copyBallot(m.ballot);
      this.persistPromise();
    }
  }

  it('refuses to make a pvalue durable above the durable promise: the promise must be a record first', () => {
    const host = new FakeHost({ durable: { aBallot: ballot(1, 2) } });

    expect(() => new UnpromisedAcceptor(host).receive(3, { type: 'Accept', ballot: ballot(2, 3), slot: 1, prop: prop(1, 1) }))
      .toThrow(InvariantViolation);
    expect(() => new UnpromisedAcceptor(host).receive(3, { type: 'Accept', ballot: ballot(2, 3), slot: 1, prop: prop(1, 1) }))
      .toThrow(/promised durably/);
    expect(host.records()).toEqual([]);
  });

  it('refuses to make a lower promise durable', () => {
    const host = new FakeHost({ durable: { aBallot: ballot(5, 3) } });

    expect(() => new LoweringAcceptor(host).receive(1, { type: 'Prepare', ballot: ballot(4, 1) })).toThrow(/would lower its promise/);
    expect(host.records()).toEqual([]);
  });

  it('refuses to make durable a pvalue that replaces one of a higher ballot', () => {
    // Not a state a correct acceptor reaches (a pvalue above the promise): it isolates this check.
    const host = new FakeHost({ durable: { aBallot: ballot(2, 1), aAccepted: [{ ballot: ballot(3, 1), slot: 2, prop: prop(1, 1) }] } });
    const acceptor = new UnpromisedAcceptor(host);

    expect(() => acceptor.receive(1, { type: 'Accept', ballot: ballot(2, 1), slot: 2, prop: prop(1, 9) })).toThrow(/by a lower ballot/);
    expect(host.durableState().aAccepted).toEqual([{ ballot: ballot(3, 1), slot: 2, prop: prop(1, 1) }]);
  });
});
