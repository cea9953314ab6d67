/**
 * Traces generated from the spec itself (random walks of the TypeScript encoding): valid by
 * construction, used to test the checker's plumbing and to make invalid fixtures by editing
 * one line. They say nothing about the implementation; traces of the real simulator do.
 */
import type { Proposal, SpecConstants, FullTraceEvent, TraceHeader } from '../format/types.js';
import { TRACE_FORMAT } from '../format/types.js';
import { type ActionName, type Step, allSteps, applyStep } from './fastSpec.js';
import { configFromConstants, initialState, nodeToJson, type SpecState } from './specState.js';
import { messageKey } from '../format/keys.js';
import { sortedSet } from '../format/canonical.js';
import { mulberry32 as mulberry } from '../../util/mulberry32.js';

export const ROLE_OF: Record<string, string> = {
  AcceptorReceivePrepare: 'Acceptor', AcceptorReceiveAccept: 'Acceptor', ScoutReceivePromise: 'Scout',
  CommanderReceiveAccepted: 'Commander', LeaderSpawnScout: 'Leader', LeaderReceivePropose: 'Leader',
  LeaderReceiveAdopted: 'Leader', LeaderReceivePreempted: 'Leader', ReplicaReceiveInvoke: 'Replica',
  ReplicaPropose: 'Replica', ReplicaSkipSlot: 'Replica', ReplicaProposeNoop: 'Replica',
  ReplicaReceiveDecision: 'Replica', ReplicaExecute: 'Replica', ReplicaReceiveJoin: 'Replica',
  ReplicaReceiveWelcome: 'Replica', RequesterInvoke: 'Requester', NodeRestart: 'Node',
  ReplicaSnapshot: 'Replica', ReplicaForget: 'Replica', AcceptorCompact: 'Acceptor', LeaderCompact: 'Leader',
};


export interface WalkOptions {
  constants: SpecConstants;
  steps: number;
  seed: number;
  stutterEvery?: number;
  /**
   * How likely each action is to be taken, relative to 1 (the default): a step is drawn with
   * probability proportional to its action's weight. A small NodeRestart weight lets a walk
   * execute and snapshot before it restarts, so the restart restores a snapshot.
   */
  weights?: Partial<Record<ActionName, number>>;
}

/** A header and events of a random walk through the spec (bounded by the constants given). */
export function specWalk(opts: WalkOptions): { header: TraceHeader; events: FullTraceEvent[] } {
  const cfg = configFromConstants(opts.constants);
  const random = mulberry(opts.seed);
  let s: SpecState = initialState(cfg);
  const seq = new Array<number>(cfg.N + 1).fill(0);
  const clock = new Array<number>(cfg.N + 1).fill(0);
  const sentAt = new Map<string, number>();
  // What each node's Requester invoked in its current incarnation (the trace's `invoked`).
  const inc = new Map<number, Proposal[]>();
  const events: FullTraceEvent[] = [];
  for (let i = 0; i < opts.steps; i++) {
    const steps = allSteps(cfg, s);
    if (steps.length === 0) break;
    const step: Step | undefined = opts.weights === undefined ? steps[Math.floor(random() * steps.length)]! : weighted(steps, opts.weights, random());
    if (step === undefined) break;
    const n = step.n;
    const next = applyStep(s, step);
    if (step.action === 'NodeRestart') inc.set(n, []);
    if (step.invoke) inc.set(n, [...(inc.get(n) ?? []), step.invoke]);
    const param = paramFromStep(step);
    const recvClock = param.message ? (sentAt.get(messageKey(param.message)) ?? 0) : 0;
    clock[n] = Math.max(clock[n]!, recvClock) + 1;
    seq[n] = seq[n]! + 1;
    for (const m of step.sent) { const k = messageKey(m); if (!sentAt.has(k)) sentAt.set(k, clock[n]!); }
    events.push({
      node: n, seq: seq[n]!, clock: clock[n]!, role: ROLE_OF[step.action]!, action: step.action,
      params: param, sent: sortedSet(step.sent), state: nodeToJson(next, n, inc.get(n) ?? []),
    });
    s = next;
    if (opts.stutterEvery && i % opts.stutterEvery === opts.stutterEvery - 1 && s.msgs.size > 0) {
      // A retransmission: some message this node already sent, re-sent; nothing changes.
      const again = [...s.msgs.values()][Math.floor(random() * s.msgs.size)]!;
      const m = 1 + Math.floor(random() * cfg.N);
      clock[m] = clock[m]! + 1; seq[m] = seq[m]! + 1;
      events.push({ node: m, seq: seq[m]!, clock: clock[m]!, role: 'Replica', action: 'Stutter',
        params: { timer: 'retransmit' }, sent: [again], state: nodeToJson(s, m, inc.get(m) ?? []) });
    }
  }
  const header: TraceHeader = {
    kind: 'header', format: TRACE_FORMAT,
    spec: { module: 'MultiPaxos', constants: opts.constants },
    cluster: { nodes: Array.from({ length: cfg.N }, (_, i) => i + 1) },
    seed: opts.seed, runId: `spec-walk-${opts.seed}`, generator: 'src/trace/specWalk.ts',
  };
  return { header, events };
}

/** The step a uniform draw `u` in [0, 1) picks when each step counts its action's weight. */
function weighted(steps: readonly Step[], weights: Partial<Record<ActionName, number>>, u: number): Step | undefined {
  const w = (s: Step): number => weights[s.action] ?? 1;
  let total = 0;
  for (const s of steps) total += w(s);
  let at = u * total;
  for (const s of steps) { at -= w(s); if (at < 0) return s; }
  return undefined; // every enabled action has weight 0
}

function paramFromStep(step: Step): FullTraceEvent['params'] {
  if (step.param && 'message' in step.param) return { message: step.param.message };
  if (step.param && 'proposal' in step.param) return { proposal: step.param.proposal };
  return {};
}
