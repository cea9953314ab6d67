/**
 * What a Member needs from the network: send an envelope to its `to` node, hand every
 * received envelope to one handler, close. Delivery is best-effort (loss, duplication and
 * reordering are allowed: the protocol copes). Received values are untrusted; the Node
 * validates them.
 */
import type { Envelope, NodeId } from '../node/api.js';

/**
 * The network as a {@link Member} sees it. Implementations: {@link InMemoryNetwork}, {@link UdpTransport}, {@link TcpTransport}.
 */
export interface Transport {
  /** Sends `envelope` to node `envelope.to`, best-effort; never throws on a network error. */
  send(envelope: Envelope): void;
  /**
   * Optional: sends an envelope the member already encoded (`json` is `JSON.stringify` of an
   * envelope to node `to`), so a message is serialised once, not once to check its size and
   * again to send it. Same guarantees as `send`.
   */
  sendEncoded?(to: NodeId, json: string): void;
  /**
   * Sets the one handler every received envelope is given to (untrusted: the node validates it).
   */
  onReceive(handler: (envelope: unknown) => void): void;
  /** Stops sending and receiving; releases sockets. */
  close(): void;
}
