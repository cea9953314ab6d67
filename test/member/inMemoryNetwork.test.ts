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
});
