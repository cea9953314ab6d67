/**
 * A real transport over UDP on the loopback interface (127.0.0.1 only). One datagram is
 * one JSON envelope. Datagrams from elsewhere, unparsable ones and oversize envelopes are
 * dropped and counted: the protocol tolerates loss, and the Node validates the rest.
 */
import { type Socket, createSocket } from 'node:dgram';
import type { Envelope, NodeId } from '../node/api.js';
import type { Transport } from './transport.js';
import { DEFAULT_PACE, type PaceOptions, Pacer, paceProblem } from './pacer.js';

/** The address a {@link UdpTransport} binds and sends to: members run on one machine. */
export const LOOPBACK = '127.0.0.1';
/** Largest envelope sent, in bytes of JSON: the IPv4 UDP payload limit. */
export const MAX_DATAGRAM_BYTES = 65_507;

/**
 * Counters of a {@link UdpTransport}: datagrams sent (handed to the socket), received, paced
 * (held back a while before they left), and dropped by reason (`paceQueueFull`: more waiting
 * to leave than the pace's queue holds).
 */
export interface UdpStats {
  sent: number;
  received: number;
  paced: number;
  dropped: { oversize: number; unparsable: number; foreign: number; unknownPeer: number; paceQueueFull: number };
}

/** Options of {@link UdpTransport.bind}. */
export interface UdpOptions {
  /** The socket's receive buffer asked of the OS (default {@link RECEIVE_BUFFER_BYTES}; the OS may cap it). */
  receiveBufferBytes?: number;
  /** How large datagrams are spread over time (default {@link DEFAULT_PACE}); false: every datagram leaves at once. */
  pace?: PaceOptions | false;
}

/** The socket's receive buffer asked of the OS: some 70 datagrams of the largest size a Member sends. */
export const RECEIVE_BUFFER_BYTES = 4 * 2 ** 20;

/**
 * A {@link Transport} over UDP datagrams on 127.0.0.1: one socket per member, one envelope per datagram
 * (at most {@link MAX_DATAGRAM_BYTES}). Build it with {@link UdpTransport.bind}, then tell it the peers' ports.
 *
 * ```ts
 * const t = await UdpTransport.bind();
 * t.setPeers(new Map([[2, port2], [3, port3]]));
 * const member = new Member(bank, t, [1, 2, 3], { id: 1 });
 * ```
 */
export class UdpTransport implements Transport {
  readonly stats: UdpStats = { sent: 0, received: 0, paced: 0, dropped: { oversize: 0, unparsable: 0, foreign: 0, unknownPeer: 0, paceQueueFull: 0 } };
  private peers = new Map<NodeId, number>();
  private handler: ((envelope: unknown) => void) | undefined;
  private closed = false;
  private readonly pacer: Pacer<{ buf: Buffer; port: number }> | undefined;

  private constructor(private readonly socket: Socket, readonly port: number, pace: PaceOptions | false) {
    socket.on('message', (buf, rinfo) => this.onMessage(buf, rinfo.address));
    // A send error (e.g. the peer's port closed) is a lost message, never a crash.
    socket.on('error', () => {});
    this.pacer = pace === false ? undefined : new Pacer(pace, (d) => this.emit(d.buf, d.port));
  }

  /**
   * Binds a socket on 127.0.0.1 (port 0: any free port); read the port from `.port`. A bad
   * option is refused with a RangeError before any socket is opened.
   */
  static async bind(port = 0, options: UdpOptions = {}): Promise<UdpTransport> {
    const pace = options.pace ?? DEFAULT_PACE;
    const receiveBuffer = options.receiveBufferBytes ?? RECEIVE_BUFFER_BYTES;
    if (!Number.isSafeInteger(receiveBuffer) || receiveBuffer <= 0) throw new RangeError(`receiveBufferBytes must be a positive integer, got ${String(receiveBuffer)}`);
    if (pace !== false) {
      const problem = paceProblem(pace);
      if (problem !== null) throw new RangeError(`pace: ${problem}`);
    }
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, LOOPBACK, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // A Promise or a Welcome of several parts arrives as a burst of datagrams of up to 60 KB;
    // the OS's default buffer (212,992 bytes on Linux) held three, and the kernel dropped the
    // rest: a Promise over some 2,000 pvalues never arrived whole, and no leader was elected
    // (test/integration/udp/leaderKill.test.ts). The OS caps the size (net.core.rmem_max), so
    // senders also pace large datagrams (pacer.ts).
    try {
      socket.setRecvBufferSize(receiveBuffer);
    } catch {
      // Refused: the OS keeps its own size, as before.
    }
    return new UdpTransport(socket, socket.address().port, pace);
  }

  /** Where each peer listens (node id -> UDP port on 127.0.0.1). */
  setPeers(ports: ReadonlyMap<NodeId, number>): void {
    this.peers = new Map(ports);
  }

  /**
   * Sends `envelope` as one datagram to its addressee's port, at once or, a large one behind
   * others, paced; an oversize envelope, an unknown peer or a full pace queue drops it (counted).
   */
  send(envelope: Envelope): void {
    if (this.closed) return;
    const port = this.peers.get(envelope.to);
    if (port === undefined) {
      this.stats.dropped.unknownPeer++;
      return;
    }
    const buf = Buffer.from(JSON.stringify(envelope), 'utf8');
    if (buf.length > MAX_DATAGRAM_BYTES) {
      this.stats.dropped.oversize++;
      return;
    }
    if (this.pacer === undefined) {
      this.emit(buf, port);
      return;
    }
    const fate = this.pacer.offer({ buf, port }, buf.length);
    if (fate === 'dropped') this.stats.dropped.paceQueueFull++;
    else if (fate === 'queued') this.stats.paced++;
  }

  private emit(buf: Buffer, port: number): void {
    if (this.closed) return;
    this.stats.sent++;
    this.socket.send(buf, port, LOOPBACK);
  }

  /** Sets the handler of received envelopes (parsed JSON, not yet validated). */
  onReceive(handler: (envelope: unknown) => void): void {
    this.handler = handler;
  }

  /** Closes the socket; later sends are ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handler = undefined;
    this.pacer?.close();
    this.socket.close();
  }

  private onMessage(buf: Buffer, address: string): void {
    if (address !== LOOPBACK) {
      this.stats.dropped.foreign++;
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(buf.toString('utf8'));
    } catch {
      this.stats.dropped.unparsable++;
      return;
    }
    this.stats.received++;
    this.handler?.(value);
  }
}
