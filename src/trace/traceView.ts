/**
 * What the trace says each node's state is, kept per node as canonical keys: a set field as
 * the set of its elements' keys, a scalar as its canonical text, rExecuted as the text of the
 * sequence. An event carries either the full `state` or a `delta` against the node's previous
 * event (fields absent are unchanged; a set field lists what was added and removed; rExecuted
 * what was appended, or its new value after a reset). Comparing with the spec's state is then
 * hash lookups, no sorting; the view holds O(spec state) whatever the trace length.
 */
import type { NodeStateJson, Proposal, PValue, SlotProp } from './types.js';
import { ballotKey, commanderKey, propKey, pvalueKey, seqKey, slotPropKey } from './keys.js';
import type { NodeSpec } from './specState.js';
import { scoutKey } from './specState.js';

export const SET_FIELDS = ['aAccepted', 'lProposals', 'commanders', 'rRequests', 'rProposals', 'rDecisions', 'invoked'] as const;
export const SCALAR_FIELDS = ['aBallot', 'lBallot', 'lActive', 'scout', 'rSlotIn', 'rSlotOut'] as const;
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

function scalarKey(f: ScalarField, v: unknown): string {
  switch (f) {
    case 'aBallot': case 'lBallot': return ballotKey(v as { num: number; leader: number });
    case 'scout': {
      if (v === null) return 'null';
      const s = v as { ballot: { num: number; leader: number }; acks: number[]; pvalues: PValue[] };
      return scoutKey({ ballot: s.ballot, acks: new Set(s.acks), pvalues: new Map(s.pvalues.map((p) => [pvalueKey(p), p])) });
    }
    default: return JSON.stringify(v);
  }
}

export type StateDelta = Partial<{
  [F in ScalarField]: NodeStateJson[F];
}> & Partial<Record<SetField, { add?: unknown[]; remove?: unknown[] }>> & {
  rExecuted?: { append?: Proposal[]; reset?: Proposal[] };
};

export class TraceShapeError extends Error {}

export class NodeView {
  scalars = new Map<ScalarField, string>();
  sets = new Map<SetField, Set<string>>();
  executed = '[]';

  static fromJson(state: NodeStateJson): NodeView {
    const v = new NodeView();
    for (const f of SCALAR_FIELDS) v.scalars.set(f, scalarKey(f, state[f]));
    for (const f of SET_FIELDS) v.sets.set(f, new Set((state[f] as never[]).map(ELEMENT_KEY[f])));
    v.executed = seqKey(state.rExecuted);
    return v;
  }

  /** A copy with the delta applied (the previous view stays as it was). */
  withDelta(d: StateDelta): NodeView {
    const v = new NodeView();
    v.scalars = new Map(this.scalars);
    v.sets = new Map(this.sets);
    v.executed = this.executed;
    for (const f of SCALAR_FIELDS) if (f in d) v.scalars.set(f, scalarKey(f, d[f]));
    for (const f of SET_FIELDS) {
      const change = d[f];
      if (change === undefined) continue;
      const next = new Set(this.sets.get(f));
      for (const x of change.remove ?? []) {
        const k = ELEMENT_KEY[f](x as never);
        if (!next.delete(k)) throw new TraceShapeError(`delta removes ${k} from ${f}, which does not hold it`);
      }
      for (const x of change.add ?? []) {
        const k = ELEMENT_KEY[f](x as never);
        if (next.has(k)) throw new TraceShapeError(`delta adds ${k} to ${f}, which already holds it`);
        next.add(k);
      }
      v.sets.set(f, next);
    }
    if (d.rExecuted?.reset !== undefined) v.executed = seqKey(d.rExecuted.reset);
    if (d.rExecuted?.append !== undefined && d.rExecuted.append.length > 0) {
      const tail = d.rExecuted.append.map(propKey).join(',');
      v.executed = v.executed === '[]' ? `[${tail}]` : `${v.executed.slice(0, -1)},${tail}]`;
    }
    return v;
  }

  /** Canonical texts per field (for printing a difference). */
  fields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of SCALAR_FIELDS) out[f] = this.scalars.get(f)!;
    for (const f of SET_FIELDS) out[f] = '[' + [...this.sets.get(f)!].sort().join(',') + ']';
    out.rExecuted = this.executed;
    return out;
  }
}

const seqCache = new WeakMap<readonly Proposal[], string>();
const cachedSeqKey = (xs: readonly Proposal[]): string => {
  let k = seqCache.get(xs);
  if (k === undefined) { k = seqKey(xs); seqCache.set(xs, k); }
  return k;
};

/**
 * Sets are never mutated once built (views and spec states copy on change), so a trace set
 * found equal to a spec set stays equal: remembering the pair makes an unchanged field O(1),
 * and a step costs O(what it changed) instead of O(state).
 */
const verifiedWith = new WeakMap<ReadonlySet<string>, object>();
function sameSet(spec: ReadonlyMap<string, unknown> | ReadonlySet<string>, trace: ReadonlySet<string>): boolean {
  if (verifiedWith.get(trace) === spec) return true;
  if (spec.size !== trace.size) return false;
  for (const k of trace) if (!spec.has(k)) return false;
  verifiedWith.set(trace, spec);
  return true;
}

/** Does the trace's view of node n equal the spec's node state (with the node's invoked)? */
export function viewMatches(view: NodeView, x: NodeSpec, invoked: ReadonlySet<string>): boolean {
  const s = view.scalars;
  if (s.get('rSlotIn') !== String(x.rSlotIn) || s.get('rSlotOut') !== String(x.rSlotOut) || s.get('lActive') !== String(x.lActive)) return false;
  if (s.get('aBallot') !== ballotKey(x.aBallot) || s.get('lBallot') !== ballotKey(x.lBallot) || s.get('scout') !== scoutKey(x.scout)) return false;
  const t = view.sets;
  return sameSet(x.aAccepted, t.get('aAccepted')!) && sameSet(x.lProposals, t.get('lProposals')!) && sameSet(x.commanders, t.get('commanders')!)
    && sameSet(x.rRequests, t.get('rRequests')!) && sameSet(x.rProposals, t.get('rProposals')!) && sameSet(x.rDecisions, t.get('rDecisions')!)
    && sameSet(invoked, t.get('invoked')!) && cachedSeqKey(x.rExecuted) === view.executed;
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
  /** The view after the event (not yet committed). */
  after(ev: { node: number; state?: NodeStateJson; delta?: StateDelta }): NodeView {
    if (ev.state !== undefined) return NodeView.fromJson(ev.state);
    return this.current(ev.node).withDelta(ev.delta ?? {});
  }
  commit(n: number, v: NodeView): void {
    this.views.set(n, v);
  }
}

export type { SlotProp };
