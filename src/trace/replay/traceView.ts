/**
 * What the trace says each node's state is. An event carries either the full `state` or a
 * `delta` against the node's previous event (fields absent are unchanged; a set field lists
 * what was added and removed; rExecuted what was appended, or its new value after a reset).
 * The view holds set fields as the sets of their elements' canonical keys, scalars as values,
 * rExecuted as the keys of its elements; comparing with the spec's state is hash lookups, no
 * sorting, and the view holds O(spec state) whatever the trace length. Against the fast spec's
 * persistent sets, a comparison looks only at the keys changed since the last one (the
 * delta's and the spec step's), so an event costs what it changes, not the size of the sets.
 *
 * A delta is applied in place: replay stops at the first event that fails, so the view
 * before a failed event is never needed again (a NodeView that failed to apply is dropped).
 */
import type { Ballot, NodeStateJson, Proposal, PValue, SlotProp } from '../format/types.js';
import { ballotKey, commanderKey, propKey, pvalueKey, slotPropKey } from '../format/keys.js';
import type { ExecSeq, NodeSpec, ScoutSpec, SnapshotSpec } from '../spec/specState.js';
import { scoutKey } from '../spec/specState.js';
import { PMap, PSet } from '../spec/pmap.js';
import { isHistoryLength, SCALAR_FIELDS, SET_FIELDS, type StateDelta } from '../format/types.js';
import { truncated } from '../format/deltaEncoder.js';

export { SCALAR_FIELDS, SET_FIELDS, type StateDelta };

type SetField = (typeof SET_FIELDS)[number];
type ScalarField = (typeof SCALAR_FIELDS)[number];

const ELEMENT_KEY: Record<SetField, (x: never) => string> = {
  aAccepted: pvalueKey as (x: never) => string,
  lProposals: slotPropKey as (x: never) => string,
  commanders: commanderKey as (x: never) => string,
  rRequests: propKey as (x: never) => string,
  rProposals: slotPropKey as (x: never) => string,
  rDecisions: slotPropKey as (x: never) => string,
  invoked: propKey as (x: never) => string,
};

function scoutText(v: NodeStateJson['scout']): string {
  if (v === null) return 'null';
  return scoutKey({ ballot: v.ballot, acks: new Set(v.acks), pvalues: new Map(v.pvalues.map((p: PValue) => [pvalueKey(p), p])), mark: v.mark });
}

export class TraceShapeError extends Error {}

/** Set fields by index (SET_FIELDS order): the view keeps per-field data in arrays, not records keyed by name. */
const A_ACCEPTED = 0; const L_PROPOSALS = 1; const COMMANDERS = 2; const R_REQUESTS = 3;
const R_PROPOSALS = 4; const R_DECISIONS = 5; const INVOKED = 6;
const FIELD_COUNT = SET_FIELDS.length;
const FIELD_INDEX: ReadonlyMap<string, number> = new Map(SET_FIELDS.map((f, i) => [f, i]));
const KEY_BY_INDEX: ReadonlyArray<(x: never) => string> = SET_FIELDS.map((f) => ELEMENT_KEY[f]);

export class NodeView {
  aBallot: Ballot = { num: 0, leader: 0 };
  lBallot: Ballot = { num: 0, leader: 0 };
  lActive = false;
  rSlotIn = 1;
  rSlotOut = 1;
  aMark = 1;
  lMark = 1;
  /**
   * The snapshot: its slot, and its history as the first `snapLength` keys of `snapKeys`, an
   * array `executed` was (or still is). Entries below `snapLength` of such an array never change:
   * `executed` is only appended to in place; truncate and reset put a new array there.
   */
  snapSlot = 1;
  snapKeys: string[] = [];
  snapLength = 0;
  /** The spec's snapshot history the view's was found equal to; cleared whenever the view's changes. */
  verifiedSnap: ExecSeq | undefined = undefined;
  /** Canonical text of the scout (null: "null"). */
  scout = 'null';
  /** Per set field (SET_FIELDS order): the keys of its elements. */
  readonly sets: Set<string>[] = [];
  /** Keys of rExecuted's elements, in order. */
  executed: string[] = [];
  /**
   * Per set field: a spec value the field was found equal to (never mutated once built), and
   * the keys the trace's deltas changed since then (the field equals the verified value
   * outside them). Comparing with a later version of the same persistent set then looks only
   * at the keys either side changed; with the same value and no pending key, at nothing.
   * The pending sets are cleared, not replaced, once verified: most events change a field,
   * and a new Set per change was garbage on every event.
   */
  readonly verified: unknown[] = new Array<unknown>(FIELD_COUNT).fill(undefined);
  readonly pending: Set<string>[] = Array.from({ length: FIELD_COUNT }, () => new Set<string>());
  /** The scout the view's scout text was found equal to; cleared whenever the trace's scout changes. */
  verifiedScout: ScoutSpec | undefined = undefined;
  /** A spec sequence the first elements of `executed` were found equal to (appending keeps that true). */
  executedPrefix: ExecSeq | null = null;
  /**
   * How many first keys of `executed` are known equal to executedPrefix's elements: all of
   * them once compared; a truncation lowers it (keys appended after it were never compared).
   */
  executedVerified = 0;

  static fromJson(state: NodeStateJson): NodeView {
    const v = new NodeView();
    v.aBallot = state.aBallot;
    v.lBallot = state.lBallot;
    v.lActive = state.lActive;
    v.rSlotIn = state.rSlotIn;
    v.rSlotOut = state.rSlotOut;
    v.aMark = state.aMark;
    v.lMark = state.lMark;
    v.scout = scoutText(state.scout);
    for (let i = 0; i < FIELD_COUNT; i++) v.sets.push(new Set((state[SET_FIELDS[i]!] as never[]).map(KEY_BY_INDEX[i]!)));
    v.executed = state.rExecuted.map(propKey);
    v.snapSlot = state.rSnap.slot;
    v.snapKeys = state.rSnap.executed.map(propKey);
    v.snapLength = v.snapKeys.length;
    return v;
  }

  /** Applies a delta in place (the caller drops the view if it throws). */
  apply(d: StateDelta): void {
    // Only the fields the delta names (usually one or two): no lookup of the absent ones.
    for (const f in d) {
      switch (f) {
        case 'aBallot': if (d.aBallot !== undefined) this.aBallot = d.aBallot; break;
        case 'lBallot': if (d.lBallot !== undefined) this.lBallot = d.lBallot; break;
        case 'lActive': if (d.lActive !== undefined) this.lActive = d.lActive; break;
        case 'scout': this.scout = scoutText(d.scout!); this.verifiedScout = undefined; break;
        case 'rSlotIn': if (d.rSlotIn !== undefined) this.rSlotIn = d.rSlotIn; break;
        case 'rSlotOut': if (d.rSlotOut !== undefined) this.rSlotOut = d.rSlotOut; break;
        case 'aMark': if (d.aMark !== undefined) this.aMark = d.aMark; break;
        case 'lMark': if (d.lMark !== undefined) this.lMark = d.lMark; break;
        case 'rExecuted': {
          const ex = d.rExecuted;
          if (ex === undefined) break;
          if (ex.reset !== undefined) {
            // By length only where a Welcome is installed, which the checker resolved first (welcomeHistories.ts).
            if (isHistoryLength(ex.reset)) throw new TraceShapeError('rExecuted reset by length outside a Welcome install');
            this.executed = ex.reset.map(propKey); this.executedPrefix = null; this.executedVerified = 0;
          }
          if (ex.truncate !== undefined) {
            this.executed = truncatedKeys(this.executed, ex.truncate);
            this.executedVerified = Math.min(this.executedVerified, this.executed.length);
          }
          if (ex.append !== undefined) for (const p of ex.append) this.executed.push(propKey(p));
          break;
        }
        case 'rSnap': break; // after rExecuted's change, whatever the key order (below)
        default: {
          const i = FIELD_INDEX.get(f);
          const change = (d as Record<string, { add?: unknown[]; remove?: unknown[] } | undefined>)[f];
          if (i === undefined || change === undefined) break;
          this.applySet(i, change);
        }
      }
    }
    // The snapshot's history is a prefix of rExecuted as this event leaves it: shared, not copied.
    if (d.rSnap !== undefined) {
      if (d.rSnap.executedLength > this.executed.length) {
        throw new TraceShapeError(`delta's rSnap holds the first ${d.rSnap.executedLength} elements of rExecuted, which has ${this.executed.length}`);
      }
      this.snapSlot = d.rSnap.slot;
      this.snapKeys = this.executed;
      this.snapLength = d.rSnap.executedLength;
      this.verifiedSnap = undefined;
    }
  }

  private applySet(i: number, change: { add?: unknown[]; remove?: unknown[] }): void {
    const f = SET_FIELDS[i]!;
    const key = KEY_BY_INDEX[i]!;
    const set = this.sets[i]!;
    const pending = this.pending[i]!;
    // Removals first: a delta that replaces an element (a commander's acks) removes, then adds.
    if (change.remove !== undefined) {
      for (const x of change.remove) {
        const k = key(x as never);
        if (!set.delete(k)) throw new TraceShapeError(`delta removes ${k} from ${f}, which does not hold it`);
        pending.add(k);
      }
    }
    if (change.add !== undefined) {
      for (const x of change.add) {
        const k = key(x as never);
        // One hash lookup, not two (has, then add): a set that did not grow already held k.
        const size = set.size;
        if (set.add(k).size === size) throw new TraceShapeError(`delta adds ${k} to ${f}, which already holds it`);
        pending.add(k);
      }
    }
  }

  /** Canonical texts per field (for printing a difference). */
  fields(): Record<string, string> {
    const out: Record<string, string> = {};
    out.aBallot = ballotKey(this.aBallot);
    out.lBallot = ballotKey(this.lBallot);
    out.lActive = JSON.stringify(this.lActive);
    out.scout = this.scout;
    out.rSlotIn = JSON.stringify(this.rSlotIn);
    out.rSlotOut = JSON.stringify(this.rSlotOut);
    for (let i = 0; i < FIELD_COUNT; i++) out[SET_FIELDS[i]!] = '[' + [...this.sets[i]!].sort().join(',') + ']';
    out.rExecuted = '[' + this.executed.join(',') + ']';
    out.aMark = JSON.stringify(this.aMark);
    out.lMark = JSON.stringify(this.lMark);
    out.rSnap = `{"executed":[${this.snapKeys.slice(0, this.snapLength).join(',')}],"slot":${this.snapSlot}}`;
    return out;
  }
}

const sameBallot = (a: Ballot, b: Ballot): boolean => a.num === b.num && a.leader === b.leader;

const persistent = (s: unknown): PMap<unknown> | null => (s instanceof PMap ? s : s instanceof PSet ? (s.map as unknown as PMap<unknown>) : null);

function sameSet(view: NodeView, i: number, spec: ReadonlyMap<string, unknown> | ReadonlySet<string>): boolean {
  const verified = view.verified[i];
  const pending = view.pending[i]!;
  // Neither side changed since the field was last found equal: nothing to look at.
  if (verified === spec && pending.size === 0) return true;
  const trace = view.sets[i]!;
  if (spec.size !== trace.size) return false;
  // The keys at which spec and the verified value may differ (null: unknown, compare all).
  let changed: readonly string[] | null = null;
  if (verified === spec) changed = [];
  else {
    const a = persistent(verified); const b = persistent(spec);
    if (a !== null && b !== null) changed = a.changedKeys(b);
  }
  if (changed !== null) {
    // Outside `changed` and `pending`, trace = verified = spec.
    for (let j = 0; j < changed.length; j++) { const k = changed[j]!; if (spec.has(k) !== trace.has(k)) return false; }
    for (const k of pending) if (spec.has(k) !== trace.has(k)) return false;
  } else {
    for (const k of trace) if (!spec.has(k)) return false;
  }
  view.verified[i] = spec;
  pending.clear();
  return true;
}

function sameScout(view: NodeView, s: ScoutSpec | null): boolean {
  if (s === null) return view.scout === 'null';
  if (view.verifiedScout === s) return true;
  if (view.scout !== scoutKey(s)) return false;
  view.verifiedScout = s;
  return true;
}

/**
 * A spec step that appends copies the sequence, sharing its elements: an element identical to
 * the one at the same index of the sequence last verified needs no key.
 */
function sameExecuted(view: NodeView, xs: ExecSeq): boolean {
  const ks = view.executed;
  if (ks.length !== xs.length) return false;
  const prev = view.executedPrefix;
  // Keys of the view at and after `verified` were never compared with prev (appended, or
  // appended after a truncation).
  const verified = prev === null ? 0 : view.executedVerified;
  if (prev === xs && verified === ks.length) return true;
  // A later version of the history prev was (an execute appended to it) shares its elements:
  // only what was appended is compared, so a long replay does not compare its whole history.
  for (let i = prev === null ? 0 : Math.min(prev.sharedPrefix(xs), verified); i < ks.length; i++) {
    const x = xs.get(i);
    if (prev !== null && i < verified && x === prev.get(i)) continue;
    if (ks[i] !== propKey(x)) return false;
  }
  view.executedPrefix = xs;
  view.executedVerified = ks.length;
  return true;
}

/**
 * The snapshot: O(1) when neither side changed since it was last found equal; else its
 * history element by element, skipping those shared with the spec sequence `executed` was
 * last found equal to (a snapshot copies rExecuted, so at a ReplicaSnapshot that is all of them).
 */
function sameSnap(view: NodeView, r: SnapshotSpec): boolean {
  const xs = r.executed;
  if (view.snapSlot !== r.slot || view.snapLength !== xs.length) return false;
  if (view.verifiedSnap === xs) return true;
  const keys = view.snapKeys;
  // When the snapshot's keys are `executed` itself, its i-th key is propKey(prev[i]) (sameExecuted).
  const prev = keys === view.executed ? view.executedPrefix : null;
  for (let i = prev === null ? 0 : prev.sharedPrefix(xs); i < xs.length; i++) {
    const x = xs.get(i);
    if (prev !== null && i < prev.length && x === prev.get(i)) continue;
    if (keys[i] !== propKey(x)) return false;
  }
  view.verifiedSnap = xs;
  return true;
}

/** Does the trace's view of node n equal the spec's node state (with the node's invoked)? */
export function viewMatches(view: NodeView, x: NodeSpec, invoked: ReadonlySet<string>): boolean {
  return view.rSlotIn === x.rSlotIn && view.rSlotOut === x.rSlotOut && view.lActive === x.lActive
    && view.aMark === x.aMark && view.lMark === x.lMark
    && sameBallot(view.aBallot, x.aBallot) && sameBallot(view.lBallot, x.lBallot) && sameScout(view, x.scout)
    && sameSet(view, A_ACCEPTED, x.aAccepted) && sameSet(view, L_PROPOSALS, x.lProposals) && sameSet(view, COMMANDERS, x.commanders)
    && sameSet(view, R_REQUESTS, x.rRequests) && sameSet(view, R_PROPOSALS, x.rProposals) && sameSet(view, R_DECISIONS, x.rDecisions)
    && sameSet(view, INVOKED, invoked) && sameExecuted(view, x.rExecuted) && sameSnap(view, x.rSnap);
}

/** A new array (a snapshot may share the old one): the first k keys. */
function truncatedKeys(keys: string[], k: number): string[] {
  try {
    return truncated(keys, k);
  } catch (e) {
    throw new TraceShapeError((e as Error).message);
  }
}

/** Per node, the trace's current view; a node's first view starts from the spec's Init. */
export class TraceViews {
  private readonly views = new Map<number, NodeView>();
  constructor(private readonly initial: (n: number) => NodeStateJson) {}
  current(n: number): NodeView {
    let v = this.views.get(n);
    if (!v) { v = NodeView.fromJson(this.initial(n)); this.views.set(n, v); }
    return v;
  }
  /**
   * The view after the event: a new one for a full state, else the node's own view with the
   * delta applied in place. Not committed until the event matches (commit); if the event
   * fails, replay stops and the view is not used again.
   */
  after(ev: { node: number; state?: NodeStateJson; delta?: StateDelta }): NodeView {
    if (ev.state !== undefined) return NodeView.fromJson(ev.state);
    const v = this.current(ev.node);
    v.apply(ev.delta ?? {});
    return v;
  }
  commit(n: number, v: NodeView): void {
    this.views.set(n, v);
  }
}

export type { SlotProp };
