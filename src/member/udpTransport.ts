/**
 * A real transport over UDP on the loopback interface (127.0.0.1 only). One datagram is
 * one JSON envelope. Datagrams from elsewhere, unparsable ones and oversize envelopes are
 * dropped and counted: the protocol tolerates loss, and the Node validates the rest.
 */
import { type Socket, createSocket } from 'node:dgram';
import type { Envelope, NodeId } from '../node/api.js';
import type { Transport } from './transport.js';

/** The address a {@link UdpTransport} binds and sends to: members run on one machine. */
export const LOOPBACK = '127.0.0.1';
/** Largest envelope sent, in bytes of JSON: the IPv4 UDP payload limit. */
export const MAX_DATAGRAM_BYTES = 65_507;

/** Counters of a {@link UdpTransport}: datagrams sent, received, and dropped by reason. */
export interface UdpStats {
  sent: number;
  received: number;
  dropped: { oversize: number; unparsable: number; foreign: number; unknownPeer: number };
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
  readonly stats: UdpStats = { sent: 0, received: 0, dropped: { oversize: 0, unparsable: 0, foreign: 0, unknownPeer: 0 } };
  private peers = new Map<NodeId, number>();
  private handler: ((envelope: unknown) => void) | undefined;
  private closed = false;

  private constructor(private readonly socket: Socket, readonly port: number) {
    socket.on('message', (buf, rinfo) => this.onMessage(buf, rinfo.address));
    // A send error (e.g. the peer's port closed) is a lost message, never a crash.
    socket.on('error', () => {});
  }

  /** Binds a socket on 127.0.0.1 (port 0: any free port); read the port from `.port`. */
  static async bind(port = 0): Promise<UdpTransport> {
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
    // (test/integration/udp/leaderKill.test.ts). The OS caps the size (net.core.rmem_max).
    try {
      socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
    } catch {
      // Refused: the OS keeps its own size, as before.
    }
    return new UdpTransport(socket, socket.address().port);
  }

  /** Where each peer listens (node id -> UDP port on 127.0.0.1). */
  setPeers(ports: ReadonlyMap<NodeId, number>): void {
    this.peers = new Map(ports);
  }

  /**
   * Sends `envelope` as one datagram to its addressee's port; an oversize envelope or an unknown peer is dropped and counted.
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
