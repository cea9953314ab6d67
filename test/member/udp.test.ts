/** A 3-member cluster over real UDP sockets on 127.0.0.1: a few invokes, then everything closes. */
import { describe, expect, it } from 'vitest';
import { Member } from '../../src/member/member.js';
import { UdpTransport } from '../../src/member/udpTransport.js';
import { bank } from '../../src/statemachines/bank.js';
import { FAST_TIMING } from './cluster.js';

describe('Member over UDP loopback', () => {
  it('three members decide a few commands over real sockets', async () => {
    const peers = [1, 2, 3];
    const transports = await Promise.all(peers.map(() => UdpTransport.bind(0)));
    const ports = new Map(peers.map((id, i) => [id, transports[i]!.port]));
    for (const t of transports) t.setPeers(ports);
    const members = peers.map((id, i) => new Member(bank, transports[i]!, peers, { id, timing: FAST_TIMING, deadlineMs: 5000, clientIdBase: 1 }));
    try {
      members.forEach((m) => m.start());
      await members[0]!.invoke({ op: 'open', account: 'a' });
      await members[1]!.invoke({ op: 'open', account: 'b' });
      await members[2]!.invoke({ op: 'deposit', account: 'a', amount: 30 });
      expect(await members[0]!.invoke({ op: 'transfer', from: 'a', to: 'b', amount: 12 })).toMatchObject({ ok: true });
      expect(await members[1]!.invoke({ op: 'balance', account: 'b' })).toMatchObject({ ok: true, balance: 12 });
      expect(transports.every((t) => t.stats.received > 0)).toBe(true);
    } finally {
      members.forEach((m) => m.stop());
    }
  }, 20_000);

  it('drops unparsable datagrams and unknown peers without crashing', async () => {
    const [a, b] = await Promise.all([UdpTransport.bind(0), UdpTransport.bind(0)]);
    try {
      const got: unknown[] = [];
      b.onReceive((e) => got.push(e));
      a.setPeers(new Map([[2, b.port]]));
      a.send({ from: 1, to: 7, clock: 0, message: { type: 'Join', node: 1 } });
      expect(a.stats.dropped.unknownPeer).toBe(1);
      const { createSocket } = await import('node:dgram');
      const raw = createSocket('udp4');
      await new Promise<void>((r) => raw.send('not json', b.port, '127.0.0.1', () => r()));
      raw.close();
      a.send({ from: 1, to: 2, clock: 1, message: { type: 'Join', node: 1 } });
      const deadline = Date.now() + 2000;
      while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(got).toEqual([{ from: 1, to: 2, clock: 1, message: { type: 'Join', node: 1 } }]);
      expect(b.stats.dropped.unparsable).toBe(1);
    } finally {
      a.close();
      b.close();
    }
  });
});
