/**
 * A client's connection to one node's client port (protocol.ts): authenticates, opens the
 * reply stream under a fresh nonce, then matches replies to requests. Used by `paxos
 * invoke`, `paxos status` and the chaos workload.
 */
import { randomBytes } from 'node:crypto';
import { type Socket, connect } from 'node:net';
import { OutboundSession, batchPayloadBytes, dataPayloadBytes } from '../../transport/outboundSession.js';
import {
  type ClientReply, type ClientRequest, leaderHint, MAX_REQUEST_FRAME_BYTES, type NodeStatus, type ReplicaState, ReplyReader,
} from './protocol.js';
import type { InvokeOutcome } from '../node/requestTable.js';

export interface ClientAddress { readonly host: string; readonly port: number }

export interface OpenOptions {
  readonly address: ClientAddress;
  readonly key: Buffer;
  readonly clientId: number;
  /** Connect, authenticate and open within this long (default 5 s). */
  readonly timeoutMs?: number;
}

/** The connection ended before the reply came. `sent`: the request left this process (it may have run). */
export class ConnectionLostError extends Error {
  override readonly name = 'ConnectionLostError';
  constructor(message: string, readonly sent: boolean) {
    super(message);
  }
}

type Pending = { resolve: (reply: ClientReply) => void; reject: (e: Error) => void };

/** Status and state requests are numbered from here, apart from the caller's invoke ids. */
const QUERY_IDS_FROM = 2 ** 52;

export class ClientConnection {
  private readonly pending = new Map<string, Pending>();
  private nextQuery = QUERY_IDS_FROM;
  private lost: Error | undefined;
  /** Requests of this turn, written together once it ends (one batch frame: see flush). */
  private outgoing: Buffer[] = [];
  /**
   * The node the last reply named as its leader, when that is another node (protocol.ts,
   * leader hints); undefined while the node says it leads itself or names none. A client
   * that follows it sends its next requests there.
   */
  leader: number | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly session: OutboundSession,
    private readonly clientId: number,
    /** The node that answered, and its incarnation (changes when it restarts). */
    readonly node: number,
    readonly incarnation: number,
  ) {}

  static open(options: OpenOptions): Promise<ClientConnection> {
    const { address, key, clientId } = options;
    return new Promise<ClientConnection>((resolve, reject) => {
      const socket = connect({ host: address.host, port: address.port, noDelay: true });
      const session = new OutboundSession(key, clientId);
      const nonce = randomBytes(32);
      const reader = new ReplyReader(key, nonce);
      let connection: ClientConnection | undefined;
      let settled = false;
      const fail = (message: string) => {
        socket.destroy();
        if (!settled) { settled = true; reject(new ConnectionLostError(`${address.host}:${address.port}: ${message}`, false)); }
        connection?.loseAll(new ConnectionLostError(`connection to node ${connection.node} lost: ${message}`, true));
      };
      const timer = setTimeout(() => fail(`no authenticated answer within ${options.timeoutMs ?? 5000} ms`), options.timeoutMs ?? 5000);
      socket.on('data', (chunk: Buffer) => {
        if (!session.ready) {
          const outcome = session.receive(chunk);
          if (outcome === undefined) return;
          if (outcome.type === 'rejected') return fail(`not a paxos client port (${outcome.detail})`);
          socket.write(outcome.hello);
          const open: ClientRequest = { from: clientId, kind: 'open', replyNonce: nonce.toString('hex') };
          for (const b of session.frame(Buffer.from(JSON.stringify(open)))) socket.write(b);
          return;
        }
        const { replies, error } = reader.receive(chunk);
        for (const r of replies) {
          const reply = r as ClientReply;
          if (connection === undefined) {
            if (reply?.kind !== 'opened') return fail('the node did not open the connection');
            clearTimeout(timer);
            settled = true;
            connection = new ClientConnection(socket, session, clientId, reply.node, reply.incarnation);
            connection.noteLeader(reply.leader);
            resolve(connection);
          } else {
            connection.onReply(reply);
          }
        }
        if (error !== undefined) fail(error);
      });
      socket.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
      socket.on('close', () => {
        clearTimeout(timer);
        // A hello or open that fails authentication is answered by a close, without a word.
        fail(connection !== undefined ? 'closed by the node' : session.ready ? 'closed by the node at the hello (a wrong cluster key closes it at once)' : 'closed');
      });
    });
  }

  /** Sends one command; `request` is the caller's idempotency id (see RequestTable). */
  async invoke(request: number, command: unknown, retry = false): Promise<InvokeOutcome> {
    const message: ClientRequest & { request: number } = { from: this.clientId, kind: 'invoke', request, command, ...(retry ? { retry: true } : {}) };
    const body = Buffer.from(JSON.stringify(message));
    // Sent, it would make the node cut the connection at its length prefix (every call on it
    // lost, this one seemingly indeterminate): it is refused here, certainly not executed.
    if (dataPayloadBytes(body.length) > MAX_REQUEST_FRAME_BYTES) {
      return { ok: false, error: 'BadRequest', message: `the request is ${body.length} bytes; a request frame holds at most ${MAX_REQUEST_FRAME_BYTES} bytes (not sent)`, indeterminate: false };
    }
    const reply = await this.send(message, 'result', body);
    if (reply.kind === 'result') {
      const { kind: _kind, request: _request, leader, ...outcome } = reply;
      this.noteLeader(leader);
      return outcome;
    }
    if (reply.kind === 'error') return { ok: false, error: 'BadRequest', message: `node ${this.node} refused the request: ${reply.message}`, indeterminate: false };
    throw new Error(`unexpected reply ${reply.kind}`);
  }

  async status(): Promise<NodeStatus> {
    const reply = await this.send({ from: this.clientId, kind: 'status', request: this.nextQuery++ }, 'status');
    if (reply.kind === 'status') return reply.status;
    throw new Error(reply.kind === 'error' ? reply.message : `unexpected reply ${reply.kind}`);
  }

  async state(history = false): Promise<ReplicaState> {
    const reply = await this.send({ from: this.clientId, kind: 'state', request: this.nextQuery++, ...(history ? { history: true } : {}) }, 'state');
    if (reply.kind === 'state') return reply.state;
    throw new Error(reply.kind === 'error' ? reply.message : `unexpected reply ${reply.kind}`);
  }

  /** Requests sent on this connection and not answered yet. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** A reply's leader hint: a node id other than this connection's node, or nothing (anything else is ignored). */
  private noteLeader(value: unknown): void {
    const leader = leaderHint(value);
    this.leader = leader === this.node ? undefined : leader;
  }

  close(): void {
    this.loseAll(new ConnectionLostError('connection closed', true));
    this.socket.destroy();
  }

  get closed(): boolean {
    return this.lost !== undefined;
  }

  private send(request: ClientRequest & { request: number }, replyKind: 'result' | 'status' | 'state', body = Buffer.from(JSON.stringify(request))): Promise<ClientReply> {
    if (this.lost) return Promise.reject(new ConnectionLostError(this.lost.message, false));
    const key = `${replyKind}:${request.request}`;
    if (this.pending.has(key)) return Promise.reject(new Error(`request ${request.request} is already in flight on this connection`));
    return new Promise<ClientReply>((resolve, reject) => {
      this.pending.set(key, { resolve, reject });
      if (this.outgoing.length === 0) setImmediate(() => this.flush());
      this.outgoing.push(body);
    });
  }

  /** Writes this turn's requests: one data frame for one, batch frames within the node's request frame limit for more. */
  private flush(): void {
    const bodies = this.outgoing;
    this.outgoing = [];
    if (this.socket.destroyed) return;
    this.socket.cork();
    for (let i = 0; i < bodies.length;) {
      let bytes = bodies[i]!.length;
      let end = i + 1;
      while (end < bodies.length && batchPayloadBytes(end - i + 1, bytes + bodies[end]!.length) <= MAX_REQUEST_FRAME_BYTES) {
        bytes += bodies[end]!.length;
        end++;
      }
      const frame = end === i + 1 ? this.session.frame(bodies[i]!) : this.session.frameBatch(bodies.slice(i, end));
      for (const b of frame) this.socket.write(b);
      i = end;
    }
    this.socket.uncork();
  }

  private onReply(reply: ClientReply): void {
    // Authentic but not a reply (a node's bug): dropped, as one naming no call is; a throw here
    // would escape the socket's handler and end the process.
    if (typeof reply !== 'object' || reply === null) return;
    const request = (reply as { request?: unknown }).request;
    if (typeof request !== 'number') return;
    const kinds = reply.kind === 'error' ? ['result', 'status', 'state'] : [reply.kind];
    for (const k of kinds) {
      const p = this.pending.get(`${k}:${request}`);
      if (p === undefined) continue;
      this.pending.delete(`${k}:${request}`);
      p.resolve(reply);
      return;
    }
  }

  private loseAll(error: Error): void {
    this.lost ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
