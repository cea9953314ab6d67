/** The in-process network of tests and examples: one handler per node id, and a transport closes only its own. */
import { describe, expect, it } from 'vitest';
import { InMemoryNetwork } from '../../src/member/inMemoryTransport.js';
import type { Envelope } from '../../src/node/api.js';

describe('InMemoryNetwork', () => {
  it('closing a node\'s old transport leaves the handler of its successor (a restarted member) in place', async () => {
    const net = new InMemoryNetwork();
    const old = net.transport(2);
    old.onReceive(() => undefined);
    const successor = net.transport(2);
    const got: unknown[] = [];
    successor.onReceive((e) => got.push(e));
    old.close(); // the old member stopped after its successor started
    const envelope = { from: 1, to: 2, clock: 1, message: { type: 'Join', node: 1 } } as unknown as Envelope;
    net.transport(1).send(envelope);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(got).toEqual([envelope]);
    successor.close();
    net.transport(1).send(envelope);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(got).toHaveLength(1);
  });

  it('delivers a copy made at send time: the receiver never shares the sender\'s objects, nor sees a later change to them', async () => {
    // Members in one process must not share state through the network, or an aliasing bug (a
    // role keeping a received object and changing it, a sender reusing one) passes here and
    // breaks over a real socket, where every message is bytes.
    const net = new InMemoryNetwork();
    const got: Envelope[] = [];
    net.transport(2).onReceive((e) => got.push(e as Envelope));
    const pvalues = [{ slot: 1, ballot: { num: 1, leader: 1 } }];
    const envelope = { from: 1, to: 2, clock: 1, message: { type: 'P2b', pvalues } } as unknown as Envelope;
    net.transport(1).send(envelope);
    pvalues.push({ slot: 2, ballot: { num: 1, leader: 1 } }); // the sender changes its own state after sending
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(got).toHaveLength(1);
    expect(got[0]).not.toBe(envelope);
    expect((got[0]!.message as unknown as { pvalues: unknown[] }).pvalues).toEqual([{ slot: 1, ballot: { num: 1, leader: 1 } }]);
  });
});
