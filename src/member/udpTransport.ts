/**
 * A real transport over UDP on the loopback interface (127.0.0.1 only). One datagram is
 * one JSON envelope. Datagrams from elsewhere, unparsable ones and oversize envelopes are
 * dropped and counted: the protocol tolerates loss, and the Node validates the rest.
 */
import { type Socket, createSocket } from 'node:dgram';
import type { Envelope, NodeId } from '../node/api.js';
import type { Transport } from './transport.js';

export const LOOPBACK = '127.0.0.1';
/** Largest envelope sent, in bytes of JSON: the IPv4 UDP payload limit. */
export const MAX_DATAGRAM_BYTES = 65_507;

export interface UdpStats {
  sent: number;
  received: number;
  dropped: { oversize: number; unparsable: number; foreign: number; unknownPeer: number };
}

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
    return new UdpTransport(socket, socket.address().port);
  }

  /** Where each peer listens (node id -> UDP port on 127.0.0.1). */
  setPeers(ports: ReadonlyMap<NodeId, number>): void {
    this.peers = new Map(ports);
  }

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

  onReceive(handler: (envelope: unknown) => void): void {
    this.handler = handler;
  }

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
