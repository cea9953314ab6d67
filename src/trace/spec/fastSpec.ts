/**
 * The spec's actions as pure TypeScript functions (the "fast path" oracle). Each function
 * mirrors one action of spec/MultiPaxos.tla: given a state and the action's parameters it
 * returns every successor the action allows (usually one, none when disabled).
 * `npm run conformance` (src/trace/conformance/graphConformance.ts; in CI on every CI model, in npm test
 * on ci-restart) proves the encoding equal to the .tla: at every state of tla-checker's full
 * state graph of a model, its (action, successor) pairs equal the graph's edges.
 */
import type { Ballot, Proposal, PValue, SlotProp, SpecMessage, MessageOf } from '../format/types.js';
import {
  type CommanderSpec, type NodeSpec, type ScoutSpec, type SpecConfig, type SpecState, type VSet,
  DECISION_BY_PROP, DECISION_BY_SLOT, ExecSeq,
  NOOP, NOOP_KEY, acceptedOf, ballotEq, ballotLt, batchEq, batchOf, boundedRequests, commanderSpecKey, copyNode, decisionsOf, emptyVolatile,
  inBatch, leaderProposalsOf, longBatch, reqsOf,
} from './specState.js';
import { messageKey, propKey, pvalueKey, slotPropKey } from '../format/keys.js';
import { ExecutedIds, idInvoked, idsOf, rememberIds, withInvoked } from './requestIds.js';
import { wholeHistory } from './historySegment.js';
import { ForgottenHistoryError } from './execSeq.js';
import { type AssemblyRules, CORRECT_ASSEMBLY, type WelcomeMessage, assemblies, assembliesInstalling, firstAssembly, welcomeParts } from './welcomeParts.js';
import { firstPromiseAssembly, promiseAssemblies, promiseAssembliesGiving, promiseParts } from './promiseParts.js';

export const MESSAGE_ACTIONS = {
  AcceptorReceivePrepare: 'Prepare',
  AcceptorReceiveAccept: 'Accept',
  ScoutReceivePromise: 'Promise',
  CommanderReceiveAccepted: 'Accepted',
  LeaderReceivePropose: 'Propose',
  LeaderReceiveAdopted: 'Adopted',
  LeaderReceivePreempted: 'Preempted',
  ReplicaReceiveInvoke: 'Invoke',
  ReplicaReceiveDecision: 'Decision',
  ReplicaReceiveJoin: 'Join',
  ReplicaReceiveWelcome: 'Welcome',
} as const;
export const PROPOSAL_ACTIONS = ['ReplicaPropose', 'RequesterInvoke'] as const;
export const NODE_ACTIONS = ['LeaderSpawnScout', 'ReplicaSkipSlot', 'ReplicaProposeNoop', 'ReplicaExecute', 'NodeRestart',
  'ReplicaSnapshot', 'ReplicaForget', 'AcceptorCompact', 'LeaderCompact'] as const;

export type MessageAction = keyof typeof MESSAGE_ACTIONS;
export type ProposalAction = (typeof PROPOSAL_ACTIONS)[number];
export type NodeAction = (typeof NODE_ACTIONS)[number];
export type ActionName = MessageAction | ProposalAction | NodeAction;
export const ACTIONS: readonly ActionName[] = [
  ...(Object.keys(MESSAGE_ACTIONS) as MessageAction[]), ...PROPOSAL_ACTIONS, ...NODE_ACTIONS,
];
const ACTION_SET: ReadonlySet<string> = new Set(ACTIONS);
/** The message type each message action receives (a Map: `in` on an object literal is a slow lookup per event). */
const MESSAGE_TYPE: ReadonlyMap<string, string> = new Map(Object.entries(MESSAGE_ACTIONS));
export const isAction = (a: string): a is ActionName => ACTION_SET.has(a);

/** The parameter the action takes besides the node: a message in msgs, a proposal, or nothing. */
export type Param = MessageParam | { proposal: Proposal } | Record<string, never>;
/**
 * `installs`: for ReplicaReceiveWelcome, the keys of the decisions the replica holds after the
 * step, when the caller knows them (a trace checker: the event shows them). The step's
 * successors are then only those with these decisions (welcomeParts.ts assembliesInstalling),
 * found without listing every assembly of a Welcome's parts. `gives`: for ScoutReceivePromise,
 * the keys of the pvalues the scout holds after the step (or its Adopted carries), likewise
 * (promiseParts.ts promiseAssembliesGiving).
 */
export interface MessageParam { message: SpecMessage; parts?: number; installs?: ReadonlySet<string>; gives?: ReadonlySet<string> }

/** One successor: the acting node's new state, what it sends, and the global side effects. */
export interface Step {
  action: ActionName;
  n: number;
  node: NodeSpec;
  sent: SpecMessage[];
  invoke?: Proposal;
  restart?: boolean;
  /** The parameter the step was taken with (for generators that write it back out). */
  param?: Param;
  /** messageKey of each message of `sent`, when the action built them already (to test them against msgs). */
  sentKeys?: readonly string[];
}

const isQuorum = (cfg: SpecConfig, acks: ReadonlySet<number>): boolean => 2 * acks.size > cfg.N;
/** A Promise's or Adopted's mark field: left out when 1, as traces write it (format/keys.ts). */
const withMark = (mark: number): { mark?: number } => (mark === 1 ? {} : { mark });
const withAdd = <T>(s: VSet<T>, key: string, v: T): Map<string, T> => new Map(s).set(key, v);
/** x with another scout, or commanders (copyNode: the steps build node states of one class). */
function withScout(x: NodeSpec, scout: NodeSpec['scout']): NodeSpec {
  const next = copyNode(x);
  next.scout = scout;
  return next;
}
function withCommanders(x: NodeSpec, commanders: NodeSpec['commanders']): NodeSpec {
  const next = copyNode(x);
  next.commanders = commanders;
  return next;
}
const decided = (x: NodeSpec, slot: number): boolean => decisionsOf(x).bucketSize(DECISION_BY_SLOT, slot) > 0;

// Actions whose step would change nothing are disabled in the spec (a repeated answer is a
// stuttering step, not the action): `sent` is the msgs set, to test "reply \notin msgs".
/** The Promise parts acceptor n answers a Prepare with (with k parts), and their keys. */
interface PromiseReply { n: number; k: number; parts: SpecMessage[]; keys: string[] }
/**
 * PromiseReplies by node and Prepare object: the reply is a function of (n, x, m.ballot, k),
 * and the explorer meets the same (interned) node and Prepare in many states. Reusing the key
 * strings spares building them and hashing them again (V8 keeps a string's hash with it) for
 * every "reply \notin msgs" test. Weak by node: a trace's transient nodes take theirs with them.
 */
const PROMISE_REPLIES = new WeakMap<NodeSpec, Map<MessageOf<'Prepare'>, PromiseReply[]>>();
function promiseReply(n: number, x: NodeSpec, m: MessageOf<'Prepare'>, k: number): PromiseReply {
  let byPrepare = PROMISE_REPLIES.get(x);
  if (byPrepare === undefined) PROMISE_REPLIES.set(x, (byPrepare = new Map()));
  let replies = byPrepare.get(m);
  if (replies === undefined) byPrepare.set(m, (replies = []));
  for (const r of replies) if (r.n === n && r.k === k) return r;
  const promised = ballotLt(x.aBallot, m.ballot) ? m.ballot : x.aBallot;
  const parts = promiseParts(n, m.ballot, promised, [...x.aAccepted.values()], x.aMark, k);
  const r: PromiseReply = { n, k, parts, keys: parts.map(messageKey) };
  replies.push(r);
  return r;
}

/** AcceptorReceivePrepare(n, m, k)'s step, unless every part of its Promise was sent already. */
function acceptorReceivePrepare(action: MessageAction, n: number, x: NodeSpec, m: MessageOf<'Prepare'>, param: MessageParam, sent: VSet<SpecMessage>, k: number): Step | null {
  const reply = promiseReply(n, x, m, k);
  let allSent = true;
  for (const key of reply.keys) if (!sent.has(key)) { allSent = false; break; }
  if (allSent) return null;
  const node = copyNode(x);
  node.aBallot = ballotLt(x.aBallot, m.ballot) ? m.ballot : x.aBallot;
  return new StepOf(action, n, node, reply.parts, param, undefined, undefined, reply.keys);
}

function acceptorReceiveAccept(n: number, x: NodeSpec, m: MessageOf<'Accept'>, sent: VSet<SpecMessage>): [NodeSpec, SpecMessage[]] | null {
  if (m.slot < x.aMark) return null; // compacted: decided, and held in a snapshot
  let next = x;
  // The accepted set keeps one pvalue per slot: the new one replaces the slot's others.
  let changed = false;
  if (!ballotLt(m.ballot, x.aBallot)) {
    const before = acceptedOf(x);
    const pv: PValue = { ballot: m.ballot, slot: m.slot, prop: m.prop };
    const pk = pvalueKey(pv);
    let acc = before;
    for (const k of before.bucketKeys(0, m.slot)) if (k !== pk) acc = acc.without(k);
    acc = acc.with(pk, pv);
    changed = acc !== before;
    next = copyNode(x);
    next.aBallot = m.ballot;
    next.aAccepted = acc;
  }
  const reply: SpecMessage = { type: 'Accepted', acceptor: n, ballot: m.ballot, slot: m.slot, promised: next.aBallot };
  // The reply's key only matters when nothing changed (then a repeated reply is a stutter).
  if (!changed && sent.has(messageKey(reply))) return null;
  return [next, [reply]];
}

/**
 * ScoutReceivePromise(n, m): a preempting part ends the scout; a yes counts the acceptor once
 * every part of its Promise is in msgs, with the pvalues of all of them (one successor per
 * choice of parts that keeps different pvalues; one with one part).
 */
export function scoutReceivePromise(cfg: SpecConfig, n: number, x: NodeSpec, m: MessageOf<'Promise'>, msgs: VSet<SpecMessage>, gives?: ReadonlySet<string>): Array<[NodeSpec, SpecMessage[]]> {
  const sc = x.scout;
  if (sc === null || !ballotEq(m.ballot, sc.ballot)) return [];
  if (!ballotEq(m.promised, m.ballot)) {
    return [[withScout(x, null), [{ type: 'Preempted', leader: n, ballot: m.promised }]]];
  }
  if (sc.acks.has(m.acceptor)) return [];
  const acks = new Set(sc.acks).add(m.acceptor);
  const mark = Math.max(sc.mark, m.mark ?? 1);
  const out: Array<[NodeSpec, SpecMessage[]]> = [];
  const seen = new Set<string>();
  for (const w of counting(sc, m, msgs, gives)) {
    const pvalues = new Map(sc.pvalues);
    for (const part of w) for (const pv of part.accepted) pvalues.set(pvalueKey(pv), pv);
    const key = [...pvalues.keys()].sort().join();
    if (seen.has(key)) continue;
    seen.add(key);
    if (isQuorum(cfg, acks)) {
      out.push([withScout(x, null), [{ type: 'Adopted', ballot: sc.ballot, pvalues: [...pvalues.values()], ...withMark(mark) }]]);
    } else {
      out.push([withScout(x, { ballot: sc.ballot, acks, pvalues, mark }), []]);
    }
  }
  return out;
}

/**
 * The choices of m's Promise parts to count: all of them, or, given the pvalues the step must
 * leave (`gives`), one that leaves them. When none does, the first choice, if any, so that a
 * checker still has a successor to show the difference with.
 */
function counting(sc: ScoutSpec, m: MessageOf<'Promise'>, msgs: VSet<SpecMessage>, gives: ReadonlySet<string> | undefined): MessageOf<'Promise'>[][] {
  if (gives === undefined) return promiseAssemblies(m, msgs.values());
  const found = promiseAssembliesGiving(m, msgs.values(), (k) => sc.pvalues.has(k), sc.pvalues.keys(), gives);
  return found.length > 0 ? found : firstPromiseAssembly(m, msgs.values());
}

function commanderReceiveAccepted(cfg: SpecConfig, n: number, x: NodeSpec, m: MessageOf<'Accepted'>): Array<[NodeSpec, SpecMessage[]]> {
  const out: Array<[NodeSpec, SpecMessage[]]> = [];
  for (const [key, c] of x.commanders) {
    if (!ballotEq(c.ballot, m.ballot) || c.slot !== m.slot) continue;
    const rest = new Map(x.commanders);
    rest.delete(key);
    if (!ballotEq(m.promised, m.ballot)) {
      out.push([withCommanders(x, rest), [{ type: 'Preempted', leader: n, ballot: m.promised }]]);
      continue;
    }
    if (c.acks.has(m.acceptor)) continue;
    const acks = new Set(c.acks).add(m.acceptor);
    if (isQuorum(cfg, acks)) {
      out.push([withCommanders(x, rest), [{ type: 'Decision', slot: c.slot, prop: c.prop }]]);
    } else {
      const nc: CommanderSpec = { ...c, acks };
      out.push([withCommanders(x, rest.set(commanderSpecKey(nc), nc)), []]);
    }
  }
  return out;
}

function leaderSpawnScout(cfg: SpecConfig, n: number, x: NodeSpec): [NodeSpec, SpecMessage[]] | null {
  if (cfg.bounds.leaderNodes !== undefined && !cfg.bounds.leaderNodes.has(n)) return null;
  if (x.lActive || x.scout !== null) return null;
  if (cfg.bounds.maxBallot !== undefined && x.lBallot.num > cfg.bounds.maxBallot) return null;
  return [withScout(x, { ballot: x.lBallot, acks: new Set(), pvalues: new Map(), mark: 1 }), [{ type: 'Prepare', ballot: x.lBallot }]];
}

function newCommander(ballot: Ballot, slot: number, prop: Proposal): [string, CommanderSpec] {
  const c: CommanderSpec = { ballot, slot, prop, acks: new Set() };
  return [commanderSpecKey(c), c];
}

function leaderReceivePropose(x: NodeSpec, m: MessageOf<'Propose'>): [NodeSpec, SpecMessage[]] | null {
  // Decided and compacted (by its leader, or by its node's acceptor: the durable mark survives a
  // restart, the leader's does not): the proposer catches up instead.
  if (m.slot < Math.max(x.lMark, x.aMark)) return null;
  const before = leaderProposalsOf(x);
  if (before.bucketSize(0, m.slot) > 0) return null;
  const d: SlotProp = { slot: m.slot, prop: m.prop };
  const lProposals = before.with(slotPropKey(d), d);
  const next = copyNode(x);
  next.lProposals = lProposals;
  if (!x.lActive) return [next, []];
  const [ck, c] = newCommander(x.lBallot, m.slot, m.prop);
  next.commanders = withAdd(x.commanders, ck, c);
  return [next, [{ type: 'Accept', ballot: x.lBallot, slot: m.slot, prop: m.prop }]];
}

function leaderReceiveAdopted(x: NodeSpec, m: MessageOf<'Adopted'>): [NodeSpec, SpecMessage[]] | null {
  if (!ballotEq(m.ballot, x.lBallot) || x.lActive) return null;
  // Below the quorum's highest mark the slots are decided and maybe compacted, and below its own
  // replica's next slot to execute they are decided: left alone (ExecutedBelow in the .tla).
  const lMark = Math.max(x.lMark, m.mark ?? 1, x.rSlotOut);
  const best = new Map<number, PValue>();
  for (const pv of m.pvalues) {
    if (pv.slot < lMark) continue;
    const b = best.get(pv.slot);
    if (b === undefined || ballotLt(b.ballot, pv.ballot)) best.set(pv.slot, pv);
  }
  const lProposals = new Map<string, SlotProp>();
  for (const [k, p] of x.lProposals) if (p.slot >= lMark && !best.has(p.slot)) lProposals.set(k, p);
  for (const pv of best.values()) {
    const d: SlotProp = { slot: pv.slot, prop: pv.prop };
    lProposals.set(slotPropKey(d), d);
  }
  const commanders = new Map(x.commanders);
  const sent: SpecMessage[] = [];
  for (const p of lProposals.values()) {
    const [ck, c] = newCommander(x.lBallot, p.slot, p.prop);
    commanders.set(ck, c);
    sent.push({ type: 'Accept', ballot: x.lBallot, slot: p.slot, prop: p.prop });
  }
  const next = copyNode(x);
  next.lProposals = lProposals;
  next.lMark = lMark;
  next.lActive = true;
  next.commanders = commanders;
  return [next, sent];
}

function leaderReceivePreempted(cfg: SpecConfig, n: number, x: NodeSpec, m: MessageOf<'Preempted'>): [NodeSpec, SpecMessage[]] | null {
  if (m.leader !== n || !ballotLt(x.lBallot, m.ballot)) return null;
  const next = copyNode(x);
  next.lActive = false;
  next.lBallot = { num: m.ballot.num + 1, leader: n };
  return [next, []];
}

/** Executed(n, p): p's id (caller, clientId) is one n executed (ReqId in the spec). */
const executed = (x: NodeSpec, p: Proposal): boolean => x.rExecutedIds.has(p);
const sameId = (a: Proposal, b: Proposal): boolean => a.caller === b.caller && a.clientId === b.clientId;
/** IndexOf(n, p): where the executed request with p's id stands in the history, from 1. Scanned
 * from the end: a request asked for again after its execution is nearly always a recent one. */
function indexOf(history: ExecSeq, p: Proposal): number {
  for (let i = history.length - 1; i >= history.base; i--) if (sameId(history.get(i), p)) return i + 1;
  // Executed (by its id), so below a trace replay's history window: an answer would be a guess.
  if (history.base > 0) throw new ForgottenHistoryError(`the index of ${propKey(p)}, executed and asked for again`, history.base);
  throw new Error(`indexOf: ${propKey(p)} is not in the history`);
}
const slotBoundOk = (cfg: SpecConfig, x: NodeSpec): boolean =>
  cfg.bounds.maxSlot === undefined || x.rSlotIn <= cfg.bounds.maxSlot;

function replicaReceiveInvoke(cfg: SpecConfig, n: number, x: NodeSpec, m: MessageOf<'Invoke'>, sent: VSet<SpecMessage>): [NodeSpec, SpecMessage[]] | null {
  if (m.replica !== n) return null;
  const p = m.prop;
  if (executed(x, p)) {
    const answer: SpecMessage = { type: 'Invoked', replica: n, prop: p, index: indexOf(x.rExecuted, p) };
    return sent.has(messageKey(answer)) ? null : [x, [answer]];
  }
  // Known(n, p): waiting, or in a batch n proposed or knows decided.
  const k = propKey(p);
  if (x.rRequests.has(k)) return null;
  for (const d of x.rProposals.values()) if (inBatch(p, d.prop)) return null;
  if (decisionsOf(x).bucketSize(DECISION_BY_PROP, k) > 0) return null;
  // A batch of two or more is indexed under its own key: with batches, look inside them.
  if ((cfg.bounds.batchMax ?? 1) > 1) for (const d of x.rDecisions.values()) if (longBatch(d.prop) !== undefined && inBatch(p, d.prop)) return null;
  const next = copyNode(x);
  next.rRequests = withAdd(x.rRequests, k, p);
  return [next, []];
}

/**
 * WaitingBatches(n): every batch of 1 to Min(|waiting|, BatchMax) of n's distinct waiting
 * requests, in every order (the code bounds a batch by count and bytes, so it may take
 * fewer than it could). With BatchMax = 1: each waiting request.
 */
export function waitingBatches(cfg: SpecConfig, x: NodeSpec): Proposal[] {
  const waiting = [...x.rRequests.values()];
  const most = Math.min(waiting.length, cfg.bounds.batchMax ?? 1);
  if (most <= 1) return waiting;
  const out: Proposal[] = [];
  const pick = (q: Proposal[], used: Set<number>): void => {
    if (q.length > 0) out.push(batchOf(q));
    if (q.length === most) return;
    for (let i = 0; i < waiting.length; i++) {
      if (used.has(i)) continue;
      used.add(i);
      pick([...q, waiting[i]!], used);
      used.delete(i);
    }
  };
  pick([], new Set());
  return out;
}

/** IsWaitingBatch(n, b): b is 1 to Min(|waiting|, BatchMax) distinct waiting requests. */
function isWaitingBatch(cfg: SpecConfig, x: NodeSpec, b: Proposal): boolean {
  const q = reqsOf(b);
  if (q.length === 0 || q.length > Math.min(x.rRequests.size, cfg.bounds.batchMax ?? 1)) return false;
  const keys = new Set(q.map(propKey));
  if (keys.size !== q.length) return false;
  for (const k of keys) if (!x.rRequests.has(k)) return false;
  return true;
}

function replicaPropose(cfg: SpecConfig, x: NodeSpec, b: Proposal): [NodeSpec, SpecMessage[]] | null {
  if (!isWaitingBatch(cfg, x, b) || x.rSlotIn >= x.rSlotOut + cfg.Window || !slotBoundOk(cfg, x) || decided(x, x.rSlotIn)) return null;
  const d: SlotProp = { slot: x.rSlotIn, prop: b };
  const rRequests = new Map(x.rRequests);
  for (const r of reqsOf(b)) rRequests.delete(propKey(r));
  const next = copyNode(x);
  next.rProposals = withAdd(x.rProposals, slotPropKey(d), d);
  next.rRequests = rRequests;
  next.rSlotIn = x.rSlotIn + 1;
  return [next, [{ type: 'Propose', slot: d.slot, prop: b }]];
}

function replicaSkipSlot(cfg: SpecConfig, x: NodeSpec): [NodeSpec, SpecMessage[]] | null {
  if (x.rRequests.size === 0 || x.rSlotIn >= x.rSlotOut + cfg.Window || !slotBoundOk(cfg, x) || !decided(x, x.rSlotIn)) return null;
  const next = copyNode(x);
  next.rSlotIn = x.rSlotIn + 1;
  return [next, []];
}

function replicaProposeNoop(x: NodeSpec, sent: VSet<SpecMessage>): [NodeSpec, SpecMessage[]] | null {
  if (decided(x, x.rSlotOut)) return null;
  let later = false;
  for (const d of x.rDecisions.values()) if (d.slot > x.rSlotOut) later = true;
  if (!later) return null;
  for (const d of x.rProposals.values()) if (d.slot === x.rSlotOut) return null;
  const propose: SpecMessage = { type: 'Propose', slot: x.rSlotOut, prop: NOOP };
  return sent.has(messageKey(propose)) ? null : [x, [propose]];
}

function replicaReceiveDecision(x: NodeSpec, m: MessageOf<'Decision'>): [NodeSpec, SpecMessage[]] | null {
  if (m.slot < x.rSnap.slot) return null; // the snapshot holds its effect
  const d: SlotProp = { slot: m.slot, prop: m.prop };
  const k = slotPropKey(d);
  const before = decisionsOf(x);
  if (before.has(k)) return null;
  const next = copyNode(x);
  next.rDecisions = before.with(k, d);
  return [next, []];
}

/**
 * The spec picks the slot's value with CHOOSE; with Agreement there is one decision per slot.
 * If a broken run delivered two, every one is offered (a superset of the spec's single
 * choice), so the checker then rejects the run at the Decision that broke Agreement instead.
 */
function replicaExecute(n: number, x: NodeSpec, claimed: Proposal | undefined): Array<[NodeSpec, SpecMessage[]]> {
  const out: Array<[NodeSpec, SpecMessage[]]> = [];
  for (const d of decisionsOf(x).bucket(DECISION_BY_SLOT, x.rSlotOut)) {
    // A trace event names what it executed: only the decision of that batch matches it.
    if (claimed !== undefined && !batchEq(claimed, d.prop)) continue;
    out.push(executeSlot(n, x, d.prop, unexecuted(x, d.prop)));
  }
  return out;
}

/** Unexecuted(ReqsOf(b), ExecutedIds(n)): b's requests whose id n has not executed, in b's order. */
export function unexecuted(x: NodeSpec, b: Proposal): readonly Proposal[] {
  const q = reqsOf(b);
  if (q.length === 1) return x.rExecutedIds.has(q[0]!) ? [] : q;
  // A loop, not filter's callback: an arrow capturing x made every call allocate a context.
  const ids = x.rExecutedIds;
  const out: Proposal[] = [];
  for (const r of q) if (!ids.has(r)) out.push(r);
  return out;
}

/**
 * ReplicaExecute once slot rSlotOut's batch b is chosen: the requests of n's own batches for
 * the slot that are not in b go back to rRequests; `run` (b's requests not executed before,
 * in order) is appended to the history, and each is answered with its index there
 * (`index(j, at, len)`: the j-th of len requests run after `at` executed ones; a mutant may
 * change it). A set this leaves as it was is shared, not copied (values are never mutated).
 */
export function executeSlot(n: number, x: NodeSpec, b: Proposal, run: readonly Proposal[],
  index: (j: number, at: number, len: number) => number = nextIndex): [NodeSpec, SpecMessage[]] {
  const s = x.rSlotOut;
  let rRequests = x.rRequests;
  let rProposals = x.rProposals;
  let atSlot = false;
  for (const q of x.rProposals.values()) if (q.slot === s) { atSlot = true; break; }
  if (atSlot) {
    const kept = new Map<string, SlotProp>();
    let requests: Map<string, Proposal> | null = null;
    for (const [k, q] of x.rProposals) {
      if (q.slot !== s) { kept.set(k, q); continue; }
      for (const r of reqsOf(q.prop)) if (!inBatch(r, b)) (requests ??= new Map(x.rRequests)).set(propKey(r), r);
    }
    rProposals = kept;
    if (requests !== null) rRequests = requests;
  }
  const next = copyNode(x);
  next.rRequests = rRequests;
  next.rProposals = rProposals;
  next.rSlotOut = s + 1;
  if (run.length === 0) return [next, []];
  const at = x.rExecuted.length;
  next.rExecuted = x.rExecuted.appended(run);
  next.rExecutedIds = x.rExecutedIds.withAll(run);
  rememberIds(next.rExecuted, next.rExecutedIds);
  // A loop, not map's callback: a closure over n, at and index made every call allocate a context.
  const answers: SpecMessage[] = [];
  for (let i = 0; i < run.length; i++) answers.push({ type: 'Invoked', replica: n, prop: run[i]!, index: index(i + 1, at, run.length) });
  return [next, answers];
}
/** The j-th of the requests run after `at` executed ones stands at index at + j (from 1). */
const nextIndex = (j: number, at: number): number => at + j;

/**
 * The part counts ReplicaReceiveJoin(n, m, k) is tried with: the param's (a trace's: any count
 * when WelcomeParts is not given, as for the other bounds), else WelcomeParts ({1} when absent).
 */
function welcomePartCounts(cfg: SpecConfig, param: Param): number[] {
  const bound = cfg.bounds.welcomeParts;
  const asked = 'parts' in param ? param.parts : undefined;
  if (asked !== undefined) return (bound === undefined ? Number.isSafeInteger(asked) && asked >= 1 : bound.has(asked)) ? [asked] : [];
  return [...(bound ?? ONE_PART)];
}
const ONE_PART: ReadonlySet<number> = new Set([1]);

/** The part counts AcceptorReceivePrepare(n, m, k) is tried with: as welcomePartCounts, from PromiseParts (the set itself: no copy per call). */
function promisePartCounts(cfg: SpecConfig, param: Param): Iterable<number> {
  const bound = cfg.bounds.promiseParts;
  const asked = 'parts' in param ? param.parts : undefined;
  if (asked !== undefined) return (bound === undefined ? Number.isSafeInteger(asked) && asked >= 1 : bound.has(asked)) ? [asked] : [];
  return bound ?? ONE_PART;
}

/** ReplicaReceiveJoin(n, m, k): the k parts of a Welcome, unless every one was sent already. */
function replicaReceiveJoin(cfg: SpecConfig, n: number, x: NodeSpec, m: MessageOf<'Join'>, sent: VSet<SpecMessage>, k: number): [NodeSpec, SpecMessage[]] | null {
  if (m.node === n) return null;
  if (cfg.bounds.replicaNodes !== undefined && !cfg.bounds.replicaNodes.has(m.node)) return null;
  // One part: the decisions as the set holds them (the key sorts them); k parts: split in slot order.
  const parts = welcomeParts(m.node, x.rSlotOut, [...x.rDecisions.values()], cfg.historyWindow === true ? x.rExecuted : x.rExecuted.toArray(), k);
  return parts.every((w) => sent.has(messageKey(w))) ? null : [x, parts];
}

/**
 * ReplicaReceiveWelcome(n, m): with every part of m's Welcome in msgs, install their decisions
 * and their history in part order (one successor per choice of parts; one with one part).
 */
export function replicaReceiveWelcome(
  n: number, x: NodeSpec, m: MessageOf<'Welcome'>, msgs: VSet<SpecMessage>, rules: AssemblyRules = CORRECT_ASSEMBLY, installs?: ReadonlySet<string>,
): Array<[NodeSpec, SpecMessage[]]> {
  if (m.node !== n || x.rSlotOut >= m.slot || x.rProposals.size !== 0) return [];
  const out: Array<[NodeSpec, SpecMessage[]]> = [];
  const seen = new Set<string>();
  for (const w of installing(x, m, msgs, rules, installs)) {
    let rDecisions = decisionsOf(x);
    for (const part of w) for (const d of part.decisions) rDecisions = rDecisions.with(slotPropKey(d), d);
    // Parts that are ranges of one history (a replay's history window) install that history
    // itself, shared, without a request read; any other assembly, its parts' requests in order.
    const whole = wholeHistory(w);
    const rExecuted: Proposal[] = [];
    if (whole === undefined) for (const part of w) rExecuted.push(...part.executed);
    // Two choices that install the same thing are one successor (the spec's state is a value).
    const key = `${[...rDecisions.keys()].sort().join()}|${whole === undefined ? rExecuted.map(propKey).join() : `${whole.seq.length}:${whole.digest}`}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const history = whole?.seq ?? ExecSeq.of(rExecuted);
    const rExecutedIds = whole === undefined ? ExecutedIds.of(history) : idsOf(history);
    if (whole === undefined) rememberIds(history, rExecutedIds);
    const next = copyNode(x);
    next.rDecisions = rDecisions;
    next.rExecuted = history;
    next.rExecutedIds = rExecutedIds;
    next.rSlotOut = m.slot;
    next.rSlotIn = Math.max(x.rSlotIn, m.slot);
    out.push([next, []]);
  }
  return out;
}

/**
 * The assemblies of m's parts to install: all of them, or, given the decisions the step must
 * leave (`installs`), those that leave them. When none does, the first assembly, if any, so
 * that a checker still has a successor to show the difference with.
 */
function installing(x: NodeSpec, m: MessageOf<'Welcome'>, msgs: VSet<SpecMessage>, rules: AssemblyRules, installs: ReadonlySet<string> | undefined): WelcomeMessage[][] {
  if (installs === undefined) return assemblies(m, msgs.values(), rules);
  const held = decisionsOf(x);
  const found = assembliesInstalling(m, msgs.values(), (k) => held.has(k), held.keys(), installs, rules);
  if (found.length > 0) return found;
  const first = firstAssembly(m, msgs.values(), rules);
  return first === null ? [] : [first];
}

// ---- Checkpoints and compaction (each local to its node; see the spec for why each discard is safe)

function replicaSnapshot(cfg: SpecConfig, n: number, x: NodeSpec): [NodeSpec, SpecMessage[]] | null {
  if (cfg.bounds.checkpointNodes === undefined || !cfg.bounds.checkpointNodes.has(n)) return null;
  if (x.rSnap.slot >= x.rSlotOut) return null;
  const slot = x.rSlotOut;
  // It keeps its decisions (ReplicaForget drops them). A replica that proposed nothing lately
  // moves its next proposal slot up to the snapshot.
  const next = copyNode(x);
  next.rSnap = { slot, executed: x.rExecuted };
  next.rSlotIn = Math.max(x.rSlotIn, slot);
  return [next, []];
}

/**
 * ReplicaForget(n, s) for each s in {d.slot + 1 : d \in rDecisions[n]} with s <= rSnap[n].slot:
 * n forgets its decisions below s (the snapshot holds their effect). One successor per held
 * decision below the snapshot, from the fewest forgotten to the most.
 */
function replicaForget(x: NodeSpec): Array<[NodeSpec, SpecMessage[]]> {
  const below = [...x.rDecisions].filter(([, d]) => d.slot + 1 <= x.rSnap.slot).sort((a, b) => a[1].slot - b[1].slot);
  const out: Array<[NodeSpec, SpecMessage[]]> = [];
  let rDecisions = decisionsOf(x);
  below.forEach(([k, d], i) => {
    rDecisions = rDecisions.without(k);
    // Two decisions for one slot (only if Agreement broke) go together: s is a slot, not a decision.
    if (below[i + 1]?.[1].slot === d.slot) return;
    const next = copyNode(x);
    next.rDecisions = rDecisions;
    out.push([next, []]);
  });
  return out;
}

function acceptorCompact(x: NodeSpec): [NodeSpec, SpecMessage[]] | null {
  const mark = x.rSnap.slot;
  if (x.aMark >= mark) return null;
  let aAccepted = acceptedOf(x);
  for (const [k, pv] of x.aAccepted) if (pv.slot < mark) aAccepted = aAccepted.without(k);
  const next = withLeaderCompacted(x, mark);
  next.aMark = mark;
  next.aAccepted = aAccepted;
  return [next, []];
}

/**
 * The leader's fields once it leaves the slots below `mark` (AcceptorCompact does it in the
 * same step as the acceptor, LeaderCompact after a restart): lMark' = Max(lMark, mark), and its
 * proposals and commanders below the mark go.
 */
export function leaderCompactedTo(x: NodeSpec, mark: number): Pick<NodeSpec, 'lMark' | 'lProposals' | 'commanders'> {
  let lProposals = leaderProposalsOf(x);
  for (const [k, d] of x.lProposals) if (d.slot < mark) lProposals = lProposals.without(k);
  const commanders = new Map<string, CommanderSpec>();
  for (const [k, c] of x.commanders) if (c.slot >= mark) commanders.set(k, c);
  return { lMark: Math.max(x.lMark, mark), lProposals, commanders };
}

/** x with its leader's fields as leaderCompactedTo(x, mark) leaves them. */
function withLeaderCompacted(x: NodeSpec, mark: number): NodeSpec {
  const next = copyNode(x);
  const leader = leaderCompactedTo(x, mark);
  next.lMark = leader.lMark;
  next.lProposals = leader.lProposals;
  next.commanders = leader.commanders;
  return next;
}

function leaderCompact(x: NodeSpec): [NodeSpec, SpecMessage[]] | null {
  if (x.lMark >= x.aMark) return null;
  return [withLeaderCompacted(x, x.aMark), []];
}

/** The node set Next draws n from, per action ("Node" when n comes from the message). */
export const NEXT_NODES: Record<ActionName, 'Node' | 'LeaderNodes' | 'ReplicaNodes'> = {
  AcceptorReceivePrepare: 'Node', AcceptorReceiveAccept: 'Node', ScoutReceivePromise: 'Node',
  CommanderReceiveAccepted: 'Node', LeaderSpawnScout: 'Node', LeaderReceivePropose: 'LeaderNodes',
  LeaderReceiveAdopted: 'Node', LeaderReceivePreempted: 'Node', ReplicaReceiveInvoke: 'Node',
  ReplicaPropose: 'ReplicaNodes', ReplicaSkipSlot: 'ReplicaNodes', ReplicaProposeNoop: 'ReplicaNodes',
  ReplicaReceiveDecision: 'ReplicaNodes', ReplicaExecute: 'ReplicaNodes', ReplicaReceiveJoin: 'ReplicaNodes',
  ReplicaReceiveWelcome: 'Node', RequesterInvoke: 'Node', NodeRestart: 'Node',
  ReplicaSnapshot: 'ReplicaNodes', ReplicaForget: 'ReplicaNodes', AcceptorCompact: 'Node', LeaderCompact: 'Node',
};

function inNextNodes(cfg: SpecConfig, action: ActionName, n: number): boolean {
  const set = NEXT_NODES[action];
  if (set === 'LeaderNodes') return cfg.bounds.leaderNodes === undefined || cfg.bounds.leaderNodes.has(n);
  if (set === 'ReplicaNodes') return cfg.bounds.replicaNodes === undefined || cfg.bounds.replicaNodes.has(n);
  return true;
}

/**
 * A step as the fast spec returns it: all of one class, every field set (undefined when
 * absent), so that the replay's reads of a step's fields (oracles.ts) meet one hidden class,
 * where literals of four shapes made them megamorphic lookups.
 */
class StepOf implements Step {
  constructor(
    readonly action: ActionName, readonly n: number, readonly node: NodeSpec, readonly sent: SpecMessage[], readonly param: Param,
    readonly invoke: Proposal | undefined, readonly restart: boolean | undefined, readonly sentKeys: readonly string[] | undefined,
  ) {}
}

/** The step list of an action with at most one successor (a module function: no closure per call). */
function oneStep(action: ActionName, n: number, param: Param, r: [NodeSpec, SpecMessage[]] | null, invoke?: Proposal, restart?: boolean): Step[] {
  return r === null ? [] : [new StepOf(action, n, r[0], r[1], param, invoke, restart, undefined)];
}
function manySteps(action: ActionName, n: number, param: Param, rs: Array<[NodeSpec, SpecMessage[]]>): Step[] {
  const out: Step[] = [];
  for (const r of rs) out.push(new StepOf(action, n, r[0], r[1], param, undefined, undefined, undefined));
  return out;
}

/**
 * stepsFor for a message action whose message is in s.msgs and of the type the action
 * receives (the explorer offers each message of msgs to its own action: the membership test
 * would rebuild the message's canonical text for nothing). n must be a node in NEXT_NODES.
 */
export function receiveSteps(cfg: SpecConfig, s: SpecState, action: MessageAction, n: number, param: MessageParam): Step[] {
  const x = s.nodes[n]!;
  const m = param.message;
  // Next binds the node of these actions to the message (the addressee it names).
  if ((m.type === 'Promise' || m.type === 'Accepted' || m.type === 'Adopted') && m.ballot.leader !== n) return [];
  if ((m.type === 'Preempted' && m.leader !== n) || (m.type === 'Invoke' && m.replica !== n) || (m.type === 'Welcome' && m.node !== n)) return [];
  switch (m.type) {
    case 'Prepare': {
      const out: Step[] = [];
      for (const k of promisePartCounts(cfg, param)) {
        const step = acceptorReceivePrepare(action, n, x, m, param, s.msgs, k);
        if (step !== null) out.push(step);
      }
      return out;
    }
    case 'Accept': return oneStep(action, n, param, acceptorReceiveAccept(n, x, m, s.msgs));
    case 'Promise': return manySteps(action, n, param, scoutReceivePromise(cfg, n, x, m, s.msgs, param.gives));
    case 'Accepted': return manySteps(action, n, param, commanderReceiveAccepted(cfg, n, x, m));
    case 'Propose': return oneStep(action, n, param, leaderReceivePropose(x, m));
    case 'Adopted': return oneStep(action, n, param, leaderReceiveAdopted(x, m));
    case 'Preempted': return oneStep(action, n, param, leaderReceivePreempted(cfg, n, x, m));
    case 'Invoke': return oneStep(action, n, param, replicaReceiveInvoke(cfg, n, x, m, s.msgs));
    case 'Decision': return oneStep(action, n, param, replicaReceiveDecision(x, m));
    case 'Join': return welcomePartCounts(cfg, param).flatMap((k) => oneStep(action, n, param, replicaReceiveJoin(cfg, n, x, m, s.msgs, k)));
    case 'Welcome': return manySteps(action, n, param, replicaReceiveWelcome(n, x, m, s.msgs, CORRECT_ASSEMBLY, param.installs));
    default: return [];
  }
}

/** Every successor of `s` through `action` on node `n` with the given parameter. */
export function stepsFor(cfg: SpecConfig, s: SpecState, action: ActionName, n: number, param: Param): Step[] {
  const x = s.nodes[n];
  if (x === undefined || n < 1 || n > cfg.N || !inNextNodes(cfg, action, n)) return [];
  const received = MESSAGE_TYPE.get(action);
  if (received !== undefined) {
    if (!('message' in param)) return [];
    const m = param.message;
    if (m.type !== received) return [];
    // The message as msgs holds it (equal: same key): what the step keeps of it (a decided
    // proposal, in every replica's history) is then one object for all receivers, not a copy each.
    const sent = s.msgs.get(messageKey(m));
    if (sent === undefined) return [];
    return receiveSteps(cfg, s, action as MessageAction, n, (sent === m ? param : { ...param, message: sent }) as MessageParam);
  }
  switch (action) {
    case 'ReplicaPropose':
      return 'proposal' in param ? oneStep(action, n, param, replicaPropose(cfg, x, param.proposal)) : [];
    case 'RequesterInvoke': {
      // RequesterInvoke(r) has no node parameter: the Requester of r.caller performs it.
      if (!('proposal' in param)) return [];
      const r = param.proposal;
      if (r.caller !== n) return [];
      // Next draws r from Requests = [caller : Callers, clientId : 1..RequestsPerCaller, ...].
      if (cfg.bounds.callers !== undefined && !cfg.bounds.callers.has(r.caller)) return [];
      if (cfg.bounds.requestsPerCaller !== undefined && (r.clientId < 1 || r.clientId > cfg.bounds.requestsPerCaller)) return [];
      // A caller never invokes two requests with one id (ReqId).
      if (idInvoked(s.invoked, r) || s.invokedForgotten?.has(r) === true) return [];
      return oneStep(action, n, param, [x, [{ type: 'Invoke', replica: r.caller, prop: r }]], r);
    }
    case 'LeaderSpawnScout': return oneStep(action, n, param, leaderSpawnScout(cfg, n, x));
    case 'ReplicaSkipSlot': return oneStep(action, n, param, replicaSkipSlot(cfg, x));
    case 'ReplicaProposeNoop': return oneStep(action, n, param, replicaProposeNoop(x, s.msgs));
    case 'ReplicaExecute': return manySteps(action, n, param, replicaExecute(n, x, 'proposal' in param ? param.proposal : undefined));
    case 'NodeRestart': {
      if (cfg.bounds.maxRestarts !== undefined && s.restarts >= cfg.bounds.maxRestarts) return [];
      // The restarted leader moves to a ballot it never used (it forgot what it proposed under the old one).
      const restarted = emptyVolatile(n, { ...x, lBallot: { num: x.lBallot.num + 1, leader: n } });
      return oneStep(action, n, param, [restarted, [{ type: 'Join', node: n }]], undefined, true);
    }
    case 'ReplicaSnapshot': return oneStep(action, n, param, replicaSnapshot(cfg, n, x));
    case 'ReplicaForget': return manySteps(action, n, param, replicaForget(x));
    case 'AcceptorCompact': return oneStep(action, n, param, acceptorCompact(x));
    case 'LeaderCompact': return oneStep(action, n, param, leaderCompact(x));
    default: return [];
  }
}

/** The state after a step (new maps only for what changed). */
export function applyStep(s: SpecState, step: Step): SpecState {
  let msgs = s.msgs;
  for (let i = 0; i < step.sent.length; i++) {
    const m = step.sent[i]!;
    const k = step.sentKeys?.[i] ?? messageKey(m);
    if (!msgs.has(k)) {
      if (msgs === s.msgs) msgs = new Map(s.msgs);
      (msgs as Map<string, SpecMessage>).set(k, m);
    }
  }
  const nodes = s.nodes.slice();
  nodes[step.n] = step.node;
  let invoked = s.invoked;
  if (step.invoke) invoked = withInvoked(s.invoked, step.invoke);
  const restarts = step.restart ? s.restarts + 1 : s.restarts;
  return s.invokedForgotten === undefined ? { msgs, invoked, restarts, nodes } : { msgs, invoked, invokedForgotten: s.invokedForgotten, restarts, nodes };
}

/** Every successor of `s` (all actions, nodes and parameters): used by the conformance test. */
export function allSteps(cfg: SpecConfig, s: SpecState): Step[] {
  const out: Step[] = [];
  const requests = boundedRequests(cfg);
  for (let n = 1; n <= cfg.N; n++) {
    for (const m of s.msgs.values()) {
      for (const [a, t] of Object.entries(MESSAGE_ACTIONS)) if (m.type === t) out.push(...stepsFor(cfg, s, a as ActionName, n, { message: m }));
    }
    for (const b of waitingBatches(cfg, s.nodes[n]!)) out.push(...stepsFor(cfg, s, 'ReplicaPropose', n, { proposal: b }));
    for (const r of requests) if (r.caller === n) out.push(...stepsFor(cfg, s, 'RequesterInvoke', n, { proposal: r }));
    for (const a of NODE_ACTIONS) out.push(...stepsFor(cfg, s, a, n, {}));
  }
  return out;
}
