/**
 * A Transport over TCP with authenticated frames: the server accepts the connections peers
 * dial to send to this node (InboundSession checks every frame), and one PeerLink per peer
 * dials it for this node's own traffic. See index.ts for the design in one paragraph.
 */
import { randomBytes } from 'node:crypto';
import { type Server, type Socket, createServer } from 'node:net';
import type { Envelope, NodeId } from '../node/api.js';
import type { Transport } from '../member/transport.js';
import { MIN_CLUSTER_KEY_BYTES } from './clusterKey.js';
import { DropLog } from './dropLog.js';
import { InboundSession, type InboundEvent } from './inboundSession.js';
import { dataPayloadBytes } from './outboundSession.js';
import { type PeerAddress, PeerLink, type PeerLinkEvents, type PeerLinkStatus } from './peerLink.js';
import { type RejectCounts, type RejectReason, zeroRejectCounts } from './rejectReasons.js';

export const TCP_DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  /**
   * The largest frame payload sent or accepted. The largest legitimate messages are a
   * Welcome carrying the whole decided log (up to 100,000 decisions) and a Promise carrying
   * every accepted pvalue: at a hundred bytes or so per entry that is about 10 MB. 16 MiB
   * admits them with room to spare, and is all one connection can make this node buffer.
   */
  maxFrameBytes: 16 * 1024 * 1024,
  /** Enough for a peer to be unreachable through a few backoff periods at hundreds of messages/s. */
  maxQueuedMessages: 10_000,
  /** Two largest frames: one Welcome in flight never evicts everything else. */
  maxQueuedBytes: 32 * 1024 * 1024,
  reconnectMinMs: 50,
  /** A restarted peer is found again within this long (plus jitter). */
  reconnectMaxMs: 5_000,
  connectTimeoutMs: 5_000,
  /** An unauthenticated connection holds a socket: it gets this long to send its hello. */
  handshakeTimeoutMs: 5_000,
  /** Connections held at once, authenticated or not: a flood of dialers cannot exhaust file descriptors. */
  maxInboundConnections: 256,
  logIntervalMs: 10_000,
});

export interface TcpTransportOptions {
  readonly id: NodeId;
  /** The cluster key (readClusterKey). */
  readonly key: Buffer;
  /** Address to listen on: 127.0.0.1 by default; '0.0.0.0' or '::' for every interface. */
  readonly host?: string;
  /** 0: any free port (read it from `address()` after listen). */
  readonly port?: number;
  /** Where each node listens; this node's own entry, if present, is ignored. */
  readonly peers?: ReadonlyMap<NodeId, PeerAddress>;
  readonly maxFrameBytes?: number;
  readonly maxQueuedMessages?: number;
  readonly maxQueuedBytes?: number;
  readonly reconnectMinMs?: number;
  readonly reconnectMaxMs?: number;
  readonly connectTimeoutMs?: number;
  readonly handshakeTimeoutMs?: number;
  readonly maxInboundConnections?: number;
  readonly logIntervalMs?: number;
  /** One JSON line per call; default: standard error, so an attack or a wrong key is never silent. */
  readonly log?: (line: string) => void;
  /** Clock in ms (default `Date.now`); tests inject a fake. */
  readonly now?: () => number;
  /** Random numbers in [0, 1) for backoff jitter (default `Math.random`). */
  readonly random?: () => number;
}

export interface TcpTransportStats {
  /** Envelopes written to a connection. */
  sent: number;
  /** Writes to peer connections (each carries every envelope queued for that peer at the time). */
  writes: number;
  /** Envelopes handed to the receive handler. */
  received: number;
  /** Received frames dropped, by reason. */
  rejected: RejectCounts;
  /** Envelopes this node could not send: queue overflow, no such peer, larger than a frame. */
  dropped: { queueFull: number; unknownPeer: number; tooLarge: number };
  connections: { dialed: number; failed: number; accepted: number; authenticated: number };
}

export interface PeerStatus extends PeerLinkStatus {
  /** Envelopes received from this peer (over its authenticated connections). */
  readonly received: number;
}

type Settings = Required<Omit<TcpTransportOptions, 'peers'>>;

export class TcpTransport implements Transport {
  readonly stats: TcpTransportStats = {
    sent: 0, writes: 0, received: 0, rejected: zeroRejectCounts(),
    dropped: { queueFull: 0, unknownPeer: 0, tooLarge: 0 },
    connections: { dialed: 0, failed: 0, accepted: 0, authenticated: 0 },
  };
  /** Resolves once the listening socket is closed (after `close()`). */
  readonly closed: Promise<void>;
  private readonly links = new Map<NodeId, PeerLink>();
  /** Every accepted connection (socket -> how to end it), and the one each authenticated peer sends on now. */
  private readonly inbound = new Map<Socket, () => void>();
  private readonly inboundByPeer = new Map<NodeId, Socket>();
  private readonly receivedByPeer = new Map<NodeId, number>();
  private readonly dropLog: DropLog;
  private readonly linkEvents: PeerLinkEvents;
  private handler: ((envelope: unknown) => void) | undefined;
  private isClosed = false;

  private constructor(private readonly server: Server, private readonly settings: Settings) {
    this.dropLog = new DropLog({ log: settings.log, now: settings.now, intervalMs: settings.logIntervalMs, fields: { node: settings.id } });
    this.closed = new Promise((resolve) => server.once('close', () => resolve()));
    server.maxConnections = settings.maxInboundConnections;
    server.on('connection', (socket) => this.accept(socket));
    // After listening, a server error (e.g. EMFILE on accept) is reported, never thrown.
    server.on('error', (e) => settings.log(JSON.stringify({ event: 'tcp-transport-server-error', node: settings.id, error: e.message })));
    this.linkEvents = {
      dialed: () => { this.stats.connections.dialed++; },
      sent: (_peer, count) => { this.stats.sent += count; },
      wrote: () => { this.stats.writes++; },
      queueFull: (peer, n) => {
        this.stats.dropped.queueFull += n;
        this.dropLog.report('tcp-transport-send-drop', 'queueFull', `node ${peer}`, { peer, dropped: n });
      },
      rejected: (peer, reason, detail) => this.reject(reason, `node ${peer}`, { peer, detail }),
      connectFailed: (peer, detail) => {
        this.stats.connections.failed++;
        this.dropLog.report('tcp-transport-connect-failed', 'connectFailed', `node ${peer}`, { peer, detail });
      },
    };
  }

  /** Binds host:port and starts accepting; rejects with a clear error if it cannot. */
  static async listen(options: TcpTransportOptions): Promise<TcpTransport> {
    const settings = validated(options);
    const server = createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(new Error(`node ${settings.id} cannot listen on ${settings.host}:${settings.port}: ${e.code ?? e.message}`, { cause: e })));
      server.listen(settings.port, settings.host, () => resolve());
    });
    server.removeAllListeners('error');
    const transport = new TcpTransport(server, settings);
    if (options.peers) transport.setPeers(options.peers);
    return transport;
  }

  /** This node's id. */
  get id(): NodeId {
    return this.settings.id;
  }

  /** The bound address (the real port when listening on port 0). */
  address(): PeerAddress {
    const a = this.server.address();
    if (a === null || typeof a === 'string') throw new Error(`node ${this.settings.id}: the transport is not listening`);
    return { host: a.address, port: a.port };
  }

  /** Replaces the peer table; links whose address is unchanged keep their connection and queue. */
  setPeers(peers: ReadonlyMap<NodeId, PeerAddress>): void {
    if (this.isClosed) return;
    // Checked here, at configuration time: a bad port would otherwise throw inside a later send.
    for (const [id, a] of peers) {
      if (!Number.isSafeInteger(id) || id < 1 || id > 0xffff_ffff) throw new RangeError(`peer id must be a positive integer, got ${id}`);
      if (typeof a?.host !== 'string' || a.host === '' || !Number.isInteger(a.port) || a.port < 1 || a.port > 65_535) {
        throw new RangeError(`peer ${id}: address must be { host, port } with port 1..65535, got ${JSON.stringify(a)}`);
      }
    }
    for (const [id, link] of this.links) {
      const next = peers.get(id);
      if (next === undefined || next.host !== link.address.host || next.port !== link.address.port) {
        link.close();
        this.links.delete(id);
        if (next === undefined) this.endInbound(this.inboundByPeer.get(id));
      }
    }
    for (const [id, address] of peers) {
      if (id === this.settings.id || this.links.has(id)) continue;
      this.links.set(id, new PeerLink({
        self: this.settings.id, peer: id, address, key: this.settings.key,
        queue: { maxMessages: this.settings.maxQueuedMessages, maxBytes: this.settings.maxQueuedBytes },
        maxFrameBytes: this.settings.maxFrameBytes,
        reconnectMinMs: this.settings.reconnectMinMs, reconnectMaxMs: this.settings.reconnectMaxMs,
        connectTimeoutMs: this.settings.connectTimeoutMs, now: this.settings.now, random: this.settings.random,
        events: this.linkEvents,
      }));
    }
  }

  /** The outgoing link to `peer` (state, queue, drops) and the envelopes received from it; undefined if it is not a peer. */
  peerStatus(peer: NodeId): PeerStatus | undefined {
    const link = this.links.get(peer);
    return link === undefined ? undefined : { ...link.status(), received: this.receivedByPeer.get(peer) ?? 0 };
  }

  /**
   * Queues `envelope` for its addressee's link; an unknown peer or an oversize envelope is dropped and counted.
   */
  send(envelope: Envelope): void {
    if (this.isClosed) return;
    const link = this.links.get(envelope.to);
    if (link === undefined) {
      this.stats.dropped.unknownPeer++;
      this.dropLog.report('tcp-transport-send-drop', 'unknownPeer', `node ${envelope.to}`, { peer: envelope.to });
      return;
    }
    this.enqueue(link, envelope.to, JSON.stringify(envelope), envelope.message.type);
  }

  /** `send` for an envelope the caller already encoded as JSON (Member: each message is serialised once). */
  sendEncoded(to: NodeId, json: string): void {
    if (this.isClosed) return;
    const link = this.links.get(to);
    if (link === undefined) {
      this.stats.dropped.unknownPeer++;
      this.dropLog.report('tcp-transport-send-drop', 'unknownPeer', `node ${to}`, { peer: to });
      return;
    }
    this.enqueue(link, to, json, undefined);
  }

  private enqueue(link: PeerLink, to: NodeId, json: string, type: string | undefined): void {
    const body = Buffer.from(json, 'utf8');
    if (dataPayloadBytes(body.length) > this.settings.maxFrameBytes) {
      this.stats.dropped.tooLarge++;
      this.dropLog.report('tcp-transport-send-drop', 'tooLarge', `node ${to}`, { peer: to, bytes: body.length, ...(type !== undefined ? { type } : {}) });
      return;
    }
    link.enqueue(body);
  }

  /** Sets the handler of authenticated envelopes (not yet validated by the node). */
  onReceive(handler: (envelope: unknown) => void): void {
    this.handler = handler;
  }

  /** Closes the server and every connection; later sends are ignored. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.handler = undefined;
    this.server.close();
    for (const socket of this.inbound.keys()) socket.destroy();
    this.inbound.clear();
    this.inboundByPeer.clear();
    for (const link of this.links.values()) link.close();
    this.links.clear();
  }

  private accept(socket: Socket): void {
    if (this.isClosed) {
      socket.destroy();
      return;
    }
    this.stats.connections.accepted++;
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const session = new InboundSession(
      { key: this.settings.key, isPeer: (id) => this.links.has(id), maxFrameBytes: this.settings.maxFrameBytes },
      randomBytes(32),
    );
    // Set when this side ends the connection, so the close is not counted as a truncation.
    let endedHere = false;
    const end = () => {
      endedHere = true;
      socket.destroy();
    };
    this.inbound.set(socket, end);
    const handshakeTimer = setTimeout(() => {
      this.reject('handshakeTimeout', socket.remoteAddress ?? '?', { remote, detail: `no hello within ${this.settings.handshakeTimeoutMs} ms` });
      end();
    }, this.settings.handshakeTimeoutMs);
    handshakeTimer.unref();
    const handle = (events: InboundEvent[]) => {
      for (const event of events) {
        if (this.isClosed) return;
        const source = session.peer === undefined ? socket.remoteAddress ?? '?' : `node ${session.peer}`;
        if (event.type === 'envelope') {
          this.stats.received++;
          this.receivedByPeer.set(event.peer, (this.receivedByPeer.get(event.peer) ?? 0) + 1);
          this.handler?.(event.value);
        } else if (event.type === 'authenticated') {
          clearTimeout(handshakeTimer);
          this.stats.connections.authenticated++;
          // One connection per ordered pair: a peer's new connection replaces its old one.
          const previous = this.inboundByPeer.get(event.peer);
          this.inboundByPeer.set(event.peer, socket);
          if (previous !== socket) this.endInbound(previous);
        } else {
          this.reject(event.reason, source, { peer: session.peer ?? null, remote, detail: event.detail });
          if (event.fatal) end();
        }
      }
    };
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    socket.on('data', (chunk: Buffer) => handle(session.receive(chunk)));
    socket.on('error', () => {
      // A reset connection: 'close' follows and does the accounting.
    });
    socket.on('close', () => {
      clearTimeout(handshakeTimer);
      this.inbound.delete(socket);
      if (session.peer !== undefined && this.inboundByPeer.get(session.peer) === socket) this.inboundByPeer.delete(session.peer);
      if (!endedHere) handle(session.end());
    });
    socket.write(session.challenge());
  }

  private endInbound(socket: Socket | undefined): void {
    if (socket !== undefined) this.inbound.get(socket)?.();
  }

  private reject(reason: RejectReason, source: string, fields: Record<string, unknown>): void {
    this.stats.rejected[reason]++;
    this.dropLog.report('tcp-transport-drop', reason, source, fields);
  }
}

function validated(options: TcpTransportOptions): Settings {
  const s: Settings = {
    id: options.id,
    key: options.key,
    host: options.host ?? TCP_DEFAULTS.host,
    port: options.port ?? TCP_DEFAULTS.port,
    maxFrameBytes: options.maxFrameBytes ?? TCP_DEFAULTS.maxFrameBytes,
    maxQueuedMessages: options.maxQueuedMessages ?? TCP_DEFAULTS.maxQueuedMessages,
    maxQueuedBytes: options.maxQueuedBytes ?? TCP_DEFAULTS.maxQueuedBytes,
    reconnectMinMs: options.reconnectMinMs ?? TCP_DEFAULTS.reconnectMinMs,
    reconnectMaxMs: options.reconnectMaxMs ?? TCP_DEFAULTS.reconnectMaxMs,
    connectTimeoutMs: options.connectTimeoutMs ?? TCP_DEFAULTS.connectTimeoutMs,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? TCP_DEFAULTS.handshakeTimeoutMs,
    maxInboundConnections: options.maxInboundConnections ?? TCP_DEFAULTS.maxInboundConnections,
    logIntervalMs: options.logIntervalMs ?? TCP_DEFAULTS.logIntervalMs,
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
  };
  const positive = (name: keyof Settings, value: number) => {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  };
  if (!Number.isSafeInteger(s.id) || s.id < 1 || s.id > 0xffff_ffff) throw new RangeError(`id must be a positive integer node id, got ${s.id}`);
  if (!Buffer.isBuffer(s.key) || s.key.length < MIN_CLUSTER_KEY_BYTES) throw new RangeError(`key must be the cluster key (at least ${MIN_CLUSTER_KEY_BYTES} bytes; see readClusterKey)`);
  if (!Number.isInteger(s.port) || s.port < 0 || s.port > 65_535) throw new RangeError(`port must be 0..65535, got ${s.port}`);
  for (const name of ['maxFrameBytes', 'maxQueuedMessages', 'maxQueuedBytes', 'reconnectMinMs', 'reconnectMaxMs', 'connectTimeoutMs', 'handshakeTimeoutMs', 'maxInboundConnections', 'logIntervalMs'] as const) {
    positive(name, s[name]);
  }
  if (s.maxFrameBytes > 0xffff_ffff) throw new RangeError(`maxFrameBytes must fit the 4-byte length prefix, got ${s.maxFrameBytes}`);
  if (s.maxQueuedBytes < s.maxFrameBytes) throw new RangeError(`maxQueuedBytes (${s.maxQueuedBytes}) must hold at least one largest frame (${s.maxFrameBytes})`);
  if (s.reconnectMaxMs < s.reconnectMinMs) throw new RangeError(`reconnectMaxMs (${s.reconnectMaxMs}) must be at least reconnectMinMs (${s.reconnectMinMs})`);
  return s;
}
