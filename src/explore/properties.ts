/**
 * The properties of spec/MultiPaxos.tla, evaluated on states of the fast encoding: each
 * function mirrors the definition of the same name in the .tla (read them side by side).
 *
 * - State invariants (TypeOK, Agreement, Validity, ReplicaConsistency, ClientAnswers, the
 *   checkpoint properties NothingNeededDiscarded, SnapshotsSound, AcceptsSafe, and the step-level
 *   DecisionsChosen, PromisesReport, PhaseOneFirst, OneValuePerBallot, AdoptionsReport, AcceptsAsAdopted) are predicates of one
 *   state.
 * - AcceptorMonotonicity and RefinesLog are, in the .tla, ghost variables that a step turns
 *   FALSE when it breaks the property (SetAcceptor, SendAll); here they are checks of a step
 *   (the state before and the step), which is the same thing: the ghost is FALSE in a state iff
 *   some step on the way broke the property, and the search stops at the first such step.
 * - State constraints, which limit the search as TLC's CONSTRAINT does, are in constraints.ts.
 *
 * A violated property returns a sentence saying where; a property that holds returns undefined.
 */
import type { Ballot, Proposal, PValue, SlotProp, SpecMessage } from '../trace/format/types.js';
import { ballotKey, messageKey, propKey, pvalueKey } from '../trace/format/keys.js';
import { type ExecSeq, type NodeSpec, type SpecConfig, type SpecState, NOOP_KEY, ballotEq, ballotLt, longBatch, reqsOf } from '../trace/spec/specState.js';
import type { Step } from '../trace/spec/fastSpec.js';

/** A model's constants with every bound given (the explorer needs finite models). */
export interface ModelBounds {
  N: number;
  leaderNodes: ReadonlySet<number>;
  replicaNodes: ReadonlySet<number>;
  callers: ReadonlySet<number>;
  requestsPerCaller: number;
  maxBallot: number;
  maxSlot: number;
  maxRestarts: number;
  /** BatchMax (1 when the model does not name it). */
  batchMax: number;
  /** WelcomeParts ({1} when the model does not name it). */
  welcomeParts: ReadonlySet<number>;
  /** PromiseParts ({1} when the model does not name it). */
  promiseParts: ReadonlySet<number>;
  /** IsQuorum: a property reads it too (AcceptsSafe), and mutant SmallQuorum changes it. */
  isQuorum: (acks: number) => boolean;
}

/** The model's bounds; `mutant` is the spec's Mutant constant, which IsQuorum reads. */
export function boundsOf(cfg: SpecConfig, mutant = 'none'): ModelBounds {
  const b = cfg.bounds;
  if (b.leaderNodes === undefined || b.replicaNodes === undefined || b.callers === undefined || b.requestsPerCaller === undefined ||
    b.maxBallot === undefined || b.maxSlot === undefined || b.maxRestarts === undefined) {
    throw new Error('every model bound must be given (LeaderNodes, ReplicaNodes, Callers, RequestsPerCaller, MaxBallot, MaxSlot, MaxRestarts)');
  }
  return {
    N: cfg.N, leaderNodes: b.leaderNodes, replicaNodes: b.replicaNodes, callers: b.callers, requestsPerCaller: b.requestsPerCaller,
    maxBallot: b.maxBallot, maxSlot: b.maxSlot, maxRestarts: b.maxRestarts, batchMax: b.batchMax ?? 1, welcomeParts: b.welcomeParts ?? new Set([1]), promiseParts: b.promiseParts ?? new Set([1]),
    isQuorum: mutant === 'SmallQuorum' ? (acks) => 2 * acks >= cfg.N - 1 : (acks) => 2 * acks > cfg.N,
  };
}

export type StateInvariant = (m: ModelBounds, s: SpecState) => string | undefined;
export type StepProperty = (m: ModelBounds, s: SpecState, step: Step) => string | undefined;
export type StateConstraint = (m: ModelBounds, s: SpecState) => boolean;

const show = (x: unknown): string => JSON.stringify(x);
const isNat = (x: number, lo: number, hi: number): boolean => Number.isInteger(x) && x >= lo && x <= hi;

// ---- TypeOK -------------------------------------------------------------------------------

/** BallotT == [num : 0..(MaxBallot + MaxRestarts + 1), leader : 0..N] */
const isBallot = (m: ModelBounds, b: Ballot): boolean =>
  hasFields(b, 2) && isNat(b.num, 0, m.maxBallot + m.maxRestarts + 1) && isNat(b.leader, 0, m.N);
/** SlotT == 1..(MaxSlot + 1) */
const isSlot = (m: ModelBounds, s: number): boolean => isNat(s, 1, m.maxSlot + 1);
/** RequestT == Requests \cup {NoOp}: [caller : Callers, clientId : 1..RequestsPerCaller, input : {"op"}] or NoOp. */
function isRequest(m: ModelBounds, p: Proposal): boolean {
  if (!hasFields(p, 3)) return false;
  if (p.caller === 0 && p.clientId === 0 && p.input === 'noop') return true;
  return m.callers.has(p.caller) && isNat(p.clientId, 1, m.requestsPerCaller) && p.input === 'op';
}
/**
 * ProposalT == Proposal == Requests \cup {NoOp} \cup LongBatches: a request, the no-op, or
 * [batch |-> q] with q a sequence of 2..BatchMax distinct requests.
 */
function isProposal(m: ModelBounds, p: Proposal): boolean {
  const q = longBatch(p);
  if (q === undefined) return isRequest(m, p);
  if (!hasFields(p, 1) || !Array.isArray(q) || q.length < 2 || q.length > m.batchMax) return false;
  if (!q.every((r) => isRequest(m, r) && r.caller !== 0)) return false;
  return new Set(q.map(propKey)).size === q.length;
}
const isPValue = (m: ModelBounds, v: PValue): boolean =>
  hasFields(v, 3) && isBallot(m, v.ballot) && isSlot(m, v.slot) && isProposal(m, v.prop);
const isDecided = (m: ModelBounds, d: SlotProp): boolean => hasFields(d, 2) && isSlot(m, d.slot) && isProposal(m, d.prop);
const isNode = (m: ModelBounds, n: number): boolean => isNat(n, 1, m.N);
const allOf = <T>(xs: Iterable<T>, p: (x: T) => boolean): boolean => { for (const x of xs) if (!p(x)) return false; return true; };
/** A record value of `[f1 : S1, ..., fk : Sk]` has exactly those k fields (the field names are the type's). */
function hasFields(x: object, k: number): boolean {
  let n = 0;
  for (const key in x) if (Object.prototype.hasOwnProperty.call(x, key)) n++;
  return n === k;
}

/** IsMessage(m): one of the protocol's messages, with fields of the right types. */
export function isMessage(m: ModelBounds, msg: SpecMessage): boolean {
  switch (msg.type) {
    case 'Prepare': return hasFields(msg, 2) && isBallot(m, msg.ballot);
    // Promise and Adopted are not `\in [...]` in the .tla: their field set is not checked.
    // Their mark is left out when it is 1 (format/keys.ts), and 1 is a SlotT; so are a one-part Promise's part fields.
    case 'Promise': return isNode(m, msg.acceptor) && isBallot(m, msg.ballot) && isBallot(m, msg.promised) && isSlot(m, msg.mark ?? 1)
      && m.promiseParts.has(msg.parts ?? 1) && isNat(msg.part ?? 1, 1, msg.parts ?? 1) && allOf(msg.accepted, (v) => isPValue(m, v));
    case 'Accept': return hasFields(msg, 4) && isBallot(m, msg.ballot) && isSlot(m, msg.slot) && isProposal(m, msg.prop);
    case 'Accepted': return hasFields(msg, 5) && isNode(m, msg.acceptor) && isBallot(m, msg.ballot) && isSlot(m, msg.slot) && isBallot(m, msg.promised);
    case 'Decision': return hasFields(msg, 3) && isSlot(m, msg.slot) && isProposal(m, msg.prop);
    case 'Propose': return hasFields(msg, 3) && isSlot(m, msg.slot) && isProposal(m, msg.prop);
    case 'Adopted': return isBallot(m, msg.ballot) && isSlot(m, msg.mark ?? 1) && allOf(msg.pvalues, (v) => isPValue(m, v));
    case 'Preempted': return hasFields(msg, 3) && isNode(m, msg.leader) && isBallot(m, msg.ballot);
    case 'Invoke': return hasFields(msg, 3) && isNode(m, msg.replica) && isRequest(m, msg.prop);
    case 'Invoked': return hasFields(msg, 4) && isNode(m, msg.replica) && isRequest(m, msg.prop) && isNat(msg.index, 1, m.batchMax * m.maxSlot + 1);
    case 'Join': return hasFields(msg, 2) && isNode(m, msg.node);
    // Its part fields are left out in a one-part Welcome (format/keys.ts): 1 of 1.
    case 'Welcome': return isNode(m, msg.node) && isSlot(m, msg.slot) && m.welcomeParts.has(msg.parts ?? 1) && isNat(msg.part ?? 1, 1, msg.parts ?? 1)
      && allOf(msg.decisions, (d) => isDecided(m, d)) && allOf(msg.executed, (p) => isRequest(m, p));
    default: return false;
  }
}

/** The node part of TypeOK (for one n \in Node). */
export function nodeTypeOK(m: ModelBounds, x: NodeSpec): boolean {
  return isBallot(m, x.aBallot) && allOf(x.aAccepted.values(), (v) => isPValue(m, v)) && isSlot(m, x.aMark)
    && isBallot(m, x.lBallot) && typeof x.lActive === 'boolean' && allOf(x.lProposals.values(), (d) => isDecided(m, d)) && isSlot(m, x.lMark)
    // NoScout is [ballot |-> Bottom, acks |-> {}, pvalues |-> {}, mark |-> 1]: Bottom is a BallotT, 1 a SlotT.
    && (x.scout === null || (isBallot(m, x.scout.ballot) && allOf(x.scout.acks, (n) => isNode(m, n)) && allOf(x.scout.pvalues.values(), (v) => isPValue(m, v))
      && isSlot(m, x.scout.mark)))
    && allOf(x.commanders.values(), (c) => isBallot(m, c.ballot) && isSlot(m, c.slot) && isProposal(m, c.prop) && allOf(c.acks, (n) => isNode(m, n)))
    && isSlot(m, x.rSlotIn) && isSlot(m, x.rSlotOut)
    && allOf(x.rRequests.values(), (p) => isRequest(m, p))
    && allOf(x.rProposals.values(), (d) => isDecided(m, d))
    && allOf(x.rDecisions.values(), (d) => isDecided(m, d))
    && allOf(x.rExecuted, (p) => isRequest(m, p))
    && isSlot(m, x.rSnap.slot) && allOf(x.rSnap.executed, (p) => isRequest(m, p));
}

/**
 * Messages and node states are interned by the explorer (the same object in every state that
 * holds it), so their part of TypeOK is computed once per object.
 */
const messageOK = new WeakMap<SpecMessage, boolean>();
const nodeOK = new WeakMap<NodeSpec, boolean>();
function cached<K extends object>(cache: WeakMap<K, boolean>, k: K, f: () => boolean): boolean {
  let v = cache.get(k);
  if (v === undefined) { v = f(); cache.set(k, v); }
  return v;
}

export const TypeOK: StateInvariant = (m, s) => {
  for (const msg of s.msgs.values()) if (!cached(messageOK, msg, () => isMessage(m, msg))) return `message ${show(msg)} is not of its type`;
  for (let n = 1; n <= m.N; n++) {
    const x = s.nodes[n]!;
    if (!cached(nodeOK, x, () => nodeTypeOK(m, x))) return `node ${n}'s state is not of its type`;
  }
  // IsSetOf(invoked, Requests)
  for (const p of s.invoked.values()) if (!isRequest(m, p) || p.caller === 0) return `invoked ${show(p)} is not a request`;
  if (!isNat(s.restarts, 0, m.maxRestarts)) return `restarts = ${s.restarts}`;
  return undefined;
};

// ---- Agreement, Validity ------------------------------------------------------------------

/** AllDecided: [slot, prop] of every Decision message and of every replica's rDecisions (n \in Node). */
export function allDecided(m: ModelBounds, s: SpecState): SlotProp[] {
  const out: SlotProp[] = [];
  for (const msg of s.msgs.values()) if (msg.type === 'Decision') out.push({ slot: msg.slot, prop: msg.prop });
  for (let n = 1; n <= m.N; n++) for (const d of s.nodes[n]!.rDecisions.values()) out.push(d);
  return out;
}

export const Agreement: StateInvariant = (m, s) => {
  const bySlot = new Map<number, string>();
  for (const d of allDecided(m, s)) {
    const k = propKey(d.prop);
    const other = bySlot.get(d.slot);
    if (other === undefined) bySlot.set(d.slot, k);
    else if (other !== k) return `slot ${d.slot} is decided as ${other} and as ${k}`;
  }
  return undefined;
};

/** Validity: every decided batch but the no-op was proposed as it is, and each of its requests was invoked. */
export const Validity: StateInvariant = (m, s) => {
  let proposed: Set<string> | undefined;
  for (const d of allDecided(m, s)) {
    const k = propKey(d.prop);
    if (k === NOOP_KEY) continue;
    proposed ??= new Set([...s.msgs.values()].flatMap((x) => (x.type === 'Propose' ? [propKey(x.prop)] : [])));
    if (!proposed.has(k)) return `slot ${d.slot} is decided as ${k}, which no replica proposed`;
    for (const r of reqsOf(d.prop)) if (!s.invoked.has(propKey(r))) return `slot ${d.slot} is decided as ${k}, whose ${propKey(r)} no client invoked`;
  }
  return undefined;
};

// ---- ReplicaConsistency -------------------------------------------------------------------

const isPrefix = (a: ExecSeq, b: ExecSeq): boolean => {
  if (a.length > b.length) return false;
  for (let i = a.sharedPrefix(b); i < a.length; i++) if (propKey(a.get(i)) !== propKey(b.get(i))) return false;
  return true;
};

export const ReplicaConsistency: StateInvariant = (m, s) => {
  // ExecutedPrefix: over ReplicaNodes.
  for (const n1 of m.replicaNodes) {
    for (const n2 of m.replicaNodes) {
      const a = s.nodes[n1]!.rExecuted;
      const b = s.nodes[n2]!.rExecuted;
      if (!isPrefix(a, b) && !isPrefix(b, a)) return `replicas ${n1} and ${n2} executed diverging histories`;
    }
  }
  // NoDuplicateExecution: over Node, by request id (ReqId).
  for (let n = 1; n <= m.N; n++) {
    const keys = s.nodes[n]!.rExecuted.map((p) => `${p.caller}:${p.clientId}`);
    if (new Set(keys).size !== keys.length) return `replica ${n} executed a request twice`;
  }
  return undefined;
};

// ---- ClientAnswers ------------------------------------------------------------------------

export const ClientAnswers: StateInvariant = (m, s) => {
  const answers: Array<{ prop: Proposal; index: number }> = [];
  for (const msg of s.msgs.values()) if (msg.type === 'Invoked') answers.push(msg);
  if (answers.length === 0) return undefined;
  // AnsweredDecided: the request is one of a decided batch's.
  const decided = new Set(allDecided(m, s).flatMap((d) => reqsOf(d.prop).map(propKey)));
  const indexOf = new Map<string, number>();
  for (const a of answers) {
    const k = propKey(a.prop);
    // AnsweredDecided
    if (!decided.has(k)) return `${k} is answered but not decided`;
    // AnswersAgree
    const i = indexOf.get(k);
    if (i !== undefined && i !== a.index) return `${k} is answered with indexes ${i} and ${a.index}`;
    indexOf.set(k, a.index);
    // AnsweredAsExecuted
    for (const n of m.replicaNodes) {
      const h = s.nodes[n]!.rExecuted;
      if (a.index <= h.length && propKey(h.get(a.index - 1)) !== k) return `${k} is answered at index ${a.index}, where replica ${n} executed ${propKey(h.get(a.index - 1))}`;
    }
  }
  return undefined;
};

// ---- Step properties ----------------------------------------------------------------------

/**
 * AcceptorStepMonotone(n, b, A, k) for the acceptor of the acting node (the others are
 * unchanged): monotone relative to what is kept, so below the new mark k a pvalue may go.
 */
export const AcceptorMonotonicity: StepProperty = (_m, s, step) => {
  const before = s.nodes[step.n]!;
  const after = step.node;
  if (ballotLt(after.aBallot, before.aBallot)) return `acceptor ${step.n}'s promise goes down`;
  if (after.aMark < before.aMark) return `acceptor ${step.n}'s mark goes down from ${before.aMark} to ${after.aMark}`;
  for (const [k, pv] of before.aAccepted) {
    if (pv.slot < after.aMark || after.aAccepted.has(k)) continue;
    let replaced = false;
    for (const pw of after.aAccepted.values()) if (pw.slot === pv.slot && ballotLt(pv.ballot, pw.ballot)) replaced = true;
    if (!replaced) return `acceptor ${step.n} drops ${pvalueKey(pv)} without a higher-ballot pvalue for slot ${pv.slot}`;
  }
  return undefined;
};

/** SendAll's refines: the step's new Decisions change ChosenIn(msgs) as LogSpec's IsLogStep allows. */
export const RefinesLog: StepProperty = (_m, s, step) => {
  const fresh = new Map<string, SlotProp>();
  for (const msg of step.sent) {
    if (msg.type !== 'Decision') continue;
    const k = `${msg.slot} ${propKey(msg.prop)}`;
    let known = false;
    for (const old of s.msgs.values()) if (old.type === 'Decision' && old.slot === msg.slot && propKey(old.prop) === propKey(msg.prop)) known = true;
    if (!known) fresh.set(k, { slot: msg.slot, prop: msg.prop });
  }
  if (fresh.size === 0) return undefined;
  if (fresh.size > 1) return `one step chooses ${fresh.size} log entries`;
  const [e] = fresh.values() as unknown as [SlotProp];
  for (const old of s.msgs.values()) {
    if (old.type === 'Decision' && old.slot === e.slot) return `slot ${e.slot}, chosen as ${propKey(old.prop)}, is chosen again as ${propKey(e.prop)}`;
  }
  return undefined;
};

// ---- Checkpoints --------------------------------------------------------------------------

/** The decided proposals of each slot (AllDecided by slot): one per slot while Agreement holds. */
function decidedBySlot(m: ModelBounds, s: SpecState): Map<number, Map<string, Proposal>> {
  const out = new Map<number, Map<string, Proposal>>();
  for (const d of allDecided(m, s)) {
    let props = out.get(d.slot);
    if (props === undefined) out.set(d.slot, (props = new Map()));
    props.set(propKey(d.prop), d.prop);
  }
  return out;
}

/** HeldSomewhere(s) == \E r \in Node : rSnap[r].slot > s \/ HasSlot(rDecisions[r], s) */
function heldSomewhere(m: ModelBounds, s: SpecState, slot: number): boolean {
  for (let r = 1; r <= m.N; r++) {
    const x = s.nodes[r]!;
    if (x.rSnap.slot > slot) return true;
    for (const d of x.rDecisions.values()) if (d.slot === slot) return true;
  }
  return false;
}

/**
 * ProposesAboveSnapshot == \A n \in ReplicaNodes : rSlotIn[n] >= rSnap[n].slot
 *   /\ \A s \in rSlotIn[n]..(rSlotOut[n] - 1) : HasSlot(rDecisions[n], s)
 */
export const ProposesAboveSnapshot: StateInvariant = (m, s) => {
  for (const n of m.replicaNodes) {
    const x = s.nodes[n]!;
    if (x.rSlotIn < x.rSnap.slot) return `replica ${n} would propose at slot ${x.rSlotIn}, below its snapshot at ${x.rSnap.slot}`;
    if (x.rSlotIn >= x.rSlotOut) continue;
    const known = new Set<number>();
    for (const d of x.rDecisions.values()) known.add(d.slot);
    for (let slot = x.rSlotIn; slot < x.rSlotOut; slot++) {
      if (!known.has(slot)) return `replica ${n} executed slot ${slot} but no longer knows its decision, and would propose there (its next proposal slot is ${x.rSlotIn})`;
    }
  }
  return undefined;
};

/** PromiseCoversAccepted: no pvalue an acceptor holds has a ballot above its promised ballot. */
export const PromiseCoversAccepted: StateInvariant = (m, s) => {
  for (let n = 1; n <= m.N; n++) {
    const x = s.nodes[n]!;
    for (const pv of x.aAccepted.values()) {
      if (ballotLt(x.aBallot, pv.ballot)) return `acceptor ${n} promised ${show(x.aBallot)} but holds a pvalue at ballot ${show(pv.ballot)} for slot ${pv.slot}`;
    }
  }
  return undefined;
};

/** ProposalsAhead: every proposal of a replica is for a slot at or above its next slot to execute. */
export const ProposalsAhead: StateInvariant = (m, s) => {
  for (const n of m.replicaNodes) {
    const x = s.nodes[n]!;
    for (const d of x.rProposals.values()) {
      if (d.slot < x.rSlotOut) return `replica ${n} holds a proposal for slot ${d.slot}, below its next slot to execute ${x.rSlotOut}`;
    }
  }
  return undefined;
};

/**
 * NothingNeededDiscarded: every slot below an acceptor's mark is decided and held in some
 * replica's snapshot or decisions; every slot below a leader's mark is decided.
 */
export const NothingNeededDiscarded: StateInvariant = (m, s) => {
  const decided = decidedBySlot(m, s);
  for (let n = 1; n <= m.N; n++) {
    const x = s.nodes[n]!;
    for (let slot = 1; slot < x.aMark; slot++) {
      if (!decided.has(slot)) return `acceptor ${n}'s mark is ${x.aMark}, but slot ${slot} is not decided`;
      if (!heldSomewhere(m, s, slot)) return `acceptor ${n}'s mark is ${x.aMark}, but no replica holds slot ${slot} in a snapshot or a decision`;
    }
    for (let slot = 1; slot < x.lMark; slot++) {
      if (!decided.has(slot)) return `leader ${n}'s mark is ${x.lMark}, but slot ${slot} is not decided`;
    }
  }
  return undefined;
};

/**
 * SoundAt(k, e): slots 1..k-1 are decided, e's range is the requests of their batches, and e is
 * in the order of each request's first place in the log: its first slot (FirstSlot), then its
 * position in that slot's batch (PosIn). SlotValue is the .tla's CHOOSE among the
 * slot's decided values: one value while Agreement holds. Where Agreement is broken CHOOSE's
 * pick is the engine's, and this takes the least by canonical text: every model that checks
 * SnapshotsSound checks Agreement before it, so that state is reported as an Agreement
 * violation first, and any violation is confirmed on the engine (engineReplay.ts).
 */
function soundAt(m: ModelBounds, decided: Map<number, Map<string, Proposal>>, k: number, e: { map<T>(f: (p: Proposal) => T): T[] }): string | undefined {
  // A request's first place in the log, as one number: slot, then position in the batch.
  const firstSlot = new Map<string, number>();
  for (let slot = 1; slot < k; slot++) {
    const props = decided.get(slot);
    if (props === undefined) return `slot ${slot} below it is not decided`;
    const value = props.get([...props.keys()].sort()[0]!)!;
    reqsOf(value).forEach((r, i) => { const rk = propKey(r); if (!firstSlot.has(rk)) firstSlot.set(rk, slot * (m.batchMax + 1) + i); });
  }
  const keys = e.map(propKey);
  const range = new Set(keys);
  if (range.size !== firstSlot.size || [...range].some((p) => !firstSlot.has(p))) {
    return `its history ${show(keys)} is not the requests decided below slot ${k} (${show([...firstSlot.keys()])})`;
  }
  for (let i = 0; i + 1 < keys.length; i++) {
    // i < j => FirstSlot(e[i]) < FirstSlot(e[j]); consecutive pairs suffice (< is transitive).
    if (!(firstSlot.get(keys[i]!)! < firstSlot.get(keys[i + 1]!)!)) return `its history is not in the order of the decided log (${keys[i]} at ${i + 1}, ${keys[i + 1]} at ${i + 2})`;
  }
  return undefined;
}

/** SnapshotsSound: every replica's snapshot and every Welcome's state is SoundAt its slot. */
export const SnapshotsSound: StateInvariant = (m, s) => {
  const decided = decidedBySlot(m, s);
  for (let n = 1; n <= m.N; n++) {
    const snap = s.nodes[n]!.rSnap;
    const bad = soundAt(m, decided, snap.slot, snap.executed);
    if (bad !== undefined) return `replica ${n}'s snapshot at slot ${snap.slot}: ${bad}`;
  }
  for (const msg of s.msgs.values()) {
    // A part of a Welcome in parts is a segment of a state: HistoriesSound checks it assembled.
    if (msg.type !== 'Welcome' || (msg.parts ?? 1) !== 1) continue;
    const bad = soundAt(m, decided, msg.slot, msg.executed);
    if (bad !== undefined) return `the Welcome to ${msg.node} at slot ${msg.slot}: ${bad}`;
  }
  return undefined;
};

/** HistoriesSound: every replica's history is SoundAt its next slot to execute. */
export const HistoriesSound: StateInvariant = (m, s) => {
  const decided = decidedBySlot(m, s);
  for (const n of m.replicaNodes) {
    const x = s.nodes[n]!;
    const bad = soundAt(m, decided, x.rSlotOut, x.rExecuted);
    if (bad !== undefined) return `replica ${n}'s history at slot ${x.rSlotOut}: ${bad}`;
  }
  return undefined;
};

/**
 * The Accepts in msgs, and whether a quorum voted yes (an Accepted with promised = ballot) for
 * an Accept's ballot and slot: ChosenAccepts, which AcceptsSafe and DecisionsChosen read.
 */
function acceptsAndVotes(m: ModelBounds, s: SpecState): { accepts: Array<Extract<SpecMessage, { type: 'Accept' }>>; chosen: (a: { ballot: Ballot; slot: number }) => boolean } {
  const yes = new Map<string, Set<number>>();
  const accepts: Array<Extract<SpecMessage, { type: 'Accept' }>> = [];
  const key = (b: Ballot, slot: number): string => `${b.num}.${b.leader}@${slot}`;
  for (const msg of s.msgs.values()) {
    if (msg.type === 'Accept') accepts.push(msg);
    else if (msg.type === 'Accepted' && ballotEq(msg.promised, msg.ballot)) {
      const k = key(msg.ballot, msg.slot);
      let acks = yes.get(k);
      if (acks === undefined) yes.set(k, (acks = new Set()));
      acks.add(msg.acceptor);
    }
  }
  // IsQuorum of the empty set is FALSE for every N but under SmallQuorum with N <= 1.
  return { accepts, chosen: (a) => m.isQuorum(yes.get(key(a.ballot, a.slot))?.size ?? 0) };
}

/**
 * AcceptsSafe: once a quorum accepted (Accepted with promised = ballot) an Accept's ballot and
 * slot, every Accept for that slot at that ballot or a higher one carries the same proposal.
 */
export const AcceptsSafe: StateInvariant = (m, s) => {
  const { accepts, chosen } = acceptsAndVotes(m, s);
  for (const c of accepts) {
    if (!chosen(c)) continue;
    for (const a of accepts) {
      if (a.slot === c.slot && !ballotLt(a.ballot, c.ballot) && propKey(a.prop) !== propKey(c.prop)) {
        return `slot ${c.slot}: ${propKey(c.prop)} was accepted by a quorum at ballot ${show(c.ballot)}, and an Accept at ballot ${show(a.ballot)} carries ${propKey(a.prop)}`;
      }
    }
  }
  return undefined;
};

export const isYes = (y: SpecMessage): y is Extract<SpecMessage, { type: 'Accepted' }> => y.type === 'Accepted' && ballotEq(y.promised, y.ballot);

/**
 * DecisionsChosen: every Decision names a proposal a quorum accepted, an Accept for its slot and
 * proposal at a ballot a quorum voted yes for at that slot.
 */
export const DecisionsChosen: StateInvariant = (m, s) => {
  const { accepts, chosen } = acceptsAndVotes(m, s);
  for (const d of s.msgs.values()) {
    if (d.type !== 'Decision') continue;
    if (!accepts.some((a) => a.slot === d.slot && propKey(a.prop) === propKey(d.prop) && chosen(a))) return `the Decision for slot ${d.slot} names ${propKey(d.prop)}, which no quorum accepted at any ballot`;
  }
  return undefined;
};

/**
 * PromisesReport: for every yes vote of a Promise's acceptor at a ballot below the one it
 * promises, in a slot at or above the Promise's mark, the Promise (one of its parts: a Promise
 * of the same acceptor, ballot, promised ballot, mark and part count) carries a pvalue of that
 * slot at that ballot or higher; and every pvalue a Promise carries is a yes vote of its
 * acceptor (its ballot and slot), for an Accept in msgs (its ballot, slot and proposal).
 */
export const PromisesReport: StateInvariant = (_m, s) => {
  const promises: Array<Extract<SpecMessage, { type: 'Promise' }>> = [];
  const votes: Array<Extract<SpecMessage, { type: 'Accepted' }>> = [];
  for (const msg of s.msgs.values()) {
    if (msg.type === 'Promise') promises.push(msg);
    else if (isYes(msg)) votes.push(msg);
  }
  for (const p of promises) {
    for (const pv of p.accepted) {
      if (!votes.some((y) => y.acceptor === p.acceptor && y.slot === pv.slot && ballotEq(y.ballot, pv.ballot))) {
        return `acceptor ${p.acceptor}'s Promise for ${show(p.ballot)} carries a pvalue for slot ${pv.slot} at ballot ${show(pv.ballot)}, which it never voted for`;
      }
      const accept: SpecMessage = { type: 'Accept', ballot: pv.ballot, slot: pv.slot, prop: pv.prop };
      if (!s.msgs.has(messageKey(accept))) return `acceptor ${p.acceptor}'s Promise for ${show(p.ballot)} carries ${pvalueKey(pv)}, which no leader sent as an Accept`;
    }
  }
  const sameReply = (p: (typeof promises)[number], q: (typeof promises)[number]): boolean =>
    q.acceptor === p.acceptor && ballotEq(q.ballot, p.ballot) && ballotEq(q.promised, p.promised) && (q.mark ?? 1) === (p.mark ?? 1) && (q.parts ?? 1) === (p.parts ?? 1);
  for (const p of promises) {
    for (const y of votes) {
      if (y.acceptor !== p.acceptor || !ballotLt(y.ballot, p.promised) || y.slot < (p.mark ?? 1)) continue;
      const reported = promises.some((q) => sameReply(p, q) && q.accepted.some((pv) => pv.slot === y.slot && !ballotLt(pv.ballot, y.ballot)));
      if (!reported) {
        return `acceptor ${p.acceptor} voted for slot ${y.slot} at ballot ${show(y.ballot)}, and its Promise for ${show(p.ballot)} (promising ${show(p.promised)}) carries no pvalue of that slot at that ballot or higher`;
      }
    }
  }
  return undefined;
};

/**
 * PhaseOneFirst: a leader is active only at a ballot some scout adopted, and every Accept is at
 * an adopted ballot, for a slot at or above the mark of that adoption (of some Adopted of its
 * ballot).
 */
export const PhaseOneFirst: StateInvariant = (m, s) => {
  const marks = new Map<string, number>();
  for (const msg of s.msgs.values()) {
    if (msg.type !== 'Adopted') continue;
    const k = ballotKey(msg.ballot);
    marks.set(k, Math.min(marks.get(k) ?? Infinity, msg.mark ?? 1));
  }
  for (const n of m.leaderNodes) {
    const x = s.nodes[n]!;
    if (x.lActive && !marks.has(ballotKey(x.lBallot))) return `leader ${n} is active at ballot ${show(x.lBallot)}, which no scout adopted`;
  }
  for (const msg of s.msgs.values()) {
    if (msg.type !== 'Accept') continue;
    const mark = marks.get(ballotKey(msg.ballot));
    if (mark === undefined) return `an Accept for slot ${msg.slot} at ballot ${show(msg.ballot)}, which no scout adopted`;
    if (msg.slot < mark) return `an Accept for slot ${msg.slot} at ballot ${show(msg.ballot)}, below the mark ${mark} its adoption reported`;
  }
  return undefined;
};

/** OneValuePerBallot: no two Accepts of one ballot and slot carry different proposals. */
export const OneValuePerBallot: StateInvariant = (_m, s) => {
  const seen = new Map<string, Extract<SpecMessage, { type: 'Accept' }>>();
  for (const msg of s.msgs.values()) {
    if (msg.type !== 'Accept') continue;
    const k = `${ballotKey(msg.ballot)}@${msg.slot}`;
    const other = seen.get(k);
    if (other === undefined) seen.set(k, msg);
    else if (propKey(other.prop) !== propKey(msg.prop)) return `two Accepts for slot ${msg.slot} at ballot ${show(msg.ballot)}: ${propKey(other.prop)} and ${propKey(msg.prop)}`;
  }
  return undefined;
};

/**
 * AdoptionsReport: every Adopted reports what some quorum's whole Promises reported (the .tla's
 * \E Q). Each acceptor of Q has a yes Promise for the Adopted's ballot, all of its parts, whose
 * pvalues the Adopted carries and whose mark is at most the Adopted's; every pvalue of the
 * Adopted is in a whole Promise of Q; the Adopted's mark is 1 or a mark of one.
 *
 * Not a search over quorums: the second and third conditions only get easier as Q grows, and so
 * does IsQuorum, so some Q passes iff the set of every acceptor that meets the first does. And not
 * a search over the parts' choices either: a choice of one part per index meets the first
 * condition iff each index has a part whose pvalues the Adopted carries.
 *
 * A search meets one Adopted in every state after the one that sent it, so a verdict that it holds
 * is kept with its witness, the Promises it read: a state that holds all of them gives the same
 * verdict (more Promises only add to each condition's choices). Kept per model bounds (IsQuorum).
 */
export const AdoptionsReport: StateInvariant = (m, s) => {
  let promises: Array<Extract<SpecMessage, { type: 'Promise' }>> | undefined;
  let witnesses = ADOPTION_WITNESSES.get(m);
  if (witnesses === undefined) ADOPTION_WITNESSES.set(m, witnesses = new WeakMap());
  for (const adopted of s.msgs.values()) {
    if (adopted.type !== 'Adopted') continue;
    const known = witnesses.get(adopted);
    if (known !== undefined && known.every((k) => s.msgs.has(k))) continue;
    if (promises === undefined) {
      promises = [];
      for (const msg of s.msgs.values()) if (msg.type === 'Promise' && ballotEq(msg.promised, msg.ballot)) promises.push(msg);
    }
    const mark = adopted.mark ?? 1;
    const carried = new Set(adopted.pvalues.map(pvalueKey));
    // Per acceptor: whether it meets the first condition, the pvalues and marks of its whole Promises.
    const meets = new Set<number>();
    const reported = new Map<number, Set<string>>();
    const marks = new Map<number, Set<number>>();
    const groups = wholePromises(promises, adopted.ballot);
    for (const group of groups) {
      const a = group.acceptor;
      const keys = reported.get(a) ?? new Set<string>();
      for (const parts of group.byPart) for (const p of parts) for (const pv of p.accepted) keys.add(pvalueKey(pv));
      reported.set(a, keys);
      marks.set(a, (marks.get(a) ?? new Set<number>()).add(group.mark));
      if (group.mark <= mark && group.byPart.every((parts) => parts.some((p) => p.accepted.every((pv) => carried.has(pvalueKey(pv)))))) meets.add(a);
    }
    const where = `the Adopted for ${show(adopted.ballot)} (mark ${mark})`;
    if (!m.isQuorum(meets.size)) {
      return `${where}: no quorum's whole Promises for that ballot have every pvalue they report in it and a mark at most its own (only acceptors ${show([...meets])})`;
    }
    for (const pv of adopted.pvalues) {
      const k = pvalueKey(pv);
      if (![...meets].some((a) => reported.get(a)!.has(k))) return `${where} carries ${k}, which no whole Promise of its quorum reports`;
    }
    if (mark !== 1 && ![...meets].some((a) => marks.get(a)!.has(mark))) return `${where}: no whole Promise of its quorum reports the mark ${mark}`;
    const witness: string[] = [];
    for (const g of groups) if (meets.has(g.acceptor)) for (const parts of g.byPart) for (const p of parts) witness.push(messageKey(p));
    witnesses.set(adopted, witness);
  }
  return undefined;
};
const ADOPTION_WITNESSES = new WeakMap<ModelBounds, WeakMap<SpecMessage, string[]>>();

/**
 * AcceptsAsAdopted: for each ballot of an Accept, some Adopted of that ballot that every Accept of
 * the ballot follows: its slot at or above the Adopted's mark, and, where the Adopted reported
 * pvalues for the slot, the proposal of one whose ballot none of them exceeds.
 */
export const AcceptsAsAdopted: StateInvariant = (_m, s) => {
  const accepts = new Map<string, Array<Extract<SpecMessage, { type: 'Accept' }>>>();
  const adopteds = new Map<string, Array<Extract<SpecMessage, { type: 'Adopted' }>>>();
  for (const msg of s.msgs.values()) {
    if (msg.type === 'Accept') push(accepts, ballotKey(msg.ballot), msg);
    else if (msg.type === 'Adopted') push(adopteds, ballotKey(msg.ballot), msg);
  }
  for (const [k, as] of accepts) {
    let why = `no scout adopted ballot ${k}`;
    const follows = (adopted: Extract<SpecMessage, { type: 'Adopted' }>): boolean => {
      for (const a of as) {
        if (a.slot < (adopted.mark ?? 1)) { why = `an Accept for slot ${a.slot} at ballot ${k} is below the mark ${adopted.mark ?? 1} its adoption reported`; return false; }
        for (const pv of adopted.pvalues) {
          if (pv.slot !== a.slot || adopted.pvalues.some((q) => q.slot === pv.slot && ballotLt(pv.ballot, q.ballot))) continue;
          if (propKey(pv.prop) !== propKey(a.prop)) {
            why = `an Accept for slot ${a.slot} at ballot ${k} carries ${propKey(a.prop)}, where its adoption reported ${pvalueKey(pv)}, of the highest ballot for that slot`;
            return false;
          }
        }
      }
      return true;
    };
    if (!(adopteds.get(k) ?? []).some(follows)) return why;
  }
  return undefined;
};
const push = <T>(m: Map<string, T[]>, k: string, x: T): void => { const xs = m.get(k); if (xs === undefined) m.set(k, [x]); else xs.push(x); };

/**
 * The yes Promises for ballot b that assemble whole, grouped as the scout groups parts (acceptor,
 * mark and part count; promised is b): each group's parts by index, every index present.
 */
function wholePromises(promises: ReadonlyArray<Extract<SpecMessage, { type: 'Promise' }>>, b: Ballot): Array<{ acceptor: number; mark: number; byPart: Array<Array<Extract<SpecMessage, { type: 'Promise' }>>> }> {
  const groups = new Map<string, { acceptor: number; mark: number; byPart: Array<Array<Extract<SpecMessage, { type: 'Promise' }>>> }>();
  for (const p of promises) {
    if (!ballotEq(p.ballot, b)) continue;
    const parts = p.parts ?? 1;
    const part = p.part ?? 1;
    const key = `${p.acceptor}/${p.mark ?? 1}/${parts}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, g = { acceptor: p.acceptor, mark: p.mark ?? 1, byPart: Array.from({ length: parts }, () => []) });
    if (part >= 1 && part <= parts) g.byPart[part - 1]!.push(p);
  }
  return [...groups.values()].filter((g) => g.byPart.every((parts) => parts.length > 0));
}

export const STATE_INVARIANTS: Record<string, StateInvariant> = {
  TypeOK, Agreement, Validity, ReplicaConsistency, ClientAnswers, NothingNeededDiscarded, SnapshotsSound, AcceptsSafe,
  ProposesAboveSnapshot, HistoriesSound, PromiseCoversAccepted, ProposalsAhead, DecisionsChosen, PromisesReport, PhaseOneFirst, OneValuePerBallot,
  AdoptionsReport, AcceptsAsAdopted,
};
export const STEP_PROPERTIES: Record<string, StepProperty> = { AcceptorMonotonicity, RefinesLog };
