/**
 * The client port's rules for a connection (src/cli/client/server.ts), seen from a raw client
 * that sends exactly what the test says: the first request must be an open, and only one; a
 * client that never opens is closed at the handshake timeout; client ids are CLIENT_ID_MIN..
 * CLIENT_ID_MAX; a request frame is at most MAX_REQUEST_FRAME_BYTES; a recorded connection
 * replayed on a new one runs nothing; a connection has at most maxInFlightPerConnection
 * invokes in flight, and each one answered frees its place.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/cli/client/connection.js';
import { CLIENT_ID_MAX, CLIENT_ID_MIN, MAX_REQUEST_FRAME_BYTES } from '../../src/cli/client/protocol.js';
import { ClientServer } from '../../src/cli/client/server.js';
import { Logger } from '../../src/cli/log.js';
import { lengthPrefix } from '../../src/transport/frameSplitter.js';
import { RawClient } from '../transport/live.js';

const KEY = randomBytes(32);
// Long enough that a loaded machine delivers the requests before it: each test names the drop it expects.
const HANDSHAKE_MS = 2_000;

interface Drop { reason: string; detail: string }

/**
 * Connects as `clientId` (test/transport/live.ts's RawClient), answers the challenge, sends
 * `requests` (each as one data frame), and says whether the node closed the connection
 * within `waitMs`.
 */
async function closedAfter(port: number, clientId: number, requests: unknown[], waitMs: number): Promise<boolean> {
  const client = await RawClient.connect(port);
  const { session } = await client.hello(clientId, KEY);
  for (const r of requests) for (const b of session.frame(Buffer.from(JSON.stringify(r)))) client.write(b);
  const closed = await Promise.race([client.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), waitMs))]);
  client.destroy();
  return closed;
}

describe('a client connection', () => {
  // A server per test: the port logs one drop per reason and address per interval.
  let drops: Drop[] = [];
  let invokes = 0;
  let server: ClientServer;
  beforeEach(async () => {
    drops = [];
    invokes = 0;
    server = await ClientServer.listen({
      node: 1, incarnation: 7, key: KEY, host: '127.0.0.1', port: 0, handshakeTimeoutMs: HANDSHAKE_MS,
      logger: new Logger({ node: 1, write: (l) => { const e = JSON.parse(l) as Partial<Drop>; if (e.reason !== undefined) drops.push(e as Drop); } }),
      handlers: {
        invoke: async () => { invokes++; return { ok: true, output: null }; },
        status: () => ({ node: 1 }) as never,
        state: () => ({ node: 1, slotOut: 1, executed: 0, historyDigest: 'h', appDigest: 'a' }),
        leader: () => 1,
      },
    });
  });
  afterEach(() => server?.close());
  const open = (from: number, nonce: Buffer) => ({ from, kind: 'open', replyNonce: nonce.toString('hex') });
  /** The first drop logged for a connection (a handshake timeout, had the request been let by). */
  const droppedFor = async (from: number, requests: (nonce: Buffer) => unknown[]) => {
    const nonce = randomBytes(32);
    expect(await closedAfter(server.port, from, requests(nonce), 5_000)).toBe(true);
    return { drop: drops[0] };
  };

  it('is closed at a request before its open, naming it', async () => {
    const { drop } = await droppedFor(CLIENT_ID_MIN + 1, () => [{ from: CLIENT_ID_MIN + 1, kind: 'status', request: 1 }]);
    expect(drop).toMatchObject({ reason: 'badRequest', detail: 'a status request before open' });
  });

  it('is closed at a malformed first request, naming what is wrong', async () => {
    const { drop } = await droppedFor(CLIENT_ID_MIN + 2, () => [{ from: CLIENT_ID_MIN + 2, kind: 'open', replyNonce: 'short' }]);
    expect(drop).toMatchObject({ reason: 'badRequest', detail: 'replyNonce must be 64 hex digits' });
  });

  it('is closed at a second open', async () => {
    const id = CLIENT_ID_MIN + 3;
    const { drop } = await droppedFor(id, (nonce) => [open(id, nonce), open(id, nonce)]);
    expect(drop).toMatchObject({ reason: 'badRequest', detail: 'a second open' });
  });

  it('admits client ids from CLIENT_ID_MIN to CLIENT_ID_MAX, both ends included (paxos invoke --client-id allows them), and none below', async () => {
    for (const clientId of [CLIENT_ID_MIN, CLIENT_ID_MAX]) {
      const c = await ClientConnection.open({ address: { host: '127.0.0.1', port: server.port }, key: KEY, clientId, timeoutMs: 3_000 });
      expect(await c.invoke(1, 'x'), `client ${clientId}`).toEqual({ ok: true, output: null });
      c.close();
    }
    await expect(ClientConnection.open({ address: { host: '127.0.0.1', port: server.port }, key: KEY, clientId: CLIENT_ID_MIN - 1, timeoutMs: 3_000 })).rejects.toThrow();
    expect(drops).toEqual([expect.objectContaining({ reason: 'unknownSender' })]);
  });

  it('is closed at a length prefix above the request frame limit, before buffering the frame', async () => {
    // The limit is a request's (1 MiB), not a reply's (16 MiB): 64 clients could otherwise make the node buffer 1 GiB.
    const id = CLIENT_ID_MIN + 5;
    const client = await RawClient.connect(server.port);
    try {
      const { session } = await client.hello(id, KEY);
      for (const b of session.frame(Buffer.from(JSON.stringify(open(id, randomBytes(32)))))) client.write(b);
      client.write(lengthPrefix(MAX_REQUEST_FRAME_BYTES + 1));
      const closed = await Promise.race([client.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3_000))]);
      expect(closed).toBe(true);
      expect(drops).toEqual([expect.objectContaining({ reason: 'oversize' })]);
    } finally {
      client.destroy();
    }
  });

  it('a client\'s recorded byte stream replayed on a new connection fails its hello there: the command runs once', async () => {
    const id = CLIENT_ID_MIN + 6;
    const first = await RawClient.connect(server.port);
    const { session, hello } = await first.hello(id, KEY);
    const requests = Buffer.concat([
      ...session.frame(Buffer.from(JSON.stringify(open(id, randomBytes(32))))),
      ...session.frame(Buffer.from(JSON.stringify({ from: id, kind: 'invoke', request: 1, command: 'pay' }))),
    ]);
    first.write(requests);
    const deadline = Date.now() + 3_000;
    while (invokes === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(invokes).toBe(1);
    first.destroy();
    // Each connection is challenged with a fresh nonce, so the old hello answers another connection's challenge.
    const replay = await RawClient.connect(server.port);
    try {
      await replay.challenge();
      replay.write(Buffer.concat([hello, requests]));
      const closed = await Promise.race([replay.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3_000))]);
      expect(invokes).toBe(1);
      expect(closed).toBe(true);
      expect(drops).toEqual([expect.objectContaining({ reason: 'replayed' })]);
    } finally {
      replay.destroy();
    }
  });

  it('is closed at the handshake timeout when it never opens', async () => {
    expect(await closedAfter(server.port, CLIENT_ID_MIN + 4, [], 5_000)).toBe(true);
    expect(drops).toEqual([expect.objectContaining({ reason: 'handshakeTimeout' })]);
  });
});

describe('invokes in flight on one connection', () => {
  const MAX = 2;
  let release: () => void = () => undefined;
  const calls: number[] = [];
  let server: ClientServer;
  beforeAll(async () => {
    server = await ClientServer.listen({
      node: 1, incarnation: 7, key: KEY, host: '127.0.0.1', port: 0, maxInFlightPerConnection: MAX,
      logger: new Logger({ node: 1, write: () => undefined }),
      handlers: {
        // Each invoke waits until the test releases the ones in flight.
        invoke: (_client, request) => new Promise((resolve) => {
          calls.push(request);
          const was = release;
          release = () => { was(); resolve({ ok: true, output: 'done' }); };
        }),
        status: () => ({ node: 1 }) as never,
        state: () => ({ node: 1, slotOut: 1, executed: 0, historyDigest: 'h', appDigest: 'a' }),
        leader: () => 1,
      },
    });
  });
  afterAll(() => server?.close());

  it('are at most maxInFlightPerConnection: one more is answered Busy, not executed; each answer frees a place', async () => {
    const c = await ClientConnection.open({ address: { host: '127.0.0.1', port: server.port }, key: KEY, clientId: CLIENT_ID_MIN + 10 });
    const first = [c.invoke(1, 'a'), c.invoke(2, 'b')];
    expect(await c.invoke(3, 'c')).toMatchObject({ ok: false, error: 'Busy', indeterminate: false });
    expect(calls).toEqual([1, 2]);
    release();
    expect(await Promise.all(first)).toEqual([{ ok: true, output: 'done' }, { ok: true, output: 'done' }]);
    const again = [c.invoke(4, 'd'), c.invoke(5, 'e')];
    await new Promise((r) => setTimeout(r, 50));
    release();
    expect(await Promise.all(again)).toEqual([{ ok: true, output: 'done' }, { ok: true, output: 'done' }]);
    expect(calls).toEqual([1, 2, 4, 5]);
    c.close();
  });
});
