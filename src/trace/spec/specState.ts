/**
 * The spec's state, as plain TypeScript data. A set is a Map from the canonical text of an
 * element to the element, so set equality is key equality. Values are never mutated in
 * place: an action builds new maps for what it changes (successors share the rest).
 */
import type { Ballot, CommanderState, NodeStateJson, Proposal, PValue, SlotProp, SpecConstants, SpecMessage } from '../format/types.js';
import { ballotKey, commanderKeyOf, messageKey, numSetKey, propKey, pvalueKey, sameRequest, seqKey, slotPropKey } from '../format/keys.js';
import { type Indexer, PMap } from './pmap.js';
import { ExecSeq } from './execSeq.js';
import { type ExecutedIds, idsOf } from './requestIds.js';

export type VSet<T> = ReadonlyMap<string, T>;

/**
 * The sets that grow with a run (an acceptor's pvalues, a leader's proposals, a replica's
 * decisions) are persistent maps (pmap.ts) in the states the fast spec builds, indexed by
 * slot (decisions also by proposal): an action costs what it changes, not the set's size.
 * Other code may hand the fast spec plain Maps; it converts them on first use.
 */
export const BY_SLOT: readonly Indexer<{ slot: number }>[] = [(v) => v.slot];
export const DECISION_INDEXES: readonly Indexer<SlotProp>[] = [(d) => d.slot, (d) => propKey(d.prop)];
export const DECISION_BY_SLOT = 0;
export const DECISION_BY_PROP = 1;
export const acceptedOf = (x: NodeSpec): PMap<PValue> => PMap.from(x.aAccepted, BY_SLOT);
export const leaderProposalsOf = (x: NodeSpec): PMap<SlotProp> => PMap.from(x.lProposals, BY_SLOT);
export const decisionsOf = (x: NodeSpec): PMap<SlotProp> => PMap.from(x.rDecisions, DECISION_INDEXES);

/** `mark`: the highest low-water mark the counted Promises reported (1: none compacted). */
export interface ScoutSpec { ballot: Ballot; acks: ReadonlySet<number>; pvalues: VSet<PValue>; mark: number }
/** A replica's snapshot: the history executed below `slot` (durable). */
export interface SnapshotSpec { slot: number; executed: ExecSeq }
export const NO_SNAPSHOT: SnapshotSpec = { slot: 1, executed: ExecSeq.EMPTY };
export interface CommanderSpec { ballot: Ballot; slot: number; prop: Proposal; acks: ReadonlySet<number> }

export interface NodeSpec {
  aBallot: Ballot;
  aAccepted: VSet<PValue>;
  /** The acceptor's low-water mark: it keeps pvalues at slots >= aMark only (durable). */
  aMark: number;
  lBallot: Ballot;
  lActive: boolean;
  lProposals: VSet<SlotProp>;
  /** The leader never proposes below this slot (volatile). */
  lMark: number;
  scout: ScoutSpec | null;
  commanders: VSet<CommanderSpec>;
  rSlotIn: number;
  rSlotOut: number;
  rRequests: VSet<Proposal>;
  rProposals: VSet<SlotProp>;
  rDecisions: VSet<SlotProp>;
  /** A sequence; `rExecutedIds` is ExecutedIds(n), the ids of its range, kept alongside for "was p executed". */
  rExecuted: ExecSeq;
  rExecutedIds: ExecutedIds;
  /** The replica's snapshot (durable). */
  rSnap: SnapshotSpec;
}

/**
 * A node state as the fast spec builds it: all of one class, so that they share one hidden
 * class in V8. Built as object spreads in two dozen places, they had fifteen (their fields'
 * types were generalized at different times), and every read of a node's field in the replay
 * was a megamorphic lookup.
 */
class NodeState implements NodeSpec {
  declare aBallot: Ballot;
  declare aAccepted: VSet<PValue>;
  declare aMark: number;
  declare lBallot: Ballot;
  declare rSnap: SnapshotSpec;
  declare lActive: boolean;
  declare lProposals: VSet<SlotProp>;
  declare lMark: number;
  declare scout: ScoutSpec | null;
  declare commanders: VSet<CommanderSpec>;
  declare rSlotIn: number;
  declare rSlotOut: number;
  declare rRequests: VSet<Proposal>;
  declare rProposals: VSet<SlotProp>;
  declare rDecisions: VSet<SlotProp>;
  declare rExecuted: ExecSeq;
  declare rExecutedIds: ExecutedIds;
  constructor(x: NodeSpec) {
    this.aBallot = x.aBallot;
    this.aAccepted = x.aAccepted;
    this.aMark = x.aMark;
    this.lBallot = x.lBallot;
    this.rSnap = x.rSnap;
    this.lActive = x.lActive;
    this.lProposals = x.lProposals;
    this.lMark = x.lMark;
    this.scout = x.scout;
    this.commanders = x.commanders;
    this.rSlotIn = x.rSlotIn;
    this.rSlotOut = x.rSlotOut;
    this.rRequests = x.rRequests;
    this.rProposals = x.rProposals;
    this.rDecisions = x.rDecisions;
    this.rExecuted = x.rExecuted;
    this.rExecutedIds = x.rExecutedIds;
  }
}

/** A copy of node state x: a step copies its node, then sets the fields it changes. */
export const copyNode = (x: NodeSpec): NodeSpec => new NodeState(x);

/** Constants that restrict actions; undefined = unbounded (trace replay of a long run). */
export interface SpecBounds {
  leaderNodes?: ReadonlySet<number>;
  replicaNodes?: ReadonlySet<number>;
  callers?: ReadonlySet<number>;
  requestsPerCaller?: number;
  maxBallot?: number;
  maxSlot?: number;
  maxRestarts?: number;
  /** Nodes whose replica may snapshot; undefined = none (a trace from before checkpoints). */
  checkpointNodes?: ReadonlySet<number>;
  /** BatchMax: the most requests a replica proposes for one slot; undefined = 1 (a trace from before batching). */
  batchMax?: number;
  /** WelcomeParts: the part counts a Welcome may be sent in; undefined = any (a trace replay: the code picks the count from the bytes). */
  welcomeParts?: ReadonlySet<number>;
  /** PromiseParts: the part counts a Promise may be sent in; undefined = any (a trace replay: the code picks the count from the bytes). */
  promiseParts?: ReadonlySet<number>;
}

export interface SpecConfig {
  N: number;
  Window: number;
  bounds: SpecBounds;
  /**
   * A trace replay with a history window (src/trace/replay/historyWindow.ts): a Welcome part
   * holds a range of its sender's history (HistorySegment), not a copy. Absent (off) in the
   * explorer and wherever a spec engine reads the messages.
   */
  historyWindow?: boolean;
}

export interface SpecState {
  msgs: VSet<SpecMessage>;
  invoked: VSet<Proposal>;
  /**
   * Invoked requests a trace replay no longer lists in `invoked`, by id: once no spec run can
   * start from its state, RequesterInvoke's guard (a fresh id) is all that reads them, and
   * ranges of ids cost no memory per request. The spec's invoked is `invoked` plus these.
   * Absent everywhere else.
   */
  invokedForgotten?: ExecutedIds;
  restarts: number;
  nodes: readonly NodeSpec[]; // index 1..N (index 0 unused)
}

export const ZERO_BALLOT: Ballot = { num: 0, leader: 0 };
export const NOOP: Proposal = { caller: 0, clientId: 0, input: 'noop' };
export const NOOP_KEY = propKey(NOOP);

/**
 * Batches (spec/MultiPaxos.tla, "Batches"). A slot decides a batch: the no-op, one request,
 * written as the request itself as before batching, or two or more requests in order, written
 * [batch |-> q] in the spec and { batch: q } here and in traces (the schemas' `batch`). The
 * trace format's TypeScript types still say Proposal for a slot's value, so a longer batch
 * travels in a Proposal-typed field, told apart by its `batch` field (propKey writes it as
 * {"batch":[...]}); the code's own type for it is `Batch` (src/protocol/values.ts).
 */
export interface LongBatch { batch: readonly Proposal[] }
/** The requests of a batch of two or more, or undefined for a request or the no-op. */
export const longBatch = (b: Proposal): readonly Proposal[] | undefined => (b as unknown as Partial<LongBatch>).batch;
const isNoop = (p: Proposal): boolean => p.caller === 0 && p.clientId === 0 && p.input === 'noop';
/** ReqsOf(b): the requests of batch b, in order (none for the no-op). */
export function reqsOf(b: Proposal): readonly Proposal[] {
  const q = longBatch(b);
  if (q !== undefined) return q;
  return isNoop(b) ? [] : [b];
}
/** BatchOf(q): a batch of one request is the request; a longer one is { batch: q }. */
export const batchOf = (q: readonly Proposal[]): Proposal => (q.length === 1 ? q[0]! : ({ batch: q } as unknown as Proposal));
/** InBatch(r, b): request r is one of batch b's. */
export function inBatch(r: Proposal, b: Proposal): boolean {
  const q = longBatch(b);
  if (q === undefined) return !isNoop(b) && propEq(r, b);
  for (const x of q) if (propEq(r, x)) return true;
  return false;
}
/** Batch equality (a request is compared field by field, a longer batch request by request). */
export function batchEq(a: Proposal, b: Proposal): boolean {
  const qa = longBatch(a);
  const qb = longBatch(b);
  if (qa === undefined || qb === undefined) return qa === undefined && qb === undefined && propEq(a, b);
  return qa.length === qb.length && qa.every((x, i) => propEq(x, qb[i]!));
}

export const ballotLt = (a: Ballot, b: Ballot): boolean => a.num < b.num || (a.num === b.num && a.leader < b.leader);
export const ballotEq = (a: Ballot, b: Ballot): boolean => a.num === b.num && a.leader === b.leader;
/** Request equality (format/keys.ts sameRequest), under the name the spec's operators here use. */
export const propEq = sameRequest;

/** commanderKey's text (acks: distinct, sorted as strings) without copying the commander and its acks. */
export const commanderSpecKey = (c: CommanderSpec): string => commanderKeyOf(c.ballot, c.slot, c.prop, c.acks);
export const scoutKey = (s: ScoutSpec | null): string =>
  s === null ? 'null' : `{"acks":${numSetKey(s.acks)},"ballot":${ballotKey(s.ballot)},"mark":${s.mark},"pvalues":${setKey(s.pvalues)}}`;
/** Canonical text of a snapshot (as `canonical` writes `{slot, executed}`: executed is a sequence). */
export const snapshotKey = (r: SnapshotSpec): string => `{"executed":${seqKey(r.executed)},"slot":${r.slot}}`;

export function setOf<T>(items: Iterable<T>, key: (x: T) => string): Map<string, T> {
  const m = new Map<string, T>();
  for (const x of items) m.set(key(x), x);
  return m;
}

export function setKey(s: VSet<unknown>): string {
  if (s.size === 0) return '[]';
  return '[' + [...s.keys()].sort().join(',') + ']';
}

/** A node after a (re)start: the durable state kept, the replica restored from its snapshot. */
export function emptyVolatile(n: number, durable: Pick<NodeSpec, 'aBallot' | 'aAccepted' | 'aMark' | 'lBallot' | 'rSnap'>): NodeSpec {
  return copyNode({
    aBallot: durable.aBallot,
    aAccepted: durable.aAccepted,
    aMark: durable.aMark,
    lBallot: durable.lBallot,
    rSnap: durable.rSnap,
    lActive: false,
    lProposals: PMap.empty<SlotProp>(BY_SLOT),
    lMark: 1,
    scout: null,
    commanders: new Map(),
    rSlotIn: durable.rSnap.slot,
    rSlotOut: durable.rSnap.slot,
    rRequests: new Map(),
    rProposals: new Map(),
    rDecisions: PMap.empty(DECISION_INDEXES),
    rExecuted: durable.rSnap.executed,
    rExecutedIds: idsOf(durable.rSnap.executed),
  });
  void n;
}

export function initialNode(n: number): NodeSpec {
  return emptyVolatile(n, { aBallot: ZERO_BALLOT, aAccepted: PMap.empty<PValue>(BY_SLOT), aMark: 1, lBallot: { num: 0, leader: n }, rSnap: NO_SNAPSHOT });
}

export function initialState(cfg: SpecConfig): SpecState {
  const nodes: NodeSpec[] = [initialNode(0)];
  for (let n = 1; n <= cfg.N; n++) nodes.push(initialNode(n));
  return { msgs: new Map(), invoked: new Map(), restarts: 0, nodes };
}

export function configFromConstants(c: SpecConstants): SpecConfig {
  const bounds: SpecBounds = {};
  if (c.LeaderNodes !== undefined) bounds.leaderNodes = new Set(c.LeaderNodes);
  if (c.ReplicaNodes !== undefined) bounds.replicaNodes = new Set(c.ReplicaNodes);
  if (c.Callers !== undefined) bounds.callers = new Set(c.Callers);
  if (c.RequestsPerCaller !== undefined) bounds.requestsPerCaller = c.RequestsPerCaller;
  if (c.MaxBallot !== undefined) bounds.maxBallot = c.MaxBallot;
  if (c.MaxSlot !== undefined) bounds.maxSlot = c.MaxSlot;
  if (c.MaxRestarts !== undefined) bounds.maxRestarts = c.MaxRestarts;
  if (c.CheckpointNodes !== undefined) bounds.checkpointNodes = new Set(c.CheckpointNodes);
  // Absent (every trace from before batching): 1, each slot decides one request.
  if (c.BatchMax !== undefined) bounds.batchMax = c.BatchMax;
  if (c.WelcomeParts !== undefined) bounds.welcomeParts = new Set(c.WelcomeParts);
  if (c.PromiseParts !== undefined) bounds.promiseParts = new Set(c.PromiseParts);
  return { N: c.N, Window: c.Window, bounds };
}

/** The spec's `Requests` when bounded (callers x 1..RequestsPerCaller x {"op"}): the model's clients. */
export function boundedRequests(cfg: SpecConfig): Proposal[] {
  const out: Proposal[] = [];
  const { callers, requestsPerCaller } = cfg.bounds;
  if (callers === undefined || requestsPerCaller === undefined) return out;
  for (const caller of callers) for (let id = 1; id <= requestsPerCaller; id++) out.push({ caller, clientId: id, input: 'op' });
  return out;
}

/** Canonical text of one node's projection, in the trace's `state` shape (invoked: the node's callers only). */
export function nodeFields(s: SpecState, n: number): Record<keyof NodeStateJson, string> {
  const x = s.nodes[n]!;
  const inv: string[] = [];
  for (const [k, p] of s.invoked) if (p.caller === n) inv.push(k);
  inv.sort();
  return {
    aBallot: ballotKey(x.aBallot),
    aAccepted: setKey(x.aAccepted),
    lBallot: ballotKey(x.lBallot),
    lActive: String(x.lActive),
    lProposals: setKey(x.lProposals),
    scout: scoutKey(x.scout),
    commanders: setKey(x.commanders),
    rSlotIn: String(x.rSlotIn),
    rSlotOut: String(x.rSlotOut),
    rRequests: setKey(x.rRequests),
    rProposals: setKey(x.rProposals),
    rDecisions: setKey(x.rDecisions),
    rExecuted: historyText(x.rExecuted),
    invoked: '[' + inv.join(',') + ']',
    aMark: String(x.aMark),
    lMark: String(x.lMark),
    rSnap: `{"executed":${historyText(x.rSnap.executed)},"slot":${x.rSnap.slot}}`,
  };
}

/**
 * A history's text in a node's fields (a difference to print): seqKey, or, when a trace
 * replay's history window forgot its first requests, how many, then the keys of the rest.
 */
export function historyText(h: ExecSeq): string {
  if (h.base === 0) return seqKey(h);
  let out = `["(the first ${h.base} forgotten)"`;
  for (let i = h.base; i < h.length; i++) out += ',' + propKey(h.get(i));
  return out + ']';
}

/** The node's projection as trace JSON (sets sorted by canonical text). */
export function nodeToJson(s: SpecState, n: number, invoked?: readonly Proposal[]): NodeStateJson {
  const x = s.nodes[n]!;
  const vals = <T>(m: VSet<T>): T[] => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map((e) => e[1]);
  const nums = (xs: ReadonlySet<number>): number[] => [...xs].sort((a, b) => (String(a) < String(b) ? -1 : 1));
  return {
    aBallot: x.aBallot,
    aAccepted: vals(x.aAccepted),
    lBallot: x.lBallot,
    lActive: x.lActive,
    lProposals: vals(x.lProposals),
    scout: x.scout === null ? null : { ballot: x.scout.ballot, acks: nums(x.scout.acks), pvalues: vals(x.scout.pvalues), mark: x.scout.mark },
    commanders: vals(x.commanders).map((c) => ({ ...c, acks: nums(c.acks) })),
    rSlotIn: x.rSlotIn,
    rSlotOut: x.rSlotOut,
    rRequests: vals(x.rRequests),
    rProposals: vals(x.rProposals),
    rDecisions: vals(x.rDecisions),
    rExecuted: x.rExecuted.toArray(),
    invoked: invoked ? vals(setOf(invoked, propKey)) : vals(new Map([...s.invoked].filter(([, p]) => p.caller === n))),
    aMark: x.aMark,
    lMark: x.lMark,
    rSnap: { slot: x.rSnap.slot, executed: x.rSnap.executed.toArray() },
  };
}

export { ballotKey, propKey, pvalueKey, slotPropKey, messageKey };
export { ExecSeq };
