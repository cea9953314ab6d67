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
import type { NodeSpec, ScoutSpec } from '../spec/specState.js';
import { scoutKey } from '../spec/specState.js';
import { PMap, PSet } from '../spec/pmap.js';
import { SCALAR_FIELDS, SET_FIELDS, type StateDelta } from '../format/types.js';

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
  return scoutKey({ ballot: v.ballot, acks: new Set(v.acks), pvalues: new Map(v.pvalues.map((p: PValue) => [pvalueKey(p), p])) });
}

export class TraceShapeError extends Error {}

/** Per field, the spec value (never mutated once built) the view's field was last found equal to. */
type Verified = Partial<Record<SetField | 'scout', unknown>>;

export class NodeView {
  aBallot: Ballot = { num: 0, leader: 0 };
  lBallot: Ballot = { num: 0, leader: 0 };
  lActive = false;
  rSlotIn = 1;
  rSlotOut = 1;
  /** Canonical text of the scout (null: "null"). */
  scout = 'null';
  readonly sets = {} as Record<SetField, Set<string>>;
  /** Keys of rExecuted's elements, in order. */
  executed: string[] = [];
  /**
   * Per set field: a spec value the field was found equal to, and the keys the trace's
   * deltas changed since then (the field equals the verified value outside them). Comparing
   * with a later version of the same persistent set then looks only at the keys either side
   * changed. The scout's entry is cleared whenever the scout changes.
   */
  verified: Verified = {};
  pending: Partial<Record<SetField, Set<string>>> = {};
  /** A spec sequence the first elements of `executed` were found equal to (appending keeps that true). */
  executedPrefix: readonly Proposal[] | null = null;

  static fromJson(state: NodeStateJson): NodeView {
    const v = new NodeView();
    v.aBallot = state.aBallot;
    v.lBallot = state.lBallot;
    v.lActive = state.lActive;
    v.rSlotIn = state.rSlotIn;
    v.rSlotOut = state.rSlotOut;
    v.scout = scoutText(state.scout);
    for (const f of SET_FIELDS) v.sets[f] = new Set((state[f] as never[]).map(ELEMENT_KEY[f]));
    v.executed = state.rExecuted.map(propKey);
    return v;
  }

  /** Applies a delta in place (the caller drops the view if it throws). */
  apply(d: StateDelta): void {
    if (d.aBallot !== undefined) this.aBallot = d.aBallot;
    if (d.lBallot !== undefined) this.lBallot = d.lBallot;
    if (d.lActive !== undefined) this.lActive = d.lActive;
    if ('scout' in d) { this.scout = scoutText(d.scout!); this.verified.scout = undefined; }
    if (d.rSlotIn !== undefined) this.rSlotIn = d.rSlotIn;
    if (d.rSlotOut !== undefined) this.rSlotOut = d.rSlotOut;
    for (const f of SET_FIELDS) {
      const change = d[f];
      if (change === undefined) continue;
      const set = this.sets[f];
      const pending = this.pending[f] ?? (this.pending[f] = new Set());
      if (change.remove !== undefined) {
        for (const x of change.remove) {
          const k = ELEMENT_KEY[f](x as never);
          if (!set.delete(k)) throw new TraceShapeError(`delta removes ${k} from ${f}, which does not hold it`);
          pending.add(k);
        }
      }
      if (change.add !== undefined) {
        for (const x of change.add) {
          const k = ELEMENT_KEY[f](x as never);
          if (set.has(k)) throw new TraceShapeError(`delta adds ${k} to ${f}, which already holds it`);
          set.add(k);
          pending.add(k);
        }
      }
    }
    const ex = d.rExecuted;
    if (ex !== undefined) {
      if (ex.reset !== undefined) { this.executed = ex.reset.map(propKey); this.executedPrefix = null; }
      if (ex.append !== undefined) for (const p of ex.append) this.executed.push(propKey(p));
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
    for (const f of SET_FIELDS) out[f] = '[' + [...this.sets[f]].sort().join(',') + ']';
    out.rExecuted = '[' + this.executed.join(',') + ']';
    return out;
  }
}

const sameBallot = (a: Ballot, b: Ballot): boolean => a.num === b.num && a.leader === b.leader;

const persistent = (s: unknown): PMap<unknown> | null => (s instanceof PMap ? s : s instanceof PSet ? (s.map as unknown as PMap<unknown>) : null);

function sameSet(view: NodeView, f: SetField, spec: ReadonlyMap<string, unknown> | ReadonlySet<string>): boolean {
  const trace = view.sets[f];
  if (spec.size !== trace.size) return false;
  const verified = view.verified[f];
  const pending = view.pending[f];
  // The keys at which spec and the verified value may differ (null: unknown, compare all).
  let changed: readonly string[] | null = null;
  if (verified === spec) changed = [];
  else {
    const a = persistent(verified); const b = persistent(spec);
    if (a !== null && b !== null) changed = a.changedKeys(b);
  }
  if (changed !== null) {
    // Outside `changed` and `pending`, trace = verified = spec.
    for (const k of changed) if (spec.has(k) !== trace.has(k)) return false;
    if (pending !== undefined) for (const k of pending) if (spec.has(k) !== trace.has(k)) return false;
  } else {
    for (const k of trace) if (!spec.has(k)) return false;
  }
  view.verified[f] = spec;
  view.pending[f] = undefined;
  return true;
}

function sameScout(view: NodeView, s: ScoutSpec | null): boolean {
  if (s === null) return view.scout === 'null';
  if (view.verified.scout === s) return true;
  if (view.scout !== scoutKey(s)) return false;
  view.verified.scout = s;
  return true;
}

/**
 * A spec step that appends copies the sequence, sharing its elements: an element identical to
 * the one at the same index of the sequence last verified needs no key.
 */
function sameExecuted(view: NodeView, xs: readonly Proposal[]): boolean {
  const ks = view.executed;
  if (ks.length !== xs.length) return false;
  const prev = view.executedPrefix;
  if (prev === xs) return true;
  for (let i = 0; i < ks.length; i++) {
    if (prev !== null && i < prev.length && xs[i] === prev[i]) continue;
    if (ks[i] !== propKey(xs[i]!)) return false;
  }
  view.executedPrefix = xs;
  return true;
}

/** Does the trace's view of node n equal the spec's node state (with the node's invoked)? */
export function viewMatches(view: NodeView, x: NodeSpec, invoked: ReadonlySet<string>): boolean {
  return view.rSlotIn === x.rSlotIn && view.rSlotOut === x.rSlotOut && view.lActive === x.lActive
    && sameBallot(view.aBallot, x.aBallot) && sameBallot(view.lBallot, x.lBallot) && sameScout(view, x.scout)
    && sameSet(view, 'aAccepted', x.aAccepted) && sameSet(view, 'lProposals', x.lProposals) && sameSet(view, 'commanders', x.commanders)
    && sameSet(view, 'rRequests', x.rRequests) && sameSet(view, 'rProposals', x.rProposals) && sameSet(view, 'rDecisions', x.rDecisions)
    && sameSet(view, 'invoked', invoked) && sameExecuted(view, x.rExecuted);
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
