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
 * And the run's verdict from all of them with the history's (judgeRun). Pure (inputs in,
 * problems out), so that tests can show each one failing without processes.
 */
import type { ExecutedRequest, ReplicaState } from '../client/protocol.js';
import { type HistoryVerdict, verifyHistory } from './verify.js';
import type { TransferOp } from './workload.js';

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

/** What a chaos run collected, for its verdict (judgeRun). */
export interface RunOutcome {
  /** Problems met on the way: a node that exited on its own, the run stopping early, a trace check that could not run. */
  readonly incidents: readonly string[];
  /** The replicas as read after the workload; undefined when the run stopped before. */
  readonly finalStates?: readonly ReplicaState[];
  /** The trace check's verdict on the run (judgeRunTraces); undefined when it could not run. */
  readonly traces?: { readonly ok: boolean; readonly problems: readonly string[] };
  /** The transfers sent; undefined when the workload did not end. */
  readonly ops?: readonly TransferOp[];
  /** The history the trace checks establish, request by request. */
  readonly executions: readonly ExecutedRequest[];
  /** The money the accounts were opened with. */
  readonly deposited: number;
}

export interface RunJudgement {
  readonly ok: boolean;
  readonly problems: string[];
  readonly replicasEqual: boolean;
  /** The replica the history is judged against (node 1), when the final reads were made. */
  readonly reporter?: ReplicaState;
  /** The history's verdict: only when the workload ended, the final reads were made and the traces passed. */
  readonly history?: HistoryVerdict;
}

/**
 * The run passes when nothing went wrong on the way, the replicas agree, the traces pass, and
 * the history they establish is node 1's length and explains every transfer and the money
 * (verify.ts). A run that could not reach one of these checks fails.
 */
export function judgeRun(o: RunOutcome): RunJudgement {
  const problems = [...o.incidents];
  const replicas = o.finalStates === undefined ? undefined : compareReplicas(o.finalStates);
  if (replicas !== undefined) problems.push(...replicas.problems);
  if (o.traces !== undefined) problems.push(...o.traces.problems);
  const reporter = o.finalStates?.find((s) => s.node === 1) ?? o.finalStates?.[0];
  let history: HistoryVerdict | undefined;
  if (o.ops !== undefined && reporter !== undefined && o.traces?.ok === true) {
    problems.push(...historyLengthProblems(o.executions.length, reporter));
    // Judged against node 1's own application state: the history must produce it.
    history = verifyHistory({ history: o.executions, ops: o.ops, deposited: o.deposited, reportedAppDigest: reporter.appDigest });
    problems.push(...history.problems);
  }
  // Each failed check above says why; a run that reached none of them fails all the same.
  if (problems.length === 0 && history === undefined) problems.push('the run ended without its history checked');
  return {
    ok: problems.length === 0, problems, replicasEqual: replicas?.equal ?? false,
    ...(reporter !== undefined ? { reporter } : {}), ...(history !== undefined ? { history } : {}),
  };
}
