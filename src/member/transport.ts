/**
 * What a Member needs from the network: send an envelope to its `to` node, hand every
 * received envelope to one handler, close. Delivery is best-effort (loss, duplication and
 * reordering are allowed: the protocol copes). Received values are untrusted; the Node
 * validates them.
 */
import type { Envelope } from '../node/api.js';

export interface Transport {
  send(envelope: Envelope): void;
  onReceive(handler: (envelope: unknown) => void): void;
  close(): void;
}
