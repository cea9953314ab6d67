/**
 * The outgoing connection to one peer: this node dials it, completes the handshake, and
 * writes this node's envelopes to it, in the order they were sent. Bodies wait in a bounded
 * queue while the link is down or the peer reads slowly, so nothing here ever blocks the
 * caller or the other peers' links. Each write sends what is queued as one batch frame (one
 * MAC for all of it), or as one data frame when a single envelope waits. A lost connection is redialed after an exponential
 * backoff with jitter, capped; only a non-empty queue triggers a dial.
 */
import { type Socket, connect } from 'node:net';
import type { NodeId } from '../node/api.js';
import { OutboundSession, batchPayloadBytes } from './outboundSession.js';
import type { RejectReason } from './rejectReasons.js';
import { SendQueue, type SendQueueLimits } from './sendQueue.js';

/** Where a peer's {@link TcpTransport} listens. */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

export interface PeerLinkOptions {
  readonly self: NodeId;
  readonly peer: NodeId;
  readonly address: PeerAddress;
  readonly key: Buffer;
  readonly queue: SendQueueLimits;
  /** The largest frame payload: a batch takes queued bodies up to it. */
  readonly maxFrameBytes: number;
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  /** Longest wait for the TCP connection and the challenge together. */
  readonly connectTimeoutMs: number;
  readonly now: () => number;
  readonly random: () => number;
  readonly events: PeerLinkEvents;
}

/** What the link reports to its transport (counters and rate-limited logs live there). */
export interface PeerLinkEvents {
  dialed(peer: NodeId): void;
  /** `count` envelopes went to the connection. */
  sent(peer: NodeId, count: number): void;
  /** One write (of one or more envelopes) went to the connection. */
  wrote(peer: NodeId): void;
  queueFull(peer: NodeId, dropped: number): void;
  rejected(peer: NodeId, reason: RejectReason, detail: string): void;
  connectFailed(peer: NodeId, detail: string): void;
}

/** The state of the outgoing connection to one peer. */
export type PeerLinkState = 'idle' | 'connecting' | 'open' | 'backoff' | 'closed';

/** The outgoing connection to one peer: its state and queue (see `TcpTransport.peerStatus`). */
export interface PeerLinkStatus {
  readonly state: PeerLinkState;
  readonly queued: number;
  readonly queuedBytes: number;
  readonly sent: number;
  readonly droppedQueueFull: number;
  /** Dials that ended before an open connection served for `reconnectMaxMs`, in a row. */
  readonly failures: number;
}

export class PeerLink {
  private readonly queue: SendQueue;
  private linkState: PeerLinkState = 'idle';
  private socket: Socket | undefined;
  private session: OutboundSession | undefined;
  private timer: NodeJS.Timeout | undefined;
  private waitingForDrain = false;
  private flushScheduled = false;
  private openedAt: number | undefined;
  private lastError: string | undefined;
  private failures = 0;
  private sentCount = 0;
  private droppedCount = 0;

  constructor(private readonly options: PeerLinkOptions) {
    this.queue = new SendQueue(options.queue);
  }

  get address(): PeerAddress {
    return this.options.address;
  }

  status(): PeerLinkStatus {
    return {
      state: this.linkState, queued: this.queue.length, queuedBytes: this.queue.byteLength,
      sent: this.sentCount, droppedQueueFull: this.droppedCount, failures: this.failures,
    };
  }

  enqueue(body: Buffer): void {
    if (this.linkState === 'closed') return;
    const dropped = this.queue.push(body);
    if (dropped > 0) {
      this.droppedCount += dropped;
      this.options.events.queueFull(this.options.peer, dropped);
    }
    if (this.linkState === 'idle') this.dial();
    else if (this.linkState === 'open') this.scheduleFlush();
  }

  close(): void {
    if (this.linkState === 'closed') return;
    this.linkState = 'closed';
    clearTimeout(this.timer);
    this.queue.clear();
    this.socket?.destroy();
    this.socket = undefined;
  }

  private dial(): void {
    this.linkState = 'connecting';
    this.session = new OutboundSession(this.options.key, this.options.self);
    this.waitingForDrain = false;
    this.openedAt = undefined;
    this.lastError = undefined;
    this.options.events.dialed(this.options.peer);
    const socket = connect({ host: this.options.address.host, port: this.options.address.port });
    this.socket = socket;
    socket.setNoDelay(true);
    // Detects a peer that vanished without closing (power loss, cable) on an idle link.
    socket.setKeepAlive(true, KEEPALIVE_MS);
    this.armTimer(this.options.connectTimeoutMs, () => {
      this.lastError = `no challenge within ${this.options.connectTimeoutMs} ms`;
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('drain', () => {
      this.waitingForDrain = false;
      this.flush();
    });
    socket.on('error', (e: Error) => {
      this.lastError = (e as NodeJS.ErrnoException).code ?? e.message;
    });
    socket.on('close', () => this.onClose(socket));
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket || this.session === undefined) return;
    const outcome = this.session.receive(chunk);
    if (outcome === undefined) return;
    if (outcome.type === 'rejected') {
      this.options.events.rejected(this.options.peer, outcome.reason, outcome.detail);
      this.lastError = `bad challenge: ${outcome.detail}`;
      socket.destroy();
      return;
    }
    clearTimeout(this.timer);
    this.linkState = 'open';
    this.openedAt = this.options.now();
    socket.write(outcome.hello);
    this.flush();
  }

  private onClose(socket: Socket): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.session = undefined;
    clearTimeout(this.timer);
    if (this.linkState === 'closed') return;
    // A connection that served for a while was healthy: its end is news, not another failure.
    const served = this.openedAt !== undefined && this.options.now() - this.openedAt >= this.options.reconnectMaxMs;
    if (served) {
      this.failures = 0;
    } else {
      this.failures++;
      this.options.events.connectFailed(this.options.peer, this.lastError ?? (this.openedAt === undefined ? 'closed during the handshake' : 'closed by the peer'));
    }
    this.linkState = 'backoff';
    this.armTimer(this.backoffMs(), () => {
      this.linkState = 'idle';
      if (this.queue.length > 0) this.dial();
    });
  }

  /** Exponential in consecutive failures, capped, with equal jitter so restarted peers are not redialed in lockstep. */
  private backoffMs(): number {
    const { reconnectMinMs, reconnectMaxMs } = this.options;
    const exponent = Math.min(this.failures, 30);
    const ceiling = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** exponent);
    return ceiling / 2 + (this.options.random() * ceiling) / 2;
  }

  private armTimer(ms: number, fire: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(fire, ms);
    // Never what keeps a process alive: the sockets and the server do that while they exist.
    this.timer.unref();
  }

  /**
   * One flush per turn of the event loop: setImmediate runs once the poll phase has handled
   * every socket that was readable, so what the node sends in answer to all of them goes out
   * in one write per peer. A write on loopback costs tens of microseconds of system time (the
   * receiver's side runs inside it); a microtask would flush after each socket's data instead.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const socket = this.socket;
    const session = this.session;
    if (this.linkState !== 'open' || socket === undefined || session === undefined || this.waitingForDrain) return;
    if (session.exhausted) {
      socket.destroy();
      return;
    }
    if (this.queue.length === 0) return;
    socket.cork();
    this.options.events.wrote(this.options.peer);
    while (this.queue.length > 0) {
      const bodies = this.takeBatch();
      const [header, payload] = bodies.length === 1 ? session.frame(bodies[0]!) : session.frameBatch(bodies);
      socket.write(header);
      const roomLeft = socket.write(payload);
      this.sentCount += bodies.length;
      this.options.events.sent(this.options.peer, bodies.length);
      // Past the socket's high-water mark, bodies wait in our bounded queue instead of Node's unbounded buffer.
      if (!roomLeft) {
        this.waitingForDrain = true;
        break;
      }
      if (session.exhausted) break;
    }
    socket.uncork();
  }

  /** The queued bodies, oldest first, that fit one frame (at least one: each fits alone, send() checked). */
  private takeBatch(): Buffer[] {
    const bodies = [this.queue.shift()!];
    let bytes = bodies[0]!.length;
    for (let next = this.queue.peek(); next !== undefined; next = this.queue.peek()) {
      if (batchPayloadBytes(bodies.length + 1, bytes + next.length) > this.options.maxFrameBytes) break;
      bodies.push(this.queue.shift()!);
      bytes += next.length;
    }
    return bodies;
  }
}

/** Idle time before TCP keepalive probes start. */
const KEEPALIVE_MS = 10_000;
