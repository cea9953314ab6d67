/**
 * Liveness with nodes down for good: Paxos promises progress to any majority that can talk.
 * When the nodes left up are a majority (every other fault of a schedule heals: partitions,
 * leader isolations and loss bursts all end), every request of every client hosted on a node
 * that stays up must be answered. Clients of a node that died for good are exempt: nobody can
 * answer them. Returns the violations (empty when the run kept that promise, or when it could
 * not: a majority down for good).
 */
import type { NodeId } from '../node/api.js';
import type { SimResult } from './types.js';

export function checkLivenessWithNodesDown(result: Pick<SimResult, 'downForGood' | 'clients' | 'stopReason' | 'timeMs'>, nodes: number): string[] {
  const down = result.downForGood;
  if (down.length * 2 >= nodes) return []; // no majority left: no progress is promised
  const unfinished = result.clients.filter((c) => !down.includes(c.node) && c.answered < c.inputs);
  if (unfinished.length === 0) return [];
  const exempt = result.clients.filter((c) => down.includes(c.node)).length;
  const list = unfinished.map((c) => `client ${c.client} on node ${c.node} (${c.answered} of ${c.inputs} answered)`).join(', ');
  return [
    `liveness: ${nodes - down.length} of ${nodes} nodes stayed up (down for good: ${describeNodes(down)}; ` +
      `their ${exempt} client(s) exempt), yet these clients did not finish: ${list} ` +
      `(stop: ${result.stopReason} at ${result.timeMs.toFixed(0)} ms)`,
  ];
}

function describeNodes(ids: readonly NodeId[]): string {
  return ids.length === 0 ? 'none' : `node ${ids.join(', ')}`;
}
