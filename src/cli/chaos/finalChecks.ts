/**
 * The chaos run's final checks besides the history's (verify.ts), judged from what the run
 * collected:
 *
 * - the replicas agree: as many requests executed, the same history kept, the same state;
 * - the trace check passed on every trace the run left, and each of those traces has a part
 *   from every node of the cluster (a node whose part is absent, or written under another run
 *   id, would otherwise leave a trace that replays without it);
 * - the history the traces establish is as long as the history node 1 reports executing.
 *
 * Pure (inputs in, problems out), so that tests can show each one failing without processes.
 */
import type { ReplicaState } from '../client/protocol.js';

/** What replicas that agree share: as many requests executed, the same history kept (none, with checkpoints), the same state. */
export const agreement = (s: ReplicaState): string => `${s.executed} ${s.historyDigest} ${s.appDigest}`;

export function compareReplicas(states: readonly ReplicaState[]): { equal: boolean; problems: string[] } {
  const equal = new Set(states.map(agreement)).size === 1;
  if (equal) return { equal, problems: [] };
  const each = states.map((s) => `node ${s.node}: ${s.executed} executed, history ${s.historyDigest}, state ${s.appDigest}`);
  return { equal, problems: [`replicas differ: ${each.join('; ')}`] };
}

/** One trace the run left (collectInputs groups a run's part files under one name), as checked. */
export interface CheckedTrace {
  readonly name: string;
  /** The trace check's verdict on it. */
  readonly ok: boolean;
  /** The node each of its part files names in its header (`part.node`); undefined: the file names none. */
  readonly partNodes: readonly (number | undefined)[];
}

/**
 * The trace check's verdict on the run: there was a trace, every trace passed, and every trace
 * holds a part from each node. `verdictText`: the verdicts as check-traces prints them.
 */
export function judgeRunTraces(traces: readonly CheckedTrace[], clusterNodes: readonly number[], verdictText: string): { ok: boolean; problems: string[] } {
  const problems: string[] = [];
  const passed = traces.length > 0 && traces.every((t) => t.ok);
  if (!passed) problems.push(`trace validation failed:\n${verdictText}`);
  for (const t of traces) {
    const named = t.partNodes.filter((n): n is number => n !== undefined);
    const missing = clusterNodes.filter((n) => !named.includes(n));
    if (missing.length > 0) {
      problems.push(`trace ${t.name} has no part from node ${missing.join(', ')} (its parts name ${named.length > 0 ? `node ${named.join(', ')}` : 'no node'})`);
    }
  }
  return { ok: problems.length === 0, problems };
}

/** The traces' history must be as long as the one the reporting node (node 1) executed. */
export function historyLengthProblems(historyLength: number, reporter: Pick<ReplicaState, 'node' | 'executed'>): string[] {
  return historyLength !== reporter.executed ? [`the traces' history has ${historyLength} requests; node ${reporter.node} executed ${reporter.executed}`] : [];
}
