/**
 * A broken count of a Promise sent in parts (spec "Promise parts", mutant
 * ScoutCountsPartialPromise), and the node factory that makes Promises go in parts.
 */
import type { Promise } from '../protocol/messages.js';
import type { PValue } from '../protocol/values.js';
import { Scout } from '../roles/scout.js';
import type { NodeFactory } from '../sim/nodeFactory.js';

/** Counts an acceptor's yes from the first part of its Promise it receives, with that part's pvalues only. */
export class PartialPromiseScout extends Scout {
  protected override wholePromise(m: Promise): readonly PValue[] | undefined {
    return m.accepted;
  }
}

/** `inner` with every node's Limits.maxPromiseBytes lowered to `maxPromiseBytes`: its Promises with pvalues go in parts. */
export function smallPromisesFactory(inner: NodeFactory, maxPromiseBytes: number): NodeFactory {
  return (id, peers, options, env) => inner(id, peers, { ...options, limits: { ...options.limits, maxPromiseBytes } }, env);
}
