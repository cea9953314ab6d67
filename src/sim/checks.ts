/**
 * Safety checks run after every simulated run. Each returns a list of violations (empty
 * when the run is safe), phrased so a failing test says what broke and where.
 *
 * - prefix: any two replicas' executed sequences are prefixes of one another;
 * - exactly once: no replica executed a request twice;
 * - acknowledged: an acknowledged result is at its position in every live replica's history
 *   (every live replica, once the run settled; else in those that got that far);
 * - replay: a replica's state is what its history produces, and an acknowledged output is
 *   the one its position produces (so clients are told the truth);
 * - invented: a replica executed only requests that clients invoked.
 */
import { canonicalJson } from '../statemachines/digest.js';
import type { NodeId } from '../node/api.js';
import type { SimResult } from './simulator.js';
import type { TrackedState } from './tracking.js';
import { InvalidHistoryError, checkLinearizable, explain, modelFor, type Operation } from '../trace/client/linearizability/index.js';

/** Time the linearizability search may take per run (see src/trace/replay/check.ts). */
const LINEARIZABILITY_BUDGET_MS = 20_000;

export interface Replayer {
  initial(): unknown;
  apply(state: unknown, input: string): [unknown, unknown];
}

function label(s: { node: NodeId; incarnation: number }): string {
  return `node ${s.node} (incarnation ${s.incarnation})`;
}

export function checkPrefixes(result: SimResult): string[] {
  const v: string[] = [];
  const states = result.allStates;
  for (let i = 0; i < states.length; i++) {
    for (let j = i + 1; j < states.length; j++) {
      const a = states[i]!;
      const b = states[j]!;
      const n = Math.min(a.state.history.length, b.state.history.length);
      for (let k = 0; k < n; k++) {
        if (a.state.history[k] !== b.state.history[k]) {
          v.push(`histories diverge at position ${k}: ${label(a)} executed ${a.state.history[k]}, ${label(b)} executed ${b.state.history[k]}`);
          break;
        }
      }
    }
  }
  return v;
}

export function checkExactlyOnce(result: SimResult): string[] {
  const v: string[] = [];
  for (const s of result.allStates) {
    const seen = new Map<string, number>();
    s.state.history.forEach((rid, pos) => {
      const first = seen.get(rid);
      if (first !== undefined) v.push(`${label(s)} executed request ${rid} twice, at positions ${first} and ${pos}`);
      else seen.set(rid, pos);
    });
  }
  return v;
}

export function checkInvented(result: SimResult): string[] {
  const v: string[] = [];
  for (const s of result.allStates) {
    for (const rid of s.state.history) if (!result.inputs.has(rid)) v.push(`${label(s)} executed ${rid}, which no client invoked`);
  }
  return v;
}

export function checkAcknowledged(result: SimResult): string[] {
  const v: string[] = [];
  for (const ack of result.acks) {
    if (ack.pos < 0) {
      v.push(`ack of ${ack.rid} carries no position (untracked output ${JSON.stringify(ack.output)})`);
      continue;
    }
    for (const [node, state] of result.finalStates) {
      const at = state.history[ack.pos];
      if (at === undefined) {
        if (result.settled) v.push(`acknowledged ${ack.rid} (position ${ack.pos}) is missing from live node ${node}, whose history has ${state.history.length} entries after settling`);
      } else if (at !== ack.rid) {
        v.push(`acknowledged ${ack.rid} was executed at position ${ack.pos}, but live node ${node} executed ${at} there`);
      }
    }
    if (result.settled && !result.finalStates.size) v.push('settled run without any live tracked replica');
  }
  if (result.settled) {
    for (const node of result.live) if (!result.finalStates.has(node)) v.push(`live node ${node} executed nothing although the run settled`);
  }
  return v;
}

/** Replays `history` through `sm`; returns the state and the output at each position. */
export function replayHistory(sm: Replayer, history: readonly string[], inputs: ReadonlyMap<string, string>): { state: unknown; outputs: unknown[] } {
  let state = sm.initial();
  const outputs: unknown[] = [];
  for (const rid of history) {
    const [next, out] = sm.apply(state, inputs.get(rid) ?? '');
    state = next;
    outputs.push(out);
  }
  return { state, outputs };
}

export function checkReplay(result: SimResult, sm: Replayer): string[] {
  const v: string[] = [];
  for (const [node, state] of result.finalStates) {
    const { state: expected, outputs } = replayHistory(sm, state.history, result.inputs);
    // Canonical texts: a state restored from a snapshot holds its keys in another order.
    if (canonicalJson(expected) !== canonicalJson(state.app)) {
      v.push(`live node ${node}: state ${JSON.stringify(state.app)} is not what its history produces (${JSON.stringify(expected)})`);
    }
    for (const ack of result.acks) {
      if (ack.pos < 0 || ack.pos >= outputs.length || state.history[ack.pos] !== ack.rid) continue;
      if (JSON.stringify(outputs[ack.pos]) !== JSON.stringify(ack.output)) {
        v.push(`acknowledged ${ack.rid} returned ${JSON.stringify(ack.output)}, but node ${node}'s history gives ${JSON.stringify(outputs[ack.pos])}`);
      }
    }
  }
  return v;
}

/** Bank: every replica's total balance equals the sum of the deposits it executed successfully. */
export function checkBankTotals(
  result: SimResult,
  sm: Replayer,
  total: (app: unknown) => number,
  deposited: (input: string, output: unknown) => number,
): string[] {
  const v: string[] = [];
  for (const s of result.allStates as readonly { node: NodeId; incarnation: number; state: TrackedState<unknown> }[]) {
    const { outputs } = replayHistory(sm, s.state.history, result.inputs);
    let sum = 0;
    s.state.history.forEach((rid, i) => { sum += deposited(result.inputs.get(rid) ?? '', outputs[i]); });
    const actual = total(s.state.app);
    if (actual !== sum) v.push(`${label(s)}: total balance ${actual} but executed deposits sum to ${sum}`);
  }
  return v;
}

export function checkAll(result: SimResult, sm: Replayer, bank?: { total: (app: unknown) => number; deposited: (input: string, output: unknown) => number }): string[] {
  return [
    ...(result.nodeError !== undefined ? [`a node failed an internal assertion ${result.nodeError}`] : []),
    ...checkPrefixes(result),
    ...checkExactlyOnce(result),
    ...checkInvented(result),
    ...checkAcknowledged(result),
    ...checkReplay(result, sm),
    ...(bank ? checkBankTotals(result, sm, bank.total, bank.deposited) : []),
  ];
}

/**
 * Linearizability of what the clients saw: every acknowledged request is an operation from
 * its invocation to its answer, every unanswered one an operation that may have taken effect
 * at any point after its call, or never; together they must fit one sequential run of the
 * application (src/trace/client/linearizability). Catches what per-replica checks cannot: a
 * request applied twice under two ids, an answer from a state no order of the calls produces.
 */
export function checkLinearizability(result: SimResult, app: 'bank' | 'kv'): string[] {
  const parse = (text: string): unknown => {
    try { return JSON.parse(text) as unknown; } catch { return text; }
  };
  const ops: Operation[] = [
    ...result.acks.map((a) => ({ id: a.rid, client: `${a.node}`, input: parse(a.input), call: a.invokedAt, ret: a.time, output: a.output })),
    ...result.unanswered.map((u) => ({ id: u.rid, client: `${u.node}`, input: parse(u.input), call: u.invokedAt })),
  ];
  // A search that runs out of budget proves nothing either way: no violation is reported.
  let r: ReturnType<typeof checkLinearizable>;
  try {
    r = checkLinearizable(modelFor(app), ops, { budgetMs: LINEARIZABILITY_BUDGET_MS });
  } catch (e) {
    // A history no client could have seen (an answer without an output) is the run's bug, reported as one.
    if (e instanceof InvalidHistoryError) return [`the clients' history is not one clients can see: ${e.message}`];
    throw e;
  }
  return r.ok === false ? [`the clients' history is not linearizable: ${explain(r)}`] : [];
}
