/**
 * What the trace says each node's state is. An event carries either the full `state` or a
 * `delta` against the node's previous event (fields absent are unchanged; a set field lists
 * what was added and removed; rExecuted what was appended, or its new value after a reset).
 * The view holds set fields as the sets of their elements' canonical keys, scalars as values,
 * rExecuted and the snapshot's history as the spec's sequence they were last found equal to
 * and the keys appended since (historyView.ts); comparing with the spec's state is hash lookups, no
 * sorting, and the view holds O(spec state) whatever the trace length. Against the fast spec's
 * persistent sets, a comparison looks only at the keys changed since the last one (the
 * delta's and the spec step's), so an event costs what it changes, not the size of the sets.
 *
 * A delta is applied in place: replay stops at the first event that fails, so the view
 * before a failed event is never needed again (a NodeView that failed to apply is dropped).
 */
import type { Ballot, NodeStateJson, Proposal, PValue, SlotProp } from '../format/types.js';
import { ballotKey, commanderKey, propKey, pvalueKey, slotPropKey } from '../format/keys.js';
import type { NodeSpec, ScoutSpec } from '../spec/specState.js';
import { scoutKey } from '../spec/specState.js';
import { PMap, PSet } from '../spec/pmap.js';
import { isHistoryLength, SCALAR_FIELDS, SET_FIELDS, type StateDelta } from '../format/types.js';
import { HistoryView } from './historyView.js';
import { ExecSeq } from '../spec/execSeq.js';

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
  /** The snapshot: its slot and its history. */
  snapSlot = 1;
  snap: HistoryView = HistoryView.ofKeys([]);
  /** Canonical text of the scout (null: "null"). */
  scout = 'null';
  /** Per set field (SET_FIELDS order): the keys of its elements. */
  readonly sets: Set<string>[] = [];
  /** rExecuted. */
  executed: HistoryView = HistoryView.ofKeys([]);
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
    v.executed = historyView(state.rExecuted);
    v.snapSlot = state.rSnap.slot;
    v.snap = historyView(state.rSnap.executed);
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
            // A history the replay holds (a window's install, welcomeHistories.ts): viewed as it is.
            const reset = ex.reset as unknown;
            this.executed = reset instanceof ExecSeq ? HistoryView.ofSeq(reset) : HistoryView.ofKeys(ex.reset.map(propKey));
          }
          if (ex.truncate !== undefined) {
            try { this.executed.truncate(ex.truncate); } catch (e) { throw shapeError(e); }
          }
          if (ex.append !== undefined) this.executed.append(ex.append.map(propKey));
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
    // The snapshot's history is a prefix of rExecuted as this event leaves it.
    if (d.rSnap !== undefined) {
      const length = d.rSnap.executedLength;
      try { this.snap = this.executed.prefix(length); } catch (e) { throw shapeError(e); }
      this.snapSlot = d.rSnap.slot;
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

  /** Whether the trace's `invoked` holds the request with key k. */
  hasInvoked(k: string): boolean {
    return this.sets[INVOKED]!.has(k);
  }

  /** The keys of `invoked` the trace's deltas changed since it was last found equal (its removals among them). */
  invokedChanged(): ReadonlySet<string> {
    return this.pending[INVOKED]!;
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
    out.rExecuted = '[' + this.executed.keys().join(',') + ']';
    out.aMark = JSON.stringify(this.aMark);
    out.lMark = JSON.stringify(this.lMark);
    out.rSnap = `{"executed":[${this.snap.keys().join(',')}],"slot":${this.snapSlot}}`;
    return out;
  }
}

/** A whole state's history: listed, or the replay's own sequence (a restart's by length in a windowed replay, restartHistories.ts). */
const historyView = (xs: readonly Proposal[]): HistoryView =>
  (xs as unknown) instanceof ExecSeq ? HistoryView.ofSeq(xs as unknown as ExecSeq) : HistoryView.ofKeys(xs.map(propKey));

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
  // Only when it holds something: clearing a Set allocates its table anew.
  if (pending.size > 0) pending.clear();
  return true;
}

function sameScout(view: NodeView, s: ScoutSpec | null): boolean {
  if (s === null) return view.scout === 'null';
  if (view.verifiedScout === s) return true;
  if (view.scout !== scoutKey(s)) return false;
  view.verifiedScout = s;
  return true;
}

/** Does the trace's view of node n equal the spec's node state (with the node's invoked)? */
export function viewMatches(view: NodeView, x: NodeSpec, invoked: ReadonlySet<string>): boolean {
  return view.rSlotIn === x.rSlotIn && view.rSlotOut === x.rSlotOut && view.lActive === x.lActive
    && view.aMark === x.aMark && view.lMark === x.lMark
    && sameBallot(view.aBallot, x.aBallot) && sameBallot(view.lBallot, x.lBallot) && sameScout(view, x.scout)
    && sameSet(view, A_ACCEPTED, x.aAccepted) && sameSet(view, L_PROPOSALS, x.lProposals) && sameSet(view, COMMANDERS, x.commanders)
    && sameSet(view, R_REQUESTS, x.rRequests) && sameSet(view, R_PROPOSALS, x.rProposals) && sameSet(view, R_DECISIONS, x.rDecisions)
    && sameSet(view, INVOKED, invoked) && view.executed.matches(x.rExecuted) && view.snapSlot === x.rSnap.slot && view.snap.matches(x.rSnap.executed);
}

/**
 * A history view's RangeError as the trace's shape (other errors as they are). Thrown from
 * catch blocks in apply, not through a callback: an arrow capturing `this` made every apply
 * allocate a context for it, event after event.
 */
function shapeError(e: unknown): unknown {
  return e instanceof RangeError ? new TraceShapeError(e.message) : e;
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
  /** The keys of rDecisions the event leaves its node's view with, the view left as it is. */
  decisionsAfter(ev: { node: number; state?: NodeStateJson; delta?: StateDelta }): ReadonlySet<string> {
    if (ev.state !== undefined) return new Set(ev.state.rDecisions.map(slotPropKey));
    const keys = new Set(this.current(ev.node).sets[R_DECISIONS]);
    const change = ev.delta?.rDecisions as { add?: SlotProp[]; remove?: SlotProp[] } | undefined;
    for (const d of change?.remove ?? []) keys.delete(slotPropKey(d));
    for (const d of change?.add ?? []) keys.add(slotPropKey(d));
    return keys;
  }
}

export type { SlotProp };
