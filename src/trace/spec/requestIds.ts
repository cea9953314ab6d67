/**
 * Sets of request ids (caller, clientId), the spec's ReqId: a replica's ExecutedIds(n), and the
 * ids RequesterInvoke's guard tests among the invoked requests. Each is an immutable value. A
 * caller's ids are an IdRanges (the code's own set of ranges), so the set is as large as the
 * gaps in what was executed, not as the history: a caller numbers its requests 1, 2, 3, ... and
 * each is executed, so at a steady state a caller's ids are one range.
 *
 * Adding ids copies only the ranges of their caller (`IdRanges.with`) and the small map of
 * callers; every other version keeps its own (values are never mutated), as the explorer's many
 * successors of one state need.
 */
import type { Proposal } from '../format/types.js';
import type { ExecSeq } from './execSeq.js';
import { propKey } from '../format/keys.js';
import { IdRanges } from '../../util/idRanges.js';

export class ExecutedIds {
  private constructor(private readonly byCaller: ReadonlyMap<number, IdRanges>) {}

  static readonly EMPTY: ExecutedIds = new ExecutedIds(new Map());

  /** The ids of `ps` (a history). */
  static of(ps: Iterable<Proposal>): ExecutedIds {
    let out = ExecutedIds.EMPTY;
    for (const p of ps) out = out.with(p);
    return out;
  }

  /** An ExecutedIds again after a structured clone (a thread crossing keeps the fields and drops the classes). */
  static revive(x: ExecutedIds | { readonly byCaller: ReadonlyMap<number, IdRanges> }): ExecutedIds {
    if (x instanceof ExecutedIds) return x;
    const byCaller = new Map<number, IdRanges>();
    for (const [caller, r] of x.byCaller) byCaller.set(caller, IdRanges.revive(r));
    return new ExecutedIds(byCaller);
  }

  has(p: Proposal): boolean {
    return this.byCaller.get(p.caller)?.has(p.clientId) ?? false;
  }

  /** This set with p's id added (this, when it holds it already). */
  with(p: Proposal): ExecutedIds {
    const r = this.byCaller.get(p.caller) ?? NO_IDS;
    const next = r.with(p.clientId);
    if (next === r) return this;
    return new ExecutedIds(new Map(this.byCaller).set(p.caller, next));
  }

  withAll(ps: readonly Proposal[]): ExecutedIds {
    let out: ExecutedIds = this;
    for (const p of ps) out = out.with(p);
    return out;
  }

  /** How many ranges it keeps in all: what its memory is proportional to. */
  get ranges(): number {
    let k = 0;
    for (const r of this.byCaller.values()) k += r.rangeCount;
    return k;
  }
}

/** A caller with no ids yet (never changed: `with` copies). */
const NO_IDS = new IdRanges();

/**
 * Remembers the ids of a history version a step made: a restart restores a snapshot's history,
 * usually a version whose ids are known, without walking it again.
 */
export function rememberIds(seq: ExecSeq, ids: ExecutedIds): void {
  seq.idsCache = ids;
}

/** ExecutedIds of a history: cached when a step made it, else computed (O(its length)). */
export function idsOf(seq: ExecSeq): ExecutedIds {
  let ids = seq.idsCache as ExecutedIds | undefined;
  if (ids === undefined) seq.idsCache = ids = ExecutedIds.of(seq);
  return ids;
}

/**
 * The ids of each `invoked` set (a weak cache, checked by size): RequesterInvoke asks whether r's
 * id was invoked, which the set, keyed by whole requests, cannot answer without a walk.
 */
const INVOKED_IDS = new WeakMap<ReadonlyMap<string, Proposal>, { size: number; ids: ExecutedIds }>();

function invokedIds(invoked: ReadonlyMap<string, Proposal>): ExecutedIds {
  let c = INVOKED_IDS.get(invoked);
  if (c === undefined || c.size !== invoked.size) INVOKED_IDS.set(invoked, (c = { size: invoked.size, ids: ExecutedIds.of(invoked.values()) }));
  return c.ids;
}

/** Whether a request with r's id was invoked: `\E q \in invoked : ReqId(q) = ReqId(r)`. */
export const idInvoked = (invoked: ReadonlyMap<string, Proposal>, r: Proposal): boolean => invokedIds(invoked).has(r);

/** A new invoked set: `invoked` with r. */
export function withInvoked(invoked: ReadonlyMap<string, Proposal>, r: Proposal): Map<string, Proposal> {
  const ids = invokedIds(invoked);
  const next = new Map(invoked).set(propKey(r), r);
  INVOKED_IDS.set(next, { size: next.size, ids: ids.with(r) });
  return next;
}

/** Adds r to `invoked` in place (a trace replay's own state). */
export function addInvoked(invoked: Map<string, Proposal>, r: Proposal): void {
  const ids = invokedIds(invoked);
  invoked.set(propKey(r), r);
  INVOKED_IDS.set(invoked, { size: invoked.size, ids: ids.with(r) });
}
