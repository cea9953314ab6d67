/**
 * Protocol values shared by spec, code and traces (docs/protocol.md, "Values").
 * Plain JSON-shaped records so a value can go on the wire or into a trace unchanged.
 */

/** A node id: an integer 1..N. */
export type NodeId = number;

/** A ballot `<<num, leader>>`, ordered lexicographically. */
export interface Ballot {
  readonly num: number;
  readonly leader: NodeId;
}

/** A client request `<<caller, clientId, input>>`; `input` is opaque to the protocol. */
export interface Proposal {
  readonly caller: NodeId;
  readonly clientId: number;
  readonly input: string;
}

/** Two or more distinct requests decided in one slot, run in this order (spec `[batch |-> q]`). */
export interface LongBatch {
  readonly batch: readonly Proposal[];
}

/**
 * What a slot decides (the spec's `Proposal`, "Batches"): the no-op, one request written as
 * the request itself, or a {@link LongBatch}. With batches of one (the default) every value on
 * the wire and in traces is the one from before batching.
 */
export type Batch = Proposal | LongBatch;

/** A pvalue `[ballot, slot, prop]`: what an acceptor accepted. */
export interface PValue {
  readonly ballot: Ballot;
  readonly slot: number;
  readonly prop: Batch;
}

/** A `[slot, prop]` pair: the shape of decisions, leader proposals and replica proposals. */
export interface SlotProp {
  readonly slot: number;
  readonly prop: Batch;
}

/** `<<0, 0>>`: below every real ballot (the initial promise of an acceptor). */
export const BOTTOM_BALLOT: Ballot = Object.freeze({ num: 0, leader: 0 });

/** The no-op `<<0, 0, "noop">>` a replica proposes to fill a gap. */
export const NOOP: Proposal = Object.freeze({ caller: 0, clientId: 0, input: 'noop' });

/** A real leader's first ballot is `<<0, self>>`. */
export function firstBallot(leader: NodeId): Ballot {
  return { num: 0, leader };
}

/** Lexicographic comparison: negative if a < b, 0 if equal, positive if a > b. */
export function compareBallots(a: Ballot, b: Ballot): number {
  return a.num !== b.num ? a.num - b.num : a.leader - b.leader;
}

/** True when ballot `a` is below `b` (by `num`, then `leader`). */
export function ballotLess(a: Ballot, b: Ballot): boolean {
  return compareBallots(a, b) < 0;
}

/** True when the two ballots are the same ballot. */
export function ballotEquals(a: Ballot, b: Ballot): boolean {
  return a.num === b.num && a.leader === b.leader;
}

/** The higher of two ballots. */
export function maxBallot(a: Ballot, b: Ballot): Ballot {
  return ballotLess(a, b) ? b : a;
}

/** True when the proposals have the same caller, client id and input. */
export function proposalEquals(a: Proposal, b: Proposal): boolean {
  return a.caller === b.caller && a.clientId === b.clientId && a.input === b.input;
}

/** True for the no-op proposal a replica uses to fill a gap (`NOOP`). */
export function isNoop(p: Batch): boolean {
  return !isLongBatch(p) && proposalEquals(p, NOOP);
}

/** True for a batch of two or more requests. */
export function isLongBatch(b: Batch): b is LongBatch {
  return (b as Partial<LongBatch>).batch !== undefined;
}

/** BatchOf(q): a batch of one request is the request itself; a longer one is `{ batch: q }`. */
export function batchOf(q: readonly Proposal[]): Batch {
  if (q.length === 0) throw new Error('batchOf: a batch holds at least one request');
  return q.length === 1 ? q[0]! : { batch: q };
}

/** ReqsOf(b): the requests of a batch, in order; none for the no-op. */
export function requestsOf(b: Batch): readonly Proposal[] {
  if (isLongBatch(b)) return b.batch;
  return isNoop(b) ? [] : [b];
}

/** InBatch(r, b): request `r` is one of batch `b`'s. */
export function inBatch(r: Proposal, b: Batch): boolean {
  if (isLongBatch(b)) return b.batch.some((p) => proposalEquals(p, r));
  return proposalEquals(b, r);
}

/** True when the batches hold the same requests in the same order. */
export function batchEquals(a: Batch, b: Batch): boolean {
  const la = isLongBatch(a);
  if (la !== isLongBatch(b)) return false;
  if (!la) return proposalEquals(a, b as Proposal);
  const qa = a.batch;
  const qb = (b as LongBatch).batch;
  return qa.length === qb.length && qa.every((p, i) => proposalEquals(p, qb[i]!));
}

/** A stable text key for a batch (a request's key is {@link proposalKey}'s). */
export function batchKey(b: Batch): string {
  return isLongBatch(b) ? JSON.stringify(b.batch.map((p) => [p.caller, p.clientId, p.input])) : proposalKey(b);
}

/**
 * The first slot with two pvalues of one ballot and different batches, or undefined. No correct
 * run makes such a pair (a ballot's leader proposes one batch per slot), so it comes from a
 * forged or corrupt Promise; a leader adopting both would have to choose between them.
 */
export function conflictingPValueSlot(pvalues: Iterable<PValue>): number | undefined {
  const seen = new Map<string, Batch>();
  for (const pv of pvalues) {
    const key = `${ballotKey(pv.ballot)}@${pv.slot}`;
    const other = seen.get(key);
    if (other === undefined) seen.set(key, pv.prop);
    else if (!batchEquals(other, pv.prop)) return pv.slot;
  }
  return undefined;
}

/** A fresh deep copy of a batch. */
export function copyBatch(b: Batch): Batch {
  return isLongBatch(b) ? { batch: b.batch.map(copyProposal) } : copyProposal(b);
}

/** A request's identity: `(caller, clientId)`; the input is not part of it. */
export function requestKey(p: Proposal): string {
  return `${p.caller}:${p.clientId}`;
}

/**
 * A stable text key for a proposal (identity and input), e.g. for sets. Caller and client id
 * are integers, so `caller:clientId:` ends at the second colon and the key is one-to-one
 * (and cheap: no JSON escaping of the input on every lookup).
 */
export function proposalKey(p: Proposal): string {
  return `${p.caller}:${p.clientId}:${p.input}`;
}

/** A string that identifies a ballot, for use as a map key. */
export function ballotKey(b: Ballot): string {
  return `${b.num}.${b.leader}`;
}

/** Fresh copies, so no role ever holds an object another node (or the caller) can mutate. */
export function copyBallot(b: Ballot): Ballot {
  return { num: b.num, leader: b.leader };
}

/** A fresh copy of a proposal (nodes never share objects with their host). */
export function copyProposal(p: Proposal): Proposal {
  return { caller: p.caller, clientId: p.clientId, input: p.input };
}

/** A fresh deep copy of a pvalue. */
export function copyPValue(pv: PValue): PValue {
  return { ballot: copyBallot(pv.ballot), slot: pv.slot, prop: copyBatch(pv.prop) };
}

/** A fresh deep copy of a (slot, proposal) pair. */
export function copySlotProp(sp: SlotProp): SlotProp {
  return { slot: sp.slot, prop: copyBatch(sp.prop) };
}

/** Is `acks` (distinct node ids) a quorum of `n` nodes, i.e. `2 * |acks| > n`? */
export function isQuorum(ackCount: number, clusterSize: number): boolean {
  return 2 * ackCount > clusterSize;
}
