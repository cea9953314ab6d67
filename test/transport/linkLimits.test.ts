/**
 * A link at its limits, byte for byte: a body whose data frame is one byte over the frame
 * limit is refused at send (its 39-byte header counts), a batch one byte over the limit is
 * never written (each body after the first adds a comma), a connection that ends while
 * envelopes wait keeps them queued for the next one, and a peer that accepts and drops every
 * connection is redialed with a growing backoff (failures counted, and the delay armed after
 * each doubles up to its cap).
 */
import { type Socket, createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import type { Envelope } from '../../src/node/api.js';
import { DATA_HEADER_BYTES, challengePayload } from '../../src/transport/frameAuth.js';
import { encodeFrame } from '../../src/transport/frameSplitter.js';
import { PeerLink } from '../../src/transport/peerLink.js';
import type { TcpTransport } from '../../src/transport/tcpTransport.js';
import { HOST, cleanupAfterEach, collect, stuckPeer, transports, waitFor } from './live.js';

const { cleanups, closing } = cleanupAfterEach();

/** The JSON of an envelope from 1 to 2 numbered `clock`, padded to exactly `bytes` bytes (ASCII). */
function envelopeOfBytes(clock: number, bytes: number): string {
  const make = (pad: number) => JSON.stringify({ from: 1, to: 2, clock, message: { type: 'Decision', slot: clock + 1, prop: { caller: 1, clientId: clock + 1, input: 'x'.repeat(pad) } } });
  const json = make(bytes - make(0).length);
  if (json.length !== bytes) throw new Error(`test setup: ${json.length} bytes, wanted ${bytes}`);
  return json;
}

describe('TcpTransport at the frame limit', () => {
  const maxFrameBytes = 4096;

  it('sends a body whose data frame is exactly the limit, and refuses one a byte larger (the header counts)', async () => {
    const { list: [a, b] } = await transports(2, { maxFrameBytes, maxQueuedBytes: 1 << 20 });
    closing(a!, b!);
    const got = collect(b!);
    a!.sendEncoded(2, envelopeOfBytes(0, maxFrameBytes - DATA_HEADER_BYTES));
    await waitFor(() => got.length === 1, 'the envelope whose frame is exactly the limit');
    a!.sendEncoded(2, envelopeOfBytes(1, maxFrameBytes - DATA_HEADER_BYTES + 1));
    expect(a!.stats.dropped.tooLarge).toBe(1);
    a!.sendEncoded(2, envelopeOfBytes(2, 200));
    await waitFor(() => got.length === 2, 'the envelope after the refused one');
    expect(got.map((e) => e.clock)).toEqual([0, 2]);
    expect(b!.stats.rejected.oversize).toBe(0);
  });

  it('never writes a batch one byte over the limit: two bodies whose batch would be limit + 1 go as two frames', async () => {
    const { list: [a, b] } = await transports(2, { maxFrameBytes, maxQueuedBytes: 1 << 20 });
    closing(a!, b!);
    const got = collect(b!);
    // A batch of two is header + bodies + '[' + ',' + ']': one byte over the limit.
    const first = 2000;
    const second = maxFrameBytes + 1 - DATA_HEADER_BYTES - 3 - first;
    // Both queued in one turn, before the link is open: its first flush takes them together.
    a!.sendEncoded(2, envelopeOfBytes(0, first));
    a!.sendEncoded(2, envelopeOfBytes(1, second));
    await waitFor(() => got.length === 2 || b!.stats.rejected.oversize > 0, 'both envelopes (or an oversize frame)', 3000);
    expect(b!.stats.rejected.oversize).toBe(0);
    await waitFor(() => got.length === 2, 'both envelopes', 3000);
    expect(got.map((e) => e.clock)).toEqual([0, 1]);
  });
});

describe('PeerLink across connections', () => {
  it('envelopes still queued when an open connection ends wait for the next connection', async () => {
    const stuck = await stuckPeer();
    let stuckClosed = false;
    cleanups.push(() => (stuckClosed ? undefined : stuck.close()));
    const { list: [a], addresses } = await transports(1, { maxFrameBytes: 64 * 1024, maxQueuedMessages: 100_000, maxQueuedBytes: 1 << 30 });
    closing(a!);
    addresses.set(2, { host: HOST, port: stuck.port });
    a!.setPeers(addresses);
    const envelope = (clock: number) => ({ from: 1, to: 2, clock, message: { type: 'Join', node: 1, pad: 'x'.repeat(16_000) } }) as unknown as Envelope;
    // Until the kernel's buffers are full and envelopes wait in the link's queue.
    let clock = 0;
    for (let turn = 0; turn < 400 && !(a!.peerStatus(2)!.state === 'open' && a!.peerStatus(2)!.queued >= 10); turn++) {
      for (let i = 0; i < 20; i++) a!.send(envelope(clock++));
      await new Promise((r) => setTimeout(r, 1));
    }
    const before = a!.peerStatus(2)!;
    expect(before).toMatchObject({ state: 'open', droppedQueueFull: 0 });
    expect(before.queued).toBeGreaterThanOrEqual(10);
    // Every envelope sent so far went to the connection or waits in the queue.
    expect(before.sent + before.queued).toBe(clock);
    stuckClosed = true;
    await stuck.close();
    await waitFor(() => a!.peerStatus(2)!.state !== 'open', 'the link to notice the closed connection');
    const after = a!.peerStatus(2)!;
    // Still there for the next connection: none vanished with the old one.
    expect({ sent: after.sent, queued: after.queued, droppedQueueFull: after.droppedQueueFull })
      .toEqual({ sent: after.sent, queued: clock - after.sent, droppedQueueFull: 0 });
    expect(after.queued).toBeGreaterThan(0);
  }, 20_000);

  it('a peer that completes the handshake and drops every connection at once counts as failing: failures grow', async () => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.write(encodeFrame(challengePayload(Buffer.alloc(32, 3))));
      socket.on('data', () => socket.destroy());
    });
    await new Promise<void>((r) => server.listen(0, HOST, () => r()));
    cleanups.push(() => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }));
    const { list: [a], addresses } = await transports(1, { reconnectMinMs: 5, reconnectMaxMs: 5_000, random: () => 0 });
    closing(a!);
    addresses.set(2, { host: HOST, port: (server.address() as { port: number }).port });
    a!.setPeers(addresses);
    // Something to send at every redial: an empty queue would not dial.
    let clock = 0;
    const deadline = Date.now() + 5_000;
    while (a!.stats.connections.dialed < 4 && Date.now() < deadline) {
      a!.send({ from: 1, to: 2, clock: clock++, message: { type: 'Join', node: 1 } } as Envelope);
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(() => ['backoff', 'idle'].includes(a!.peerStatus(2)!.state), 'the link to end its last connection');
    expect(a!.stats.connections.dialed).toBeGreaterThanOrEqual(4);
    // Each connection opened (the challenge was good) but served far less than reconnectMaxMs.
    expect(a!.peerStatus(2)!.failures).toBeGreaterThanOrEqual(3);
    expect(a!.stats.connections.failed).toBeGreaterThanOrEqual(3);
  });

  it('waits twice as long after each refused dial, up to reconnectMaxMs (the delays it arms, not the time taken)', async () => {
    // A port nobody listens on: every dial is refused at once.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, HOST, () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const backoffs: number[] = [];
    let failures = 0;
    let nextIsBackoff = false;
    let sixth!: () => void;
    const sixFailures = new Promise<void>((r) => { sixth = r; });
    // The link arms its backoff right after it reports the failure: that setTimeout's delay is the backoff.
    const realSetTimeout = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      if (nextIsBackoff) backoffs.push(ms ?? 0);
      nextIsBackoff = false;
      return realSetTimeout(fn, ms);
    }) as typeof setTimeout);
    const link = new PeerLink({
      self: 1, peer: 2, address: { host: HOST, port }, key: Buffer.alloc(32, 7), queue: { maxMessages: 8, maxBytes: 1 << 16 },
      maxFrameBytes: 1 << 16, reconnectMinMs: 2, reconnectMaxMs: 40, connectTimeoutMs: 60_000, now: Date.now,
      random: () => 1, // no jitter: each backoff is its ceiling
      events: {
        dialed: () => {}, sent: () => {}, wrote: () => {}, queueFull: () => {}, rejected: () => {},
        connectFailed: () => { nextIsBackoff = true; if (++failures === 6) sixth(); },
      },
    });
    try {
      link.enqueue(Buffer.from('{}')); // a non-empty queue: it dials, and redials after each backoff
      await sixFailures;
    } finally {
      link.close();
      spy.mockRestore();
    }
    // 2 ms doubled per failure in a row, capped at 40 (a backoff that never grew redialed every 4 ms).
    expect(backoffs.slice(0, 6)).toEqual([4, 8, 16, 32, 40, 40]);
  });
});
