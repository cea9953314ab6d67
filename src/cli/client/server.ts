/**
 * A node's client port: accepts client connections, authenticates them as the peer
 * transport does (InboundSession, the cluster key), validates each request, and hands it to
 * the node's handlers; replies go back MAC'd under the client's nonce (protocol.ts). A bad
 * client costs its own connection only: every problem is counted, logged at most once per
 * interval, and the node keeps serving the others.
 */
import { randomBytes } from 'node:crypto';
import { type Server, type Socket, createServer } from 'node:net';
import { InboundSession } from '../../transport/inboundSession.js';
import type { Logger } from '../log.js';
import type { InvokeOutcome } from '../node/requestTable.js';
import {
  CLIENT_ID_MAX, CLIENT_ID_MIN, type ClientReply, type ClientRequest, MAX_REQUEST_FRAME_BYTES, type NodeStatus,
  type ReplicaState, ReplyFramer, checkRequest,
} from './protocol.js';

export interface ClientHandlers {
  invoke(client: number, request: number, command: unknown, retry: boolean): Promise<InvokeOutcome>;
  status(): NodeStatus;
  state(history: boolean): ReplicaState;
  /** The leader this node follows (itself when it leads), null when it knows none: the hint in replies (protocol.ts). */
  leader(): number | null;
}

export interface ClientServerOptions {
  readonly node: number;
  readonly incarnation: number;
  readonly key: Buffer;
  readonly host: string;
  readonly port: number;
  readonly handlers: ClientHandlers;
  readonly logger: Logger;
  /** Client connections at once: a flood of dialers cannot exhaust file descriptors. */
  readonly maxConnections?: number;
  /** Requests in flight per connection (beyond: Busy). */
  readonly maxInFlightPerConnection?: number;
  /** An unauthenticated connection gets this long to say hello and open. */
  readonly handshakeTimeoutMs?: number;
  /** Called before replies are written (a buffered trace writes the events they report). */
  readonly beforeReply?: () => void;
}

/** Bytes queued for a client that does not read its replies before its connection is cut. */
const MAX_UNREAD_REPLY_BYTES = 64 << 20;
const LOG_INTERVAL_MS = 10_000;

export class ClientServer {
  private readonly sockets = new Set<Socket>();
  private closed = false;
  /** Client connections accepted, and connections or frames dropped (each logged with its reason). */
  readonly stats = { accepted: 0, rejected: 0 };

  private constructor(private readonly server: Server, private readonly options: ClientServerOptions) {
    server.maxConnections = options.maxConnections ?? 64;
    server.on('connection', (socket) => this.accept(socket));
    server.on('error', (e) => options.logger.error('client-port-error', { error: e.message }));
  }

  static async listen(options: ClientServerOptions): Promise<ClientServer> {
    const server = createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(new Error(`node ${options.node} cannot listen for clients on ${options.host}:${options.port}: ${e.code ?? e.message}`, { cause: e })));
      server.listen(options.port, options.host, () => resolve());
    });
    server.removeAllListeners('error');
    return new ClientServer(server, options);
  }

  get port(): number {
    const a = this.server.address();
    return a !== null && typeof a === 'object' ? a.port : 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private accept(socket: Socket): void {
    if (this.closed) { socket.destroy(); return; }
    this.stats.accepted++;
    this.sockets.add(socket);
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const session = new InboundSession(
      { key: this.options.key, isPeer: (id) => id >= CLIENT_ID_MIN && id <= CLIENT_ID_MAX, maxFrameBytes: MAX_REQUEST_FRAME_BYTES },
      randomBytes(32),
    );
    let framer: ReplyFramer | undefined;
    let inFlight = 0;
    /** Replies of this turn, written together once it ends (one frame, one MAC: see flushReplies). */
    let outgoing: ClientReply[] = [];
    const maxInFlight = this.options.maxInFlightPerConnection ?? 256;
    const drop = (reason: string, detail: string) => {
      this.stats.rejected++;
      this.options.logger.throttled(`client-drop:${reason}:${socket.remoteAddress ?? '?'}`, LOG_INTERVAL_MS, 'warn', 'client-drop',
        { reason, remote, client: session.peer ?? null, detail });
      socket.destroy();
    };
    const flushReplies = () => {
      const replies = outgoing;
      outgoing = [];
      if (socket.destroyed || framer === undefined) return;
      const frames = framer.frameAll(replies);
      if (frames === undefined) { socket.destroy(); return; }
      this.options.beforeReply?.();
      socket.cork();
      for (const [header, body] of frames) {
        socket.write(header);
        socket.write(body);
      }
      socket.uncork();
      if (socket.writableLength > MAX_UNREAD_REPLY_BYTES) drop('slowReader', `more than ${MAX_UNREAD_REPLY_BYTES} bytes of replies unread`);
    };
    const reply = (r: ClientReply) => {
      if (socket.destroyed || framer === undefined) return;
      // Written once this turn of the event loop has handled every readable socket (setImmediate):
      // the results of all the Decisions received in it leave in one frame.
      if (outgoing.length === 0) setImmediate(flushReplies);
      outgoing.push(r);
    };
    const handshake = setTimeout(() => { if (framer === undefined) drop('handshakeTimeout', 'no hello and open in time'); }, this.options.handshakeTimeoutMs ?? 5_000);
    handshake.unref();

    const onRequest = (client: number, value: unknown) => {
      const checked = checkRequest(value);
      if (!checked.ok) {
        if (framer === undefined) return drop('badRequest', checked.reason);
        const request = typeof (value as { request?: unknown }).request === 'number' ? (value as { request: number }).request : null;
        reply({ kind: 'error', request, message: checked.reason });
        return;
      }
      const r: ClientRequest = checked.value;
      if (r.kind === 'open') {
        if (framer !== undefined) return drop('badRequest', 'a second open');
        clearTimeout(handshake);
        framer = new ReplyFramer(this.options.key, Buffer.from(r.replyNonce, 'hex'));
        this.options.logger.debug('client-connected', { client, remote });
        reply({ kind: 'opened', node: this.options.node, incarnation: this.options.incarnation, leader: this.options.handlers.leader() });
        return;
      }
      if (framer === undefined) return drop('badRequest', `a ${r.kind} request before open`);
      if (r.kind === 'status') {
        reply({ kind: 'status', request: r.request, status: this.options.handlers.status() });
      } else if (r.kind === 'state') {
        reply({ kind: 'state', request: r.request, state: this.options.handlers.state(r.history === true) });
      } else {
        if (inFlight >= maxInFlight) {
          reply({ kind: 'result', request: r.request, ok: false, error: 'Busy', message: `${inFlight} requests in flight on this connection`, indeterminate: false });
          return;
        }
        inFlight++;
        void this.options.handlers.invoke(client, r.request, r.command, r.retry === true).then((outcome) => {
          inFlight--;
          // A node that does not lead names the one it follows: the client goes there next time.
          const leader = this.options.handlers.leader();
          reply(leader === null || leader === this.options.node ? { kind: 'result', request: r.request, ...outcome } : { kind: 'result', request: r.request, ...outcome, leader });
        });
      }
    };

    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const event of session.receive(chunk)) {
        if (socket.destroyed) return;
        if (event.type === 'envelope') onRequest(event.peer, event.value);
        else if (event.type === 'rejected') {
          if (event.fatal) return drop(event.reason, event.detail);
          this.stats.rejected++;
          this.options.logger.throttled(`client-drop:${event.reason}:${socket.remoteAddress ?? '?'}`, LOG_INTERVAL_MS, 'warn', 'client-drop',
            { reason: event.reason, remote, client: session.peer ?? null, detail: event.detail });
        }
      }
    });
    socket.on('error', () => { /* 'close' follows */ });
    socket.on('close', () => {
      clearTimeout(handshake);
      this.sockets.delete(socket);
    });
    socket.write(session.challenge());
  }
}
