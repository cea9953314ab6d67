/**
 * TcpTransport between transports (no Members) on 127.0.0.1: binding, reconnecting to a
 * peer that comes up late or restarts, a peer that stops reading, and what it refuses to send;
 * its own entry in the peer table is ignored, and a peer removed from it loses its connection.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/node/api.js';
import { encodeFrame } from '../../src/transport/frameSplitter.js';
import { TcpTransport } from '../../src/transport/tcpTransport.js';
import { KEY } from './helpers.js';
import { HOST, cleanupAfterEach, collect, RawClient, heldPort, stuckPeer, transports, waitFor } from './live.js';

const { cleanups, closing } = cleanupAfterEach();

/** An envelope numbered by its clock, with `padding` characters of input. */
function numbered(from: number, to: number, clock: number, padding = 0): Envelope {
  return { from, to, clock, message: { type: 'Decision', slot: clock + 1, prop: { caller: from, clientId: clock + 1, input: 'x'.repeat(padding) } } };
}

describe('TcpTransport', () => {
  it('binds port 0 to a free port, and names the problem when a port is taken or an option is wrong', async () => {
    const a = await TcpTransport.listen({ id: 1, key: KEY, log: () => {} });
    closing(a);
    expect(a.address()).toMatchObject({ host: HOST, port: expect.any(Number) });
    expect(a.address().port).toBeGreaterThan(0);
    await expect(TcpTransport.listen({ id: 2, key: KEY, port: a.address().port, log: () => {} }))
      .rejects.toThrow(`node 2 cannot listen on 127.0.0.1:${a.address().port}: EADDRINUSE`);
    await expect(TcpTransport.listen({ id: 2, key: Buffer.alloc(16) })).rejects.toThrow(/at least 32 bytes/);
    await expect(TcpTransport.listen({ id: 0, key: KEY })).rejects.toThrow(/positive integer node id/);
    await expect(TcpTransport.listen({ id: 2, key: KEY, maxFrameBytes: 1024, maxQueuedBytes: 100 })).rejects.toThrow(/must hold at least one largest frame/);
    expect(() => a.setPeers(new Map([[2, { host: HOST, port: 0 }]]))).toThrow(/peer 2: address must be \{ host, port \} with port 1..65535/);
    expect(() => a.setPeers(new Map([[-1, { host: HOST, port: 80 }]]))).toThrow(/peer id must be a positive integer/);
    expect(a.peerStatus(2)).toBeUndefined();
  });

  it('delivers envelopes in order, and queues them for a peer that is down until it comes up', async () => {
    const { port: port2, release } = await heldPort();
    const { list: [a], addresses } = await transports(1);
    closing(a!);
    addresses.set(2, { host: HOST, port: port2 });
    a!.setPeers(addresses);
    for (let i = 0; i < 50; i++) a!.send(numbered(1, 2, i));
    await waitFor(() => (a!.peerStatus(2)?.failures ?? 0) >= 3, 'three failed dials');
    expect(a!.peerStatus(2)).toMatchObject({ queued: 50, sent: 0 });

    await release();
    const b = await TcpTransport.listen({ id: 2, key: KEY, host: HOST, port: port2, peers: addresses, log: () => {} });
    closing(b);
    const got = collect(b);
    await waitFor(() => got.length === 50, 'the queued envelopes');
    expect(got.map((e) => e.clock)).toEqual([...Array(50).keys()]);
    expect(a!.peerStatus(2)).toMatchObject({ state: 'open', queued: 0, sent: 50 });
  }, 15_000);

  it('reconnects to a peer that restarts', async () => {
    const { list: [a, b], addresses } = await transports(2);
    closing(a!);
    let got = collect(b!);
    a!.send(numbered(1, 2, 0));
    await waitFor(() => got.length === 1, 'the first envelope');
    b!.close();
    await b!.closed;
    const again = await TcpTransport.listen({ id: 2, key: KEY, host: HOST, port: addresses.get(2)!.port, peers: addresses, log: () => {} });
    closing(again);
    got = collect(again);
    // Sent until one arrives: envelopes written into the dying connection are lost, as the protocol allows.
    for (let clock = 1; got.length === 0 && clock < 500; clock++) {
      a!.send(numbered(1, 2, clock));
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(got.length).toBeGreaterThan(0);
    expect(again.stats.connections.authenticated).toBe(1);
  }, 15_000);

  it('a peer\'s new connection replaces its old one (a half-open connection does not linger)', async () => {
    const { list: [a, b], addresses } = await transports(2);
    closing(a!, b!);
    const old = await RawClient.connect(addresses.get(2)!.port);
    cleanups.push(() => old.destroy());
    await old.hello(1);
    await waitFor(() => b!.stats.connections.authenticated === 1, 'the raw connection to authenticate');
    const got = collect(b!);
    a!.send(numbered(1, 2, 0));
    await waitFor(() => got.length === 1, 'the envelope over the new connection');
    await old.closed;
    expect(b!.stats.connections.authenticated).toBe(2);
  });

  it('ignores its own entry in the peer table: no link to itself, and a hello claiming its id is refused', async () => {
    // transports() gives every node the whole table, its own address included.
    const { list: [a], addresses } = await transports(1);
    closing(a!);
    expect(addresses.has(1)).toBe(true);
    expect(a!.peerStatus(1)).toBeUndefined();
    const raw = await RawClient.connect(a!.address().port);
    cleanups.push(() => raw.destroy());
    await raw.hello(1); // an insider (or a second process configured with the same id) posing as node 1
    await raw.closed;
    expect(a!.stats.rejected.unknownSender).toBe(1);
    expect(a!.stats.connections.authenticated).toBe(0);
  });

  it('a peer removed from the table loses its inbound connection too, also after that connection replaced an older one', async () => {
    const { list: [a, b], addresses } = await transports(2);
    closing(a!, b!);
    // An older connection of node 2, replaced by b's own: its close must not make a forget b's.
    const old = await RawClient.connect(addresses.get(1)!.port);
    cleanups.push(() => old.destroy());
    await old.hello(2);
    await waitFor(() => a!.stats.connections.authenticated === 1, 'the raw connection to authenticate');
    const got = collect(a!);
    b!.send(numbered(2, 1, 0));
    await waitFor(() => got.length === 1, 'the envelope over b\'s connection');
    await old.closed;
    a!.setPeers(new Map([[1, addresses.get(1)!]]));
    // Authentication was checked at the hello only: the connection itself must end.
    await waitFor(() => b!.peerStatus(1)!.state !== 'open', 'a to close node 2\'s connection');
    b!.send(numbered(2, 1, 1));
    await waitFor(() => a!.stats.rejected.unknownSender === 1, 'b\'s redial to be refused');
    expect(got.map((e) => e.clock)).toEqual([0]);
  });

  it('a peer that stops reading does not hold up the others: its queue is bounded and its drops counted', async () => {
    const stuck = await stuckPeer();
    cleanups.push(stuck.close);
    const { list: [a, b], addresses } = await transports(2, { maxFrameBytes: 64 * 1024, maxQueuedMessages: 64, maxQueuedBytes: 1024 * 1024 });
    closing(a!, b!);
    addresses.set(3, { host: HOST, port: stuck.port });
    a!.setPeers(addresses);
    const got = collect(b!);
    let toB = 0;
    // 16 KB envelopes to the stuck peer until the kernel's buffers and then our queue are full.
    for (let batch = 0; batch < 300 && (a!.peerStatus(3)!.droppedQueueFull === 0 || batch < 20); batch++) {
      for (let i = 0; i < 20; i++) a!.send(numbered(1, 3, batch * 20 + i, 16_000));
      a!.send(numbered(1, 2, toB++));
      await new Promise((r) => setImmediate(r));
    }
    const stuckLink = a!.peerStatus(3)!;
    expect(stuckLink.droppedQueueFull).toBeGreaterThan(0);
    expect(stuckLink.queued).toBeLessThanOrEqual(64);
    expect(stuckLink.queuedBytes).toBeLessThanOrEqual(1024 * 1024);
    expect(a!.stats.dropped.queueFull).toBe(stuckLink.droppedQueueFull);
    await waitFor(() => got.length === toB, 'every envelope for node 2');
    expect(got.map((e) => e.clock)).toEqual([...Array(toB).keys()]);
    expect(a!.peerStatus(2)!.droppedQueueFull).toBe(0);
  }, 30_000);

  it('refuses to send to an unknown peer or a frame above the limit, and sends nothing after close', async () => {
    const logs: string[] = [];
    const { list: [a, b] } = await transports(2, { maxFrameBytes: 4096, maxQueuedBytes: 4096, log: (l) => logs.push(l) });
    closing(a!, b!);
    const got = collect(b!);
    a!.send(numbered(1, 7, 0));
    a!.send(numbered(1, 2, 1, 5000));
    a!.send(numbered(1, 2, 2));
    await waitFor(() => got.length === 1, 'the small envelope');
    expect(a!.stats.dropped).toEqual({ queueFull: 0, unknownPeer: 1, tooLarge: 1 });
    expect(logs.map((l) => JSON.parse(l).reason)).toEqual(['unknownPeer', 'tooLarge']);
    a!.close();
    a!.close();
    a!.send(numbered(1, 2, 3));
    expect(a!.stats.sent).toBe(1);
  });

  it('a dialer counts a bad challenge, closes, and dials again', async () => {
    const server = createServer((s) => { s.on('error', () => {}); s.end(encodeFrame(Buffer.from('not a challenge'))); });
    await new Promise<void>((r) => server.listen(0, HOST, () => r()));
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    const { list: [a], addresses } = await transports(1);
    closing(a!);
    addresses.set(2, { host: HOST, port: (server.address() as { port: number }).port });
    a!.setPeers(addresses);
    a!.send(numbered(1, 2, 0));
    await waitFor(() => a!.stats.rejected.badChallenge >= 2, 'two bad challenges');
    expect(a!.stats.connections.failed).toBeGreaterThanOrEqual(2);
    expect(a!.peerStatus(2)).toMatchObject({ queued: 1, sent: 0 });
  });
});
