/**
 * An in-process network for tests: each member gets a Transport from one InMemoryNetwork.
 * Delivery is asynchronous (setImmediate, like a real socket) and every envelope is copied
 * through JSON, so members never share objects. `drop` lets a test lose messages, `delayMs`
 * delay (and so reorder) them, and `disconnect` cuts a node off.
 */
import type { Envelope, NodeId } from '../node/api.js';
import type { Transport } from './transport.js';

/** Options of an {@link InMemoryNetwork}. */
export interface InMemoryNetworkOptions {
  /** Return true to lose this envelope (e.g. a seeded coin for 20% loss). */
  readonly drop?: (envelope: Envelope) => boolean;
  /**
   * Milliseconds this envelope spends in flight (e.g. a seeded draw in 0..5): envelopes sent
   * later may arrive first. Default: none, each arrives on a later turn of the event loop.
   */
  readonly delayMs?: (envelope: Envelope) => number;
}

/**
 * An in-process network: one {@link Transport} per member, asynchronous delivery, optional loss and disconnection.
 * For tests and examples; a cluster of Members in one process needs nothing else.
 *
 * ```ts
 * const net = new InMemoryNetwork();
 * const peers = [1, 2, 3];
 * const members = peers.map((id) => new Member(bank, net.transport(id), peers, { id }));
 * members.forEach((m) => m.start());
 * await members[0].invoke({ op: 'open', account: 'alice' });
 * ```
 */
export class InMemoryNetwork {
  private readonly handlers = new Map<NodeId, (envelope: unknown) => void>();
  private readonly down = new Set<NodeId>();
  sent = 0;
  delivered = 0;

  constructor(private readonly options: InMemoryNetworkOptions = {}) {}

  /**
   * The transport of node `id`: what it sends goes to the addressee's handler on a later turn of the event loop.
   */
  transport(id: NodeId): Transport {
    let own: ((envelope: unknown) => void) | undefined;
    return {
      send: (envelope) => this.send(id, envelope),
      onReceive: (handler) => { own = handler; this.handlers.set(id, handler); },
      // Only its own handler: a member stopped after its successor (same id) started must not deafen it.
      close: () => { if (own !== undefined && this.handlers.get(id) === own) this.handlers.delete(id); },
    };
  }

  /** Cut `id` off (both directions) or reconnect it. */
  disconnect(id: NodeId, cut = true): void {
    if (cut) this.down.add(id); else this.down.delete(id);
  }

  private send(from: NodeId, envelope: Envelope): void {
    this.sent++;
    if (this.down.has(from) || this.down.has(envelope.to) || this.options.drop?.(envelope)) return;
    const text = JSON.stringify(envelope);
    const deliver = (): void => {
      const handler = this.handlers.get(envelope.to);
      if (!handler || this.down.has(envelope.to)) return;
      this.delivered++;
      handler(JSON.parse(text));
    };
    const delay = this.options.delayMs?.(envelope) ?? 0;
    if (delay > 0) setTimeout(deliver, delay); else setImmediate(deliver);
  }
}
