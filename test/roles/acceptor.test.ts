import { describe, expect, it } from 'vitest';
import { Acceptor } from '../../src/roles/acceptor.js';
import { ballot, FakeHost, prop, specOf } from './fake-host.js';

describe('Acceptor', () => {
  it('promises a higher ballot, writes it durably before answering, and hints its replica', () => {
    const host = new FakeHost({ self: 2 });
    const acceptor = new Acceptor(host);

    acceptor.receive(1, { type: 'Prepare', ballot: ballot(3, 1) });

    expect(host.kinds()).toEqual(['save', 'send', 'action', 'send']);
    expect(host.durable().aBallot).toEqual(ballot(3, 1));
    expect(host.sends('Promise')).toEqual([
      { to: 1, message: { type: 'Promise', acceptor: 2, ballot: ballot(3, 1), promised: ballot(3, 1), accepted: [] } },
    ]);
    expect(host.actions()).toEqual(['AcceptorReceivePrepare']);
    expect(host.sends('Accepting')).toEqual([{ to: 2, message: { type: 'Accepting', leader: 1 } }]);
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
    expect(host.durable().aAccepted).toEqual([{ ballot: ballot(1, 2), slot: 4, prop: prop(2, 7) }]);
    expect(host.kinds().slice(0, 2)).toEqual(['save', 'send']);
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
    expect(host.sends('Accepting')).toEqual([{ to: 1, message: { type: 'Accepting', leader: 3 } }]);
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

    const restarted = new Acceptor(new FakeHost({ durable: host.durable() }));

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
  it('refuses durable state with two pvalues for one slot: a bug, reported as InvariantViolation', async () => {
    const { InvariantViolation } = await import('../../src/protocol/assert.js');
    const pv = { ballot: ballot(1, 1), slot: 1, prop: prop(1, 1) };
    const host = new FakeHost({ durable: { aBallot: ballot(1, 1), aAccepted: [pv, { ...pv, prop: prop(1, 2) }] } });

    expect(() => new Acceptor(host)).toThrow(InvariantViolation);
  });
});
