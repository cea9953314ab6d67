/**
 * Messages per decided request, by type, for bench:sim. Every node counts what it sends
 * (NodeStats.networkSent and localSent); this wraps a NodeFactory to keep every node of a
 * run and adds their counts up, restarted incarnations included. A crashed incarnation's
 * counts are folded in when its node id is built again and the incarnation itself is let go:
 * holding every dead Node (its replica's tables, its acceptor's pvalues) made the long run's
 * heap grow by about 1 MiB per leader kill, which the bench then reported as the nodes' growth.
 *
 * Two columns because messages between roles of one node (an Invoke from the Requester to
 * its own Replica, the leader's own acceptor's Accept and Accepted, ...) never cross the
 * network: `network` is what a transport carries, `local` what stays in one process. A third
 * column, `to none`, counts messages a step sent to no node (RoleHost.sendToNone: a replica's
 * answer to a client of another node): in the trace, as the spec action sends them, but never
 * carried, so neither total counts them.
 */
import type { NodeApi, NodeId } from '../src/node/api.js';
import type { NodeFactory } from '../src/sim/nodeFactory.js';

/** The protocol's message types in the order a request meets them, then the rest by name. */
const FLOW_ORDER = [
  'Invoke', 'Propose', 'Prepare', 'Promise', 'Adopted', 'Preempted', 'Accept', 'Accepted', 'Decision', 'Invoked',
] as const;

export interface MessageCounts {
  readonly network: ReadonlyMap<string, number>;
  readonly local: ReadonlyMap<string, number>;
  readonly toNone: ReadonlyMap<string, number>;
  readonly networkTotal: number;
  readonly localTotal: number;
}

/**
 * Counts what every node a factory builds sent. A host builds a node id again only after its
 * previous incarnation crashed (it never runs again), so that one's final counts are added
 * to the retired totals then and it is no longer referenced: the counter holds one Node per id.
 */
export class MessageCounter {
  private readonly live = new Map<NodeId, NodeApi>();
  private readonly retired = { network: new Map<string, number>(), local: new Map<string, number>(), toNone: new Map<string, number>(), rejoins: 0 };

  wrap(factory: NodeFactory): NodeFactory {
    return (id, peers, options, env) => {
      const node = factory(id, peers, options, env);
      const previous = this.live.get(id);
      if (previous !== undefined) {
        addStats(this.retired, previous);
        this.retired.rejoins += rejoinsOf(previous);
      }
      this.live.set(id, node);
      return node;
    };
  }

  /** The latest incarnation of each node id, by id (for reads of their state at a run's end). */
  latest(): NodeApi[] {
    return [...this.live].sort(([a], [b]) => a - b).map(([, node]) => node);
  }

  /** How many Nodes the counter references: one per node id, whatever the restarts. */
  get nodesHeld(): number {
    return this.live.size;
  }

  counts(): MessageCounts {
    const network = new Map(this.retired.network);
    const local = new Map(this.retired.local);
    const toNone = new Map(this.retired.toNone);
    for (const node of this.live.values()) addStats({ network, local, toNone }, node);
    return { network, local, toNone, networkTotal: sum(network), localTotal: sum(local) };
  }

  /** Rejoins of every node built (Node's timer epoch counts them; a bench-only read of a private field). */
  rejoins(): number {
    let total = this.retired.rejoins;
    for (const node of this.live.values()) total += rejoinsOf(node);
    return total;
  }
}

function rejoinsOf(node: NodeApi): number {
  return (node as unknown as { timerEpoch?: number }).timerEpoch ?? 0;
}

function addStats(into: { network: Map<string, number>; local: Map<string, number>; toNone: Map<string, number> }, node: NodeApi): void {
  addInto(into.network, node.stats.networkSent);
  addInto(into.local, node.stats.localSent);
  addInto(into.toNone, node.stats.sentToNone);
}

function addInto(into: Map<string, number>, counts: Readonly<Record<string, number>>): void {
  for (const [type, n] of Object.entries(counts)) into.set(type, (into.get(type) ?? 0) + n);
}

function sum(counts: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}

/** The types that occur in either column: the request's flow first, then the others by name. */
export function typesInOrder(c: MessageCounts): string[] {
  const seen = new Set([...c.network.keys(), ...c.local.keys(), ...c.toNone.keys()]);
  const flow = FLOW_ORDER.filter((t) => seen.has(t));
  const rest = [...seen].filter((t) => !(FLOW_ORDER as readonly string[]).includes(t)).sort();
  return [...flow, ...rest];
}

/** One line per type: network, local and to-none messages per decided request. */
export function breakdownLines(c: MessageCounts, decided: number, fmt: (x: number, digits: number) => string): string[] {
  const per = (n: number | undefined) => fmt((n ?? 0) / decided, 2).padStart(8);
  const lines = [`  messages / request by type    network   local  to none   (local: between roles of one node; to none: in the trace, sent to no node)`];
  for (const type of typesInOrder(c)) {
    lines.push(`    ${type.padEnd(26)}${per(c.network.get(type))}${per(c.local.get(type))}${per(c.toNone.get(type))}`);
  }
  lines.push(`    ${'total'.padEnd(26)}${per(c.networkTotal)}${per(c.localTotal)}${per(sum(c.toNone))}`);
  return lines;
}
