/**
 * The client protocol: request validation, the reply stream's MACs, and a live client port
 * (ClientServer with stub handlers) facing a wrong key, a node id posing as a client, garbage
 * and replayed replies, and still serving good clients afterwards.
 */
import { randomBytes } from 'node:crypto';
import { type Socket, connect, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientConnection, ConnectionLostError } from '../../src/cli/client/connection.js';
import { CLIENT_ID_MIN, type ClientReply, MAX_REPLY_FRAME_BYTES, MAX_REQUEST_FRAME_BYTES, ReplyFramer, ReplyReader, checkRequest, type NodeStatus } from '../../src/cli/client/protocol.js';
import { DATA_HEADER_BYTES, KIND_BATCH, dataHeader } from '../../src/transport/frameAuth.js';
import { lengthPrefix } from '../../src/transport/frameSplitter.js';
import { InboundSession } from '../../src/transport/inboundSession.js';
import { ClientServer } from '../../src/cli/client/server.js';
import { Logger } from '../../src/cli/log.js';

const KEY = randomBytes(32);

describe('checkRequest', () => {
  it('accepts the four request kinds and refuses anything else, with a reason', () => {
    expect(checkRequest({ from: 1, kind: 'open', replyNonce: 'a'.repeat(64) }).ok).toBe(true);
    expect(checkRequest({ from: 1, kind: 'invoke', request: 3, command: { op: 'x' }, retry: true }).ok).toBe(true);
    expect(checkRequest({ from: 1, kind: 'status', request: 1 }).ok).toBe(true);
    expect(checkRequest({ from: 1, kind: 'state', request: 1, history: true }).ok).toBe(true);
    for (const [bad, reason] of [
      [[1, 2], /JSON object/],
      [{ from: 1, kind: 'delete' }, /unknown request kind/],
      [{ from: 1, kind: 'open', replyNonce: 'xyz' }, /64 hex digits/],
      [{ from: 1, kind: 'invoke', request: 0, command: 1 }, /whole number/],
      [{ from: 1, kind: 'invoke', request: 1.5, command: 1 }, /whole number/],
      [{ from: 1, kind: 'invoke', request: 1 }, /needs a command/],
      [{ from: 1, kind: 'status', request: 1, extra: true }, /unexpected field "extra"/],
      [{ from: 1, kind: 'invoke', request: 1, command: 1, retry: 'yes' }, /retry must be/],
      [{ from: 1, kind: 'state', request: 1, history: 'yes' }, /history must be true or false/],
      [{ from: 1, kind: 'open', replyNonce: 'a'.repeat(63) }, /64 hex digits/],
      [{ from: 1, kind: 'open', replyNonce: 'a'.repeat(32) }, /64 hex digits/],
      [{ from: 1, kind: 'open', replyNonce: 'A'.repeat(64) }, /64 hex digits/],
      [{ from: 1, kind: 'toString', request: 1 }, /unknown request kind "toString"/],
      [{ from: 1, kind: '__proto__', request: 1 }, /unknown request kind "__proto__"/],
    ] as const) {
      const r = checkRequest(bad);
      expect(r.ok).toBe(false);
      expect(r.ok ? '' : r.reason).toMatch(reason);
    }
  });
});

describe('reply stream', () => {
  const nonce = randomBytes(32);
  const reply: ClientReply = { kind: 'result', request: 1, ok: true, output: { balance: 3 } };
  const bytes = (f: [Buffer, Buffer]) => Buffer.concat(f);

  it('verifies each reply under the client nonce, in sequence, whatever the chunking', () => {
    const framer = new ReplyFramer(KEY, nonce);
    const stream = Buffer.concat([bytes(framer.frame(reply)!), bytes(framer.frame({ ...reply, request: 2 })!)]);
    const reader = new ReplyReader(KEY, nonce);
    const got: unknown[] = [];
    for (let i = 0; i < stream.length; i += 7) got.push(...reader.receive(stream.subarray(i, i + 7)).replies);
    expect(got).toEqual([reply, { ...reply, request: 2 }]);
  });

  it('refuses a reply under another nonce (another connection), a tampered one, and a replayed one', () => {
    const frame = bytes(new ReplyFramer(KEY, nonce).frame(reply)!);
    expect(new ReplyReader(KEY, randomBytes(32)).receive(frame).error).toMatch(/MAC does not verify/);
    const tampered = Buffer.from(frame);
    tampered[tampered.length - 3]! ^= 1;
    expect(new ReplyReader(KEY, nonce).receive(tampered).error).toMatch(/MAC does not verify/);
    const reader = new ReplyReader(KEY, nonce);
    expect(reader.receive(frame).replies).toHaveLength(1);
    expect(reader.receive(frame).error).toMatch(/reply 1 where 2 was expected/);
  });

  it('refuses a reply stream with a frame missing: a gap in the sequence is a lost reply, not a later one', () => {
    const framer = new ReplyFramer(KEY, nonce);
    const [one, two, three] = [1, 2, 3].map((request) => bytes(framer.frame({ ...reply, request })!));
    const reader = new ReplyReader(KEY, nonce);
    expect(reader.receive(one!).replies).toEqual([reply]);
    // Frame 2 deleted on the way: frame 3 verifies under the nonce, but its number gives it away.
    expect(reader.receive(three!)).toEqual({ replies: [], error: 'reply 3 where 2 was expected (replayed or lost)' });
    expect(reader.receive(two!).replies).toEqual([]);
  });

  it('refuses an empty batch and an oversize frame, and trusts nothing on the stream after a refusal', () => {
    const batch = (seq: number, text: string) => {
      const body = Buffer.from(text, 'utf8');
      return Buffer.concat([lengthPrefix(DATA_HEADER_BYTES + body.length), dataHeader(KEY, nonce, seq, body, KIND_BATCH), body]);
    };
    expect(new ReplyReader(KEY, nonce).receive(batch(1, '[]')).error).toMatch(/not a non-empty JSON array/);
    expect(new ReplyReader(KEY, nonce).receive(batch(1, JSON.stringify([reply]))).replies).toEqual([reply]);
    expect(new ReplyReader(KEY, nonce).receive(lengthPrefix(MAX_REPLY_FRAME_BYTES + 1)).error).toMatch(/exceeds the \d+-byte frame limit/);
    // After a refusal the stream is done: a good frame after it gives no reply.
    const framer = new ReplyFramer(KEY, nonce);
    const reader = new ReplyReader(KEY, nonce);
    const first = bytes(framer.frame(reply)!);
    first[first.length - 1]! ^= 1;
    expect(reader.receive(first).error).toMatch(/MAC does not verify/);
    expect(reader.receive(bytes(framer.frame({ ...reply, request: 2 })!))).toEqual({ replies: [], error: expect.stringMatching(/MAC does not verify/) });
  });

  it('sends the replies of one turn as one batch frame, read back in order; relabelled as a data frame it fails its MAC', () => {
    const replies = [1, 2, 3].map((request) => ({ ...reply, request }));
    const frames = new ReplyFramer(KEY, nonce).frameAll(replies)!;
    expect(frames).toHaveLength(1);
    const frame = bytes(frames[0]!);
    expect(new ReplyReader(KEY, nonce).receive(frame).replies).toEqual(replies);
    const relabelled = Buffer.from(frame);
    relabelled[4] = 0x03; // the kind byte after the length prefix: batch -> data
    expect(new ReplyReader(KEY, nonce).receive(relabelled).error).toMatch(/MAC does not verify/);
    expect(new ReplyFramer(KEY, nonce).frameAll([reply])!.map(bytes)).toEqual([bytes(new ReplyFramer(KEY, nonce).frame(reply)!)]);
  });

  it('never batches replies one byte over the frame limit: the client would refuse the frame and lose every call on the connection', () => {
    // Two replies whose batch payload (header, bodies, two brackets and a comma) is `payload` bytes.
    const pair = (payload: number): ClientReply[] => {
      const second: ClientReply = { ...reply, request: 2, output: 'y' };
      const fixed = DATA_HEADER_BYTES + 3 + Buffer.byteLength(JSON.stringify({ ...reply, output: '' })) + Buffer.byteLength(JSON.stringify(second));
      return [{ ...reply, output: 'x'.repeat(payload - fixed) }, second];
    };
    const read = (replies: ClientReply[]) => {
      const frames = new ReplyFramer(KEY, nonce).frameAll(replies)!;
      const got = new ReplyReader(KEY, nonce).receive(Buffer.concat(frames.map(bytes)));
      return { frames: frames.length, error: got.error, requests: got.replies.map((r) => (r as { request: number }).request) };
    };
    // At the limit: one batch frame; one byte over: two data frames, never one the reader refuses.
    expect(read(pair(MAX_REPLY_FRAME_BYTES))).toEqual({ frames: 1, error: undefined, requests: [1, 2] });
    expect(read(pair(MAX_REPLY_FRAME_BYTES + 1))).toEqual({ frames: 2, error: undefined, requests: [1, 2] });
  });
});

describe('a live client port', () => {
  const invoked: unknown[] = [];
  const status = { node: 1, health: 'ok' } as unknown as NodeStatus;
  const logs: string[] = [];
  let server: ClientServer;
  beforeAll(async () => {
    server = await ClientServer.listen({
      node: 1, incarnation: 42, key: KEY, host: '127.0.0.1', port: 0, handshakeTimeoutMs: 1_000,
      logger: new Logger({ node: 1, write: (l) => logs.push(l) }),
      handlers: {
        invoke: async (client, request, command) => { invoked.push({ client, request, command }); return { ok: true, output: { echo: command } }; },
        status: () => status,
        state: () => ({ node: 1, slotOut: 1, executed: 0, historyDigest: 'h', appDigest: 'a' }),
        leader: () => 1,
      },
    });
  });
  const address = () => ({ host: '127.0.0.1', port: server.port });
  afterAll(() => server?.close());

  it('serves an authenticated client: open, invoke, status, state', async () => {
    const c = await ClientConnection.open({ address: address(), key: KEY, clientId: CLIENT_ID_MIN + 5 });
    expect([c.node, c.incarnation]).toEqual([1, 42]);
    expect(await c.invoke(9, { op: 'get' })).toEqual({ ok: true, output: { echo: { op: 'get' } } });
    expect(invoked).toEqual([{ client: CLIENT_ID_MIN + 5, request: 9, command: { op: 'get' } }]);
    expect(await c.status()).toEqual(status);
    expect(await c.state()).toMatchObject({ historyDigest: 'h' });
    c.close();
  });

  it('closes on a client with the wrong key, on a node id posing as a client, and on garbage; good clients still get in', async () => {
    await expect(ClientConnection.open({ address: address(), key: randomBytes(32), clientId: CLIENT_ID_MIN + 6, timeoutMs: 3_000 }))
      .rejects.toBeInstanceOf(ConnectionLostError);
    await expect(ClientConnection.open({ address: address(), key: KEY, clientId: 2, timeoutMs: 3_000 })).rejects.toBeInstanceOf(ConnectionLostError);
    await new Promise<void>((resolve) => {
      const s = connect(server.port, '127.0.0.1', () => s.write(Buffer.from('GET / HTTP/1.1\r\n\r\n')));
      s.resume(); // read (and drop) the challenge, so the close is seen
      s.on('error', () => undefined);
      s.on('close', () => resolve());
    });
    const reasons = logs.map((l) => (JSON.parse(l) as { reason?: string }).reason);
    expect(reasons).toEqual(expect.arrayContaining(['badMac', 'unknownSender']));
    expect(server.stats.rejected).toBeGreaterThanOrEqual(3);
    const c = await ClientConnection.open({ address: address(), key: KEY, clientId: CLIENT_ID_MIN + 7 });
    expect(await c.invoke(1, 'still here')).toMatchObject({ ok: true });
    c.close();
  });

  it('takes the requests of one turn in one frame and answers each, in order (fewer than the 256 a connection may have in flight)', async () => {
    const c = await ClientConnection.open({ address: address(), key: KEY, clientId: CLIENT_ID_MIN + 9 });
    invoked.length = 0;
    const outcomes = await Promise.all(Array.from({ length: 200 }, (_, i) => c.invoke(100 + i, { n: i })));
    expect(outcomes).toEqual(Array.from({ length: 200 }, (_, i) => ({ ok: true, output: { echo: { n: i } } })));
    expect(invoked.map((r) => (r as { request: number }).request)).toEqual(Array.from({ length: 200 }, (_, i) => 100 + i));
    c.close();
  });

  it('never batches requests one byte over the request frame limit: the node would cut the connection and both calls be lost', async () => {
    const clientId = CLIENT_ID_MIN + 10;
    const body = (request: number, pad: number) => Buffer.byteLength(JSON.stringify({ from: clientId, kind: 'invoke', request, command: 'x'.repeat(pad) }));
    // Two requests of one turn whose batch payload (header, bodies, two brackets and a comma) is the limit + 1.
    const second = body(301, 10);
    const first = MAX_REQUEST_FRAME_BYTES + 1 - DATA_HEADER_BYTES - 3 - second - body(300, 0);
    expect(DATA_HEADER_BYTES + 3 + body(300, first) + second).toBe(MAX_REQUEST_FRAME_BYTES + 1);
    const c = await ClientConnection.open({ address: address(), key: KEY, clientId });
    try {
      const outcomes = await Promise.all([c.invoke(300, 'x'.repeat(first)), c.invoke(301, 'x'.repeat(10))]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
      expect(c.closed).toBe(false);
    } finally {
      c.close();
    }
  });

  it('answers a bad request with an error reply and keeps the connection', async () => {
    const c = await ClientConnection.open({ address: address(), key: KEY, clientId: CLIENT_ID_MIN + 8 });
    // An invoke whose command is missing, sent as the connection would (JSON undefined drops the field).
    expect(await c.invoke(2, undefined)).toMatchObject({ ok: false, error: 'BadRequest', message: expect.stringMatching(/needs a command/) });
    expect(await c.invoke(3, 'fine')).toMatchObject({ ok: true });
    c.close();
  });
});

describe('replies recorded on an earlier connection', () => {
  it('do not verify on a later one: each connection opens its reply stream under a fresh nonce', async () => {
    // A node that answers its first connection properly and every later one with the bytes it
    // wrote on the first: what an attacker replaying a recorded reply stream would send.
    let recorded: Buffer | undefined;
    const replyNonces: string[] = [];
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      const session = new InboundSession({ key: KEY, isPeer: (id) => id >= CLIENT_ID_MIN, maxFrameBytes: MAX_REQUEST_FRAME_BYTES }, randomBytes(32));
      socket.on('data', (chunk: Buffer) => {
        for (const event of session.receive(chunk)) {
          if (event.type !== 'envelope') continue;
          const open = event.value as { kind: string; replyNonce: string };
          if (open.kind !== 'open') continue;
          replyNonces.push(open.replyNonce);
          recorded ??= Buffer.concat(new ReplyFramer(KEY, Buffer.from(open.replyNonce, 'hex')).frame({ kind: 'opened', node: 1, incarnation: 1, leader: 1 })!);
          socket.write(recorded);
        }
      });
      socket.write(session.challenge());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = { host: '127.0.0.1', port: (server.address() as { port: number }).port };
    try {
      const first = await ClientConnection.open({ address, key: KEY, clientId: CLIENT_ID_MIN + 30 });
      first.close();
      await expect(ClientConnection.open({ address, key: KEY, clientId: CLIENT_ID_MIN + 30, timeoutMs: 3_000 }))
        .rejects.toThrow(/MAC does not verify/);
      expect(replyNonces).toHaveLength(2);
      expect(replyNonces[0]).not.toBe(replyNonces[1]);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('an authentic reply that is not a reply object', () => {
  it('is dropped by the client, which goes on matching the replies after it (a null threw in the socket handler and crashed the process)', async () => {
    // A node with the key that answers an invoke with `null`, then a bare number, then the result.
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      const session = new InboundSession({ key: KEY, isPeer: (id) => id >= CLIENT_ID_MIN, maxFrameBytes: MAX_REQUEST_FRAME_BYTES }, randomBytes(32));
      let framer: ReplyFramer | undefined;
      const send = (value: unknown) => socket.write(Buffer.concat(framer!.frame(value as ClientReply)!));
      socket.on('data', (chunk: Buffer) => {
        for (const event of session.receive(chunk)) {
          if (event.type !== 'envelope') continue;
          const m = event.value as { kind: string; replyNonce?: string; request?: number };
          if (m.kind === 'open') {
            framer = new ReplyFramer(KEY, Buffer.from(m.replyNonce!, 'hex'));
            send({ kind: 'opened', node: 1, incarnation: 1, leader: 1 });
          } else if (m.kind === 'invoke') {
            send(null);
            send(7);
            send({ kind: 'result', request: m.request, ok: true, output: 'done', leader: 1 });
          }
        }
      });
      socket.write(session.challenge());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = { host: '127.0.0.1', port: (server.address() as { port: number }).port };
    try {
      const c = await ClientConnection.open({ address, key: KEY, clientId: CLIENT_ID_MIN + 31 });
      expect(await c.invoke(1, 'x')).toEqual({ ok: true, output: 'done' });
      expect(c.closed).toBe(false);
      c.close();
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('a client connection matching replies to calls', () => {
  let server: ClientServer;
  beforeAll(async () => {
    server = await ClientServer.listen({
      node: 1, incarnation: 1, key: KEY, host: '127.0.0.1', port: 0,
      logger: new Logger({ node: 1, write: () => undefined }),
      handlers: {
        // Each command says how long its answer takes: later requests can be answered first.
        invoke: async (_client, request, command) => {
          await new Promise((r) => setTimeout(r, (command as { waitMs: number }).waitMs));
          return { ok: true, output: { request } };
        },
        status: () => ({ node: 1 }) as unknown as NodeStatus,
        state: () => ({ node: 1, slotOut: 1, executed: 0, historyDigest: 'h', appDigest: 'a' }),
        leader: () => 1,
      },
    });
  });
  afterAll(() => server?.close());

  it('gives each call the reply naming its request id, when the answers come out of order', async () => {
    const c = await ClientConnection.open({ address: { host: '127.0.0.1', port: server.port }, key: KEY, clientId: CLIENT_ID_MIN + 20 });
    try {
      const slow = c.invoke(1, { waitMs: 150 });
      const fast = c.invoke(2, { waitMs: 0 });
      const status = c.status();
      expect(await fast).toEqual({ ok: true, output: { request: 2 } });
      expect(await status).toEqual({ node: 1 });
      expect(await slow).toEqual({ ok: true, output: { request: 1 } });
      expect(c.inFlight).toBe(0);
    } finally {
      c.close();
    }
  });

  it('a call on a connection already lost never left: ConnectionLostError with sent false (a client may send it anywhere, unmarked)', async () => {
    const c = await ClientConnection.open({ address: { host: '127.0.0.1', port: server.port }, key: KEY, clientId: CLIENT_ID_MIN + 21 });
    c.close();
    expect(c.closed).toBe(true);
    const e = await c.invoke(1, { waitMs: 0 }).then(() => undefined, (error: unknown) => error);
    expect(e).toBeInstanceOf(ConnectionLostError);
    expect((e as ConnectionLostError).sent).toBe(false);
  });

  it('a command too large for a request frame is refused at the client, not sent: BadRequest (not executed), and the connection serves on', async () => {
    const c = await ClientConnection.open({ address: { host: '127.0.0.1', port: server.port }, key: KEY, clientId: CLIENT_ID_MIN + 22 });
    try {
      const other = c.invoke(1, { waitMs: 50 });
      // Sent, the node would cut the connection at its length prefix: every call on it lost, this one "indeterminate".
      const big = await c.invoke(2, { waitMs: 0, pad: 'x'.repeat(MAX_REQUEST_FRAME_BYTES) });
      expect(big).toMatchObject({ ok: false, error: 'BadRequest', indeterminate: false, message: expect.stringMatching(/request frame .*at most 1048576 bytes.*not sent/) });
      expect(await other).toEqual({ ok: true, output: { request: 1 } });
      expect(await c.invoke(3, { waitMs: 0 })).toEqual({ ok: true, output: { request: 3 } });
      expect(c.closed).toBe(false);
    } finally {
      c.close();
    }
  });
});
