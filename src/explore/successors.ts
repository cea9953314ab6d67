/**
 * Every successor of a state, as fastSpec's allSteps gives them (the same steps in the same
 * order), without the calls of stepsFor that can only return nothing. allSteps offers every
 * message to every action and every node, and stepsFor then recomputes the message's canonical
 * text to find it in msgs before it looks at the node: most calls end there. The filters below
 * are the node bindings stepsFor itself applies first (Next's `n \in LeaderNodes` and the
 * addressee a message names), so skipping those calls removes no step; a message of msgs goes
 * straight to receiveSteps, past stepsFor's test that it is in msgs.
 * test/explore/successors.test.ts checks the equality with allSteps on the racing models' states.
 */
import type { Proposal, SpecMessage } from '../trace/format/types.js';
import { type MessageAction, MESSAGE_ACTIONS, NODE_ACTIONS, type Step, receiveSteps, stepsFor, waitingBatches } from '../trace/spec/fastSpec.js';
import { type SpecConfig, type SpecState, boundedRequests } from '../trace/spec/specState.js';

const ACTION_OF_TYPE: ReadonlyMap<string, MessageAction> = new Map(
  Object.entries(MESSAGE_ACTIONS).map(([action, type]) => [type, action as MessageAction]),
);

/** The spec's Requests of a model, computed once per config (allSteps builds them per state). */
const REQUESTS = new WeakMap<SpecConfig, readonly Proposal[]>();
const requestsOf = (cfg: SpecConfig): readonly Proposal[] => {
  let r = REQUESTS.get(cfg);
  if (r === undefined) REQUESTS.set(cfg, (r = boundedRequests(cfg)));
  return r;
};

/** Whether stepsFor can give a step for node n receiving m (false only where it returns []). */
function mayReceive(cfg: SpecConfig, n: number, m: SpecMessage): boolean {
  switch (m.type) {
    case 'Promise': case 'Accepted': case 'Adopted': return m.ballot.leader === n;
    case 'Preempted': return m.leader === n;
    case 'Invoke': return m.replica === n;
    case 'Welcome': return m.node === n;
    // NEXT_NODES: LeaderReceivePropose draws n from LeaderNodes, the replica's receipts from ReplicaNodes.
    case 'Propose': return cfg.bounds.leaderNodes === undefined || cfg.bounds.leaderNodes.has(n);
    case 'Decision': case 'Join': return cfg.bounds.replicaNodes === undefined || cfg.bounds.replicaNodes.has(n);
    default: return true;
  }
}

/** allSteps(cfg, s), call for call where a step can come out. */
export function exploreSuccessors(cfg: SpecConfig, s: SpecState): Step[] {
  const out: Step[] = [];
  for (let n = 1; n <= cfg.N; n++) {
    for (const m of s.msgs.values()) {
      const action = ACTION_OF_TYPE.get(m.type);
      // m is in msgs and of the action's type: stepsFor's own checks of that are skipped.
      if (action !== undefined && mayReceive(cfg, n, m)) append(out, receiveSteps(cfg, s, action, n, { message: m }));
    }
    for (const b of waitingBatches(cfg, s.nodes[n]!)) append(out, stepsFor(cfg, s, 'ReplicaPropose', n, { proposal: b }));
    for (const r of requestsOf(cfg)) if (r.caller === n) append(out, stepsFor(cfg, s, 'RequesterInvoke', n, { proposal: r }));
    for (const a of NODE_ACTIONS) append(out, stepsFor(cfg, s, a, n, {}));
  }
  return out;
}

/**
 * A module function, not a closure per call: tsx (esbuild's keepNames) names a local arrow
 * function with Object.defineProperty every time it is created.
 */
function append(out: Step[], steps: Step[]): void {
  for (const st of steps) out.push(st);
}
