/**
 * `paxos invoke` sending a request again: once a request has left, a copy sent after the
 * connection was lost must be marked `retry` and carry the same identity (client id, request
 * id, command), so the node answers it from its request table (or says Unknown) instead of
 * running the command a second time.
 *
 * The node here is a stub client port built from the protocol's own pieces (InboundSession for
 * the client's frames, ReplyFramer for the replies): it records every request, drops the
 * connection on the first invoke without answering (the request left, no answer came back),
 * and answers the copies that follow.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_ID_MAX, CLIENT_ID_MIN, type ClientReply, MAX_REQUEST_FRAME_BYTES, ReplyFramer } from '../../src/cli/client/protocol.js';
import { invokeCommand } from '../../src/cli/commands/invoke.js';
import { InboundSession } from '../../src/transport/inboundSession.js';
import { generateClusterKey } from '../../src/transport/clusterKey.js';
import { captureIo } from './helpers.js';

interface Received { connection: number; peer: number; value: Record<string, unknown> }

/** A client port that loses the first invoke it gets (closes without a word) and answers the rest. */
async function stubNode(key: Buffer, node: number): Promise<{ server: Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  let connections = 0;
  let dropped = false;
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const connection = ++connections;
    const session = new InboundSession({ key, isPeer: (id) => id >= CLIENT_ID_MIN && id <= CLIENT_ID_MAX, maxFrameBytes: MAX_REQUEST_FRAME_BYTES }, randomBytes(32));
    let framer: ReplyFramer | undefined;
    const send = (reply: ClientReply) => {
      for (const b of framer!.frame(reply)!) socket.write(b);
    };
    socket.on('data', (chunk: Buffer) => {
      for (const event of session.receive(chunk)) {
        if (socket.destroyed) return;
        if (event.type === 'rejected') { if (event.fatal) socket.destroy(); continue; }
        if (event.type !== 'envelope') continue;
        const value = event.value as Record<string, unknown>;
        received.push({ connection, peer: event.peer, value });
        if (value.kind === 'open') {
          framer = new ReplyFramer(key, Buffer.from(value.replyNonce as string, 'hex'));
          send({ kind: 'opened', node, incarnation: 1, leader: node });
        } else if (value.kind === 'invoke') {
          if (!dropped) {
            dropped = true;
            socket.destroy(); // the request arrived; its answer never leaves
            return;
          }
          send({ kind: 'result', request: value.request as number, ok: true, output: { answered: value.command } });
        }
      }
    });
    socket.write(session.challenge());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = server.close.bind(server);
  server.close = (cb) => { for (const s of sockets) s.destroy(); return close(cb); };
  return { server, port: (server.address() as { port: number }).port, received };
}

describe('paxos invoke sends a lost request again', () => {
  let server: Server | undefined;
  afterEach(() => { server?.close(); server = undefined; });

  it('marks the copy as a retry, with the same client id, request id and command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'invoke-retry-'));
    const keyFile = join(dir, 'cluster.key');
    const key = generateClusterKey(keyFile);
    const stub = await stubNode(key, 1);
    server = stub.server;
    const clientId = CLIENT_ID_MIN + 4242;
    const command = { op: 'deposit', account: 'a', amount: 5 };
    const io = captureIo();
    const code = await invokeCommand([
      '--clients', `1=127.0.0.1:${stub.port}`, '--key-file', keyFile, '--client-id', String(clientId),
      '--request-id', '77', '--timeout', '10', JSON.stringify(command),
    ], io);

    const invokes = stub.received.filter((r) => r.value.kind === 'invoke');
    expect(invokes, JSON.stringify(stub.received)).toHaveLength(2);
    const [first, again] = invokes as [Received, Received];
    expect(again.connection, 'the copy goes on a new connection').toBeGreaterThan(first.connection);
    // The first send is a new request: a node that had never seen it must run it.
    expect(first.value.retry, 'the first send is not marked retry').toBeUndefined();
    // The copy: marked, and the same request (the node's table is keyed by client id and request id).
    expect(again.value.retry, `the re-sent request is marked retry: ${JSON.stringify(again.value)}`).toBe(true);
    expect(again.value).toEqual({ ...first.value, retry: true });
    expect(again.value).toMatchObject({ from: clientId, kind: 'invoke', request: 77, command });
    expect([first.peer, again.peer]).toEqual([clientId, clientId]);

    expect(code, io.stderr.join('\n')).toBe(0);
    expect(io.stdout).toEqual([JSON.stringify({ answered: command })]);
  }, 30_000);
});
