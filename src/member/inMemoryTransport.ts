/**
 * An in-process network for tests: each member gets a Transport from one InMemoryNetwork.
 * Delivery is asynchronous (setImmediate, like a real socket) and every envelope is copied
 * through JSON, so members never share objects. `drop` lets a test lose messages and
 * `disconnect` cuts a node off.
 */
import type { Envelope, NodeId } from '../node/api.js';
import type { Transport } from './transport.js';

export interface InMemoryNetworkOptions {
  /** Return true to lose this envelope (e.g. a seeded coin for 20% loss). */
  readonly drop?: (envelope: Envelope) => boolean;
}

export class InMemoryNetwork {
  private readonly handlers = new Map<NodeId, (envelope: unknown) => void>();
  private readonly down = new Set<NodeId>();
  sent = 0;
  delivered = 0;

  constructor(private readonly options: InMemoryNetworkOptions = {}) {}

  transport(id: NodeId): Transport {
    return {
      send: (envelope) => this.send(id, envelope),
      onReceive: (handler) => { this.handlers.set(id, handler); },
      close: () => { this.handlers.delete(id); },
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
    setImmediate(() => {
      const handler = this.handlers.get(envelope.to);
      if (!handler || this.down.has(envelope.to)) return;
      this.delivered++;
      handler(JSON.parse(text));
    });
  }
}
