/**
 * A broken assembly of a Welcome sent in parts (spec "Welcome parts"), and the node factory
 * that makes Welcomes go in parts in a small simulation.
 */
import type { NodeId } from '../node/api.js';
import type { Welcome } from '../protocol/messages.js';
import { welcomePartsOf } from '../protocol/welcomeParts.js';
import { Replica } from '../roles/replica.js';
import type { NodeFactory } from '../sim/nodeFactory.js';

/**
 * Installs a Welcome sent in parts with the history of the part that completed it only: it
 * assembles the state from every part, then takes `executed` from the message in hand. The
 * application state is right; the history (the spec's rExecuted) is one segment of it, and the
 * whole history's length is dropped with the rest of the assembly.
 */
export class LastPartHistoryReplica extends Replica {
  override receiveWelcome(m: Welcome, from?: NodeId): void {
    if (m.node !== this.host.self || welcomePartsOf(m) === 1) {
      super.receiveWelcome(m, from);
      return;
    }
    const whole = this.heldParts.add(from ?? this.host.self, m);
    if (whole === undefined) return;
    // The length the parts name goes too (the replica would refuse a list of another length).
    const { executedLength: _named, ...rest } = whole;
    this.installWelcome({ ...rest, executed: m.executed });
  }
}

/** `inner` with every node's Limits.maxWelcomeBytes lowered to `maxWelcomeBytes`: its Welcomes go in parts. */
export function smallWelcomesFactory(inner: NodeFactory, maxWelcomeBytes: number): NodeFactory {
  return (id, peers, options, env) => inner(id, peers, { ...options, limits: { ...options.limits, maxWelcomeBytes } }, env);
}
