/**
 * Each message is serialised once: a Member whose transport takes encoded envelopes
 * (`sendEncoded`) hands it the JSON it measured, and only an envelope that may be over
 * maxMessageBytes goes the long way (split into fragments, then `send`). TcpTransport's
 * `sendEncoded` delivers what `send` would, and drops what it would drop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/node/api.js';
import { InMemoryNetwork } from '../../src/member/inMemoryTransport.js';
import { Member } from '../../src/member/member.js';
import type { Transport } from '../../src/member/transport.js';
import { bank } from '../../src/statemachines/bank.js';
import { FAST_TIMING } from './cluster.js';
import { transports, waitFor } from '../transport/live.js';

const cleanups: (() => void)[] = [];
afterEach(() => { cleanups.splice(0).forEach((f) => f()); });

describe('Member over a transport that takes encoded envelopes', () => {
  it('sends small envelopes encoded once and splits a large one into fragments', async () => {
    const net = new InMemoryNetwork();
    const peers = [1, 2, 3];
    const calls = { encoded: 0, plain: 0, fragments: 0 };
    const inner = net.transport(1);
    const transport: Transport = {
      send: (e: Envelope) => { calls.plain++; if ('fragment' in e) calls.fragments++; inner.send(e); },
      sendEncoded: (to, json) => {
        calls.encoded++;
        const e = JSON.parse(json) as Envelope;
        expect(e.to).toBe(to);
        inner.send(e);
      },
      onReceive: (h) => inner.onReceive(h),
      close: () => inner.close(),
    };
    const members = peers.map((id) => new Member(bank, id === 1 ? transport : net.transport(id), peers, {
      id, timing: FAST_TIMING, clientIdBase: 1, maxMessageBytes: 4_096,
    }));
    members.forEach((m) => m.start());
    cleanups.push(() => members.forEach((m) => m.stop()));
    expect(await members[0]!.invoke({ op: 'open', account: 'a' })).toMatchObject({ ok: true });
    expect(calls.encoded).toBeGreaterThan(0);
    expect(calls.plain).toBe(0);
    // An account name of 5,000 characters (the bank refuses it, once decided): its Propose and
    // Accepts are over 4,096 bytes.
    const long = 'x'.repeat(5_000);
    expect(await members[0]!.invoke({ op: 'open', account: long })).toMatchObject({ ok: false, error: 'BadInput' });
    expect(calls.fragments).toBeGreaterThan(0);
  });
});

describe('TcpTransport.sendEncoded', () => {
  it('delivers an encoded envelope as send would, and drops one for an unknown peer, counted', async () => {
    const { list: [a, b] } = await transports(2);
    cleanups.push(() => { a!.close(); b!.close(); });
    const got: unknown[] = [];
    b!.onReceive((e) => got.push(e));
    const envelope: Envelope = { from: 1, to: 2, clock: 4, message: { type: 'Join', node: 1 } };
    a!.sendEncoded(2, JSON.stringify(envelope));
    await waitFor(() => got.length === 1, 'the envelope');
    expect(got).toEqual([envelope]);
    a!.sendEncoded(9, JSON.stringify({ ...envelope, to: 9 }));
    expect(a!.stats.dropped.unknownPeer).toBe(1);
  });
});
