/**
 * Live-socket helpers for the transport tests (127.0.0.1 only): a cluster of Members over
 * TcpTransport, a raw client that speaks (or breaks) the wire protocol, and bounded waits.
 */
import { type Server, type Socket, connect, createServer } from 'node:net';
import { afterEach } from 'vitest';
import type { Envelope } from '../../src/node/api.js';
import type { NodeApi, NodeId } from '../../src/node/api.js';
import { Member } from '../../src/member/member.js';
import { defaultNodeFactory } from '../../src/member/nodeFactory.js';
import { bank, type BankOutput, type BankState } from '../../src/statemachines/bank.js';
import { CHALLENGE_BYTES, challengePayload } from '../../src/transport/frameAuth.js';
import { LENGTH_PREFIX_BYTES, encodeFrame } from '../../src/transport/frameSplitter.js';
import { OutboundSession } from '../../src/transport/outboundSession.js';
import type { PeerAddress } from '../../src/transport/peerLink.js';
import { TcpTransport, type TcpTransportOptions } from '../../src/transport/tcpTransport.js';
import { FAST_TIMING } from '../member/cluster.js';
import { KEY } from './helpers.js';

export const HOST = '127.0.0.1';

/**
 * A test file's cleanups, run in reverse after each test; `closing` registers transports to
 * close and waits for their sockets to end, so no test leaves a port bound for the next.
 */
export function cleanupAfterEach(): { cleanups: (() => Promise<void> | void)[]; closing(...list: TcpTransport[]): void } {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const closing = (...list: TcpTransport[]): void => {
    cleanups.push(async () => {
      for (const t of list) t.close();
      await Promise.all(list.map((t) => t.closed));
    });
  };
  return { cleanups, closing };
}

/** Every envelope `t` receives, in order (a live array). */
export function collect(t: TcpTransport): Envelope[] {
  const got: Envelope[] = [];
  t.onReceive((e) => got.push(e as Envelope));
  return got;
}

/** Polls `condition` every 10 ms; fails the test with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A port held for a node that starts later, by a server that drops every connection at once:
 * a peer's dial fails as it would against a closed port, and no other process (another test
 * worker binding port 0) can take the port meanwhile. A port only found free could be, and the
 * dials then went to that process's server, which never failed them. `release`, then start the
 * late node on the port at once.
 */
export async function heldPort(): Promise<{ port: number; release(): Promise<void> }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((r) => server.listen(0, HOST, () => r()));
  const port = (server.address() as { port: number }).port;
  return { port, release: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A port that was free a moment ago (for a node that starts later). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, HOST, () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

export interface Logged {
  readonly node: NodeId;
  readonly line: Record<string, unknown>;
}

/** Transports on 127.0.0.1 for ids 1..n (port 0 unless given), each knowing the others. */
export async function transports(n: number, options: Partial<TcpTransportOptions> & { ports?: Map<NodeId, number> } = {}) {
  const logs: Logged[] = [];
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const list = await Promise.all(ids.map((id) => TcpTransport.listen({
    id, key: KEY, host: HOST, port: options.ports?.get(id) ?? 0, reconnectMinMs: 20, reconnectMaxMs: 200,
    log: (l) => logs.push({ node: id, line: JSON.parse(l) }), ...options,
  })));
  const addresses = new Map<NodeId, PeerAddress>(list.map((t) => [t.id, t.address()]));
  for (const t of list) t.setPeers(addresses);
  return { list, logs, addresses };
}

export type BankMember = Member<BankState, BankOutput>;

/** A Member over `transport`; `nodes` receives its Node so a test can read the node's stats. */
export function member(transport: TcpTransport, peers: NodeId[], nodes: Map<NodeId, NodeApi>): BankMember {
  return new Member(bank, transport, peers, {
    id: transport.id, timing: FAST_TIMING, deadlineMs: 5000, clientIdBase: 1,
    createNode: (id, ps, options, env) => {
      const node = defaultNodeFactory(id, ps, options, env);
      nodes.set(id, node);
      return node;
    },
  });
}

/** A socket speaking the wire protocol by hand: for sending what a real peer never would. */
export class RawClient {
  private received = Buffer.alloc(0);
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => { this.received = Buffer.concat([this.received, chunk]); });
    socket.on('error', () => {});
    this.closed = new Promise((r) => socket.once('close', () => r()));
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect({ host: HOST, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Everything the acceptor sent: its framed challenge (and nothing else). */
  async challenge(): Promise<Buffer> {
    await waitFor(() => this.received.length >= LENGTH_PREFIX_BYTES + CHALLENGE_BYTES, 'the challenge', 2000);
    return this.received;
  }

  /** Answers the challenge as node `self` (under `key`) and returns the session for framing data. */
  async hello(self: NodeId, key = KEY): Promise<{ session: OutboundSession; hello: Buffer }> {
    const session = new OutboundSession(key, self);
    const answer = session.receive(await this.challenge());
    if (answer?.type !== 'ready') throw new Error(`raw client: bad challenge ${JSON.stringify(answer)}`);
    this.write(answer.hello);
    return { session, hello: answer.hello };
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Half-closes (FIN after the bytes written), as a peer that stops mid-frame would. */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A server that sends a valid challenge and then never reads: a peer that hangs. */
export async function stuckPeer(): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.write(encodeFrame(challengePayload(Buffer.alloc(32, 3))));
    socket.pause();
  });
  await new Promise<void>((r) => server.listen(0, HOST, () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    server, port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
