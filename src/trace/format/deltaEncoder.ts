/**
 * Turns full-state events into compact ones (`delta` instead of `state`). An event a Node
 * emitted carries the delta the node built from what its step changed (nodeDelta.ts): the
 * encoder takes it as it is, and diffs whole states only at a node's first event (against the
 * state its previous incarnation ended in). Other events are diffed against the previous
 * state of their node, which the encoder then keeps. Used by the trace writers; the checker
 * accepts both forms (docs/trace-format.md, "Compact events").
 */
import { isHistoryLength, type NodeStateJson, type Proposal, type SnapshotState, type TraceEvent, type FullTraceEvent } from './types.js';
import { ballotKey, commanderKey, propKey, pvalueKey, slotPropKey } from './keys.js';
import { SCALAR_FIELDS, SET_FIELDS, type StateDelta } from './types.js';
import { nodeDeltaOf, type DeltaSource } from './nodeDelta.js';

/** The canonical key of an element of each spec set: two elements are one iff their keys are equal. */
export const SET_KEY: Record<(typeof SET_FIELDS)[number], (x: never) => string> = {
  aAccepted: pvalueKey as (x: never) => string, lProposals: slotPropKey as (x: never) => string,
  commanders: commanderKey as (x: never) => string, rRequests: propKey as (x: never) => string,
  rProposals: slotPropKey as (x: never) => string, rDecisions: slotPropKey as (x: never) => string,
  invoked: propKey as (x: never) => string,
};

/**
 * Node n's state at the spec's Init, as trace JSON: what its first delta is relative to.
 * (test/trace/ndjson.test.ts checks it equals the spec encoding's Init.)
 */
export function initialNodeJson(node: number): NodeStateJson {
  return {
    aBallot: { num: 0, leader: 0 }, aAccepted: [], lBallot: { num: 0, leader: node }, lActive: false, lProposals: [],
    scout: null, commanders: [], rSlotIn: 1, rSlotOut: 1, rRequests: [], rProposals: [], rDecisions: [], rExecuted: [], invoked: [],
    aMark: 1, lMark: 1, rSnap: { slot: 1, executed: [] },
  };
}
const initialJson = (_N: number, node: number): NodeStateJson => initialNodeJson(node);

/**
 * A history's keys, or only its length: a node that keeps no history gives its first event's
 * state with `{"historyLength": L}` (Node.traceState), the first L requests of what it had at
 * its previous event, which this turns into `truncate` and which never reaches a file.
 */
type Keys = string[] | { readonly length: number; readonly named: true };
interface Previous { sets: Map<string, Map<string, unknown>>; scalars: Map<string, string>; executed: Keys; snap: { slot: number; executed: Keys } }

const keysOf = (xs: readonly Proposal[] | unknown): Keys =>
  isHistoryLength(xs) ? { length: xs.historyLength, named: true } : (xs as Proposal[]).map(propKey);
const isNamed = (k: Keys): k is { readonly length: number; readonly named: true } => !Array.isArray(k);
/** A state that names a history by length: only a writer's diff may take it. */
export const namesHistory = (s: NodeStateJson): boolean =>
  isHistoryLength(s.rExecuted) || isHistoryLength((s.rSnap as NodeStateJson['rSnap'] | undefined)?.executed); // a writer's state may lack fields

/**
 * A state from a writer that does not fill the checkpoint fields (one written before them)
 * reads as one without checkpoints: the writer does not crash, and a checker reading its
 * whole states reports the missing fields.
 */
const NO_CHECKPOINT = { aMark: 1, lMark: 1, rSnap: { slot: 1, executed: [] as Proposal[] } };

function snapshot(given: NodeStateJson): Previous {
  const state = given.rSnap === undefined || given.aMark === undefined || given.lMark === undefined ? { ...NO_CHECKPOINT, ...given } : given;
  const sets = new Map<string, Map<string, unknown>>();
  for (const f of SET_FIELDS) sets.set(f, new Map((state[f] as never[]).map((x) => [SET_KEY[f](x), x])));
  const scalars = new Map<string, string>();
  for (const f of SCALAR_FIELDS) scalars.set(f, f === 'aBallot' || f === 'lBallot' ? ballotKey(state[f]) : JSON.stringify(state[f]));
  return { sets, scalars, executed: keysOf(state.rExecuted), snap: { slot: state.rSnap.slot, executed: keysOf(state.rSnap.executed) } };
}

const isPrefix = (a: Keys, b: Keys): boolean => {
  if (isNamed(a) || isNamed(b)) return false;
  return a.length <= b.length && a.every((k, i) => b[i] === k);
};

/**
 * The delta from `before` to `now` (both whole states): what every compact event holds. Null
 * when no delta says it: a snapshot whose history is not a prefix of rExecuted (the spec's
 * snapshot always is: ReplicaSnapshot copies rExecuted); the event then keeps its whole state.
 */
function diff(before: Previous, now: Previous, state: NodeStateJson): StateDelta | null {
  const delta: StateDelta = {};
  const d = delta as Record<string, unknown>;
  for (const f of SCALAR_FIELDS) if (now.scalars.get(f) !== before.scalars.get(f)) d[f] = state[f];
  // Key order as the nodes write it (src/node/stateChanges.ts): scalars, rSnap, sets, rExecuted.
  const snapChanged = now.snap.slot !== before.snap.slot || now.snap.executed.length !== before.snap.executed.length
    || isNamed(now.snap.executed) || !isPrefix(now.snap.executed, before.snap.executed);
  if (snapChanged) {
    // A snapshot by length is a prefix of rExecuted (the node's own, Node.traceState).
    if (!isNamed(now.snap.executed) && !isPrefix(now.snap.executed, now.executed)) return null;
    delta.rSnap = { slot: now.snap.slot, executedLength: now.snap.executed.length };
  }
  for (const f of SET_FIELDS) {
    const a = before.sets.get(f)!; const b = now.sets.get(f)!;
    const add: unknown[] = []; const remove: unknown[] = [];
    for (const [k, x] of b) if (!a.has(k)) add.push(x);
    for (const [k, x] of a) if (!b.has(k)) remove.push(x);
    if (add.length > 0 || remove.length > 0) d[f] = { ...(add.length > 0 ? { add } : {}), ...(remove.length > 0 ? { remove } : {}) };
  }
  if (isNamed(now.executed)) {
    // The first L requests of what the node had: kept whole, or cut (a restart).
    const L = now.executed.length;
    if (L > before.executed.length) throw new Error(`a node's state names its history's first ${L} requests; it had ${before.executed.length}`);
    if (L < before.executed.length) delta.rExecuted = { truncate: L };
  } else if (isPrefix(before.executed, now.executed)) {
    if (now.executed.length > before.executed.length) delta.rExecuted = { append: state.rExecuted.slice(before.executed.length) as Proposal[] };
  } else if (isPrefix(now.executed, before.executed)) delta.rExecuted = { truncate: now.executed.length };
  else delta.rExecuted = { reset: state.rExecuted };
  return delta;
}

/** An event written with its whole state: one that names its history by length cannot be. */
function whole(ev: FullTraceEvent): FullTraceEvent {
  if (namesHistory(ev.state)) throw new Error(`node ${ev.node}'s ${ev.action} names its history by length, and no delta says its state (a node keeping no history needs a writer that diffs it against its previous event)`);
  return ev;
}

/** The event with `delta` in place of `state` (same key order; the state getter is not called). */
function compactEvent(ev: TraceEvent, delta: StateDelta): TraceEvent {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(ev)) if (k !== 'state' && k !== 'delta') out[k] = (ev as unknown as Record<string, unknown>)[k];
  out.delta = delta;
  return out as unknown as TraceEvent;
}

export interface DeltaEncoderOptions {
  /**
   * Diff every event's whole state, ignoring the deltas nodes attach (the reference path the
   * incremental one is tested against; O(the node's state) per event).
   */
  readonly fullDiff?: boolean;
}

/**
 * Per node, what the next event's delta is relative to: the whole state of the previous event
 * (events that came without a node's delta), or the node incarnation that emitted it, whose
 * next delta is relative to that event already.
 */
type Last = { kind: 'state'; state: Previous } | { kind: 'source'; source: DeltaSource };

export class DeltaEncoder {
  private readonly prev = new Map<number, Last>();
  private readonly fullDiff: boolean;
  constructor(private readonly N: number, options: DeltaEncoderOptions = {}) {
    this.fullDiff = options.fullDiff === true;
  }

  encode(ev: FullTraceEvent): TraceEvent {
    const last = this.prev.get(ev.node);
    const fromNode = this.fullDiff ? undefined : nodeDeltaOf(ev);
    if (fromNode !== undefined) {
      // The node's delta is relative to its previous event, which this encoder wrote last.
      if (fromNode.delta !== undefined && last?.kind === 'source' && last.source === fromNode.source) {
        fromNode.taken = true;
        return compactEvent(ev, fromNode.delta);
      }
      // Its first event (or a switch of writer): diff whole states once; from here on its deltas.
      const delta = diff(this.before(ev.node, last), snapshot(ev.state), ev.state);
      this.prev.set(ev.node, { kind: 'source', source: fromNode.source });
      if (delta === null) return whole(ev);
      return compactEvent(ev, delta);
    }
    const now = snapshot(ev.state);
    const delta = diff(this.before(ev.node, last), now, ev.state);
    this.prev.set(ev.node, { kind: 'state', state: now });
    return delta === null ? whole(ev) : compactEvent(ev, delta);
  }

  /**
   * The event went out whole (the first event a writer appending to a part sees: a process
   * started again knows nothing of its node's previous event): the node's next delta is
   * relative to it. Its state may name its history by length (restartHistories.ts).
   */
  wroteWhole(ev: FullTraceEvent): void {
    const fromNode = this.fullDiff ? undefined : nodeDeltaOf(ev);
    this.prev.set(ev.node, fromNode !== undefined ? { kind: 'source', source: fromNode.source } : { kind: 'state', state: snapshot(ev.state) });
  }

  private before(node: number, last: Last | undefined): Previous {
    if (last === undefined) return snapshot(initialJson(this.N, node));
    return last.kind === 'state' ? last.state : snapshot(last.source.current());
  }
}

/**
 * The inverse: full-state events from compact ones, for consumers that need each event's
 * whole state (the TLC trace module). Per node it keeps the state of its last event; a delta
 * that does not apply (removing what is not there, adding what is) throws, naming the field.
 */
export class DeltaDecoder {
  private readonly prev = new Map<number, NodeStateJson>();
  constructor(private readonly N: number) {}

  /** Node n's rExecuted as of its last event decoded. */
  historyOf(n: number): readonly Proposal[] {
    return (this.prev.get(n) ?? initialJson(this.N, n)).rExecuted;
  }

  decode(ev: TraceEvent): FullTraceEvent {
    if (ev.state !== undefined) { this.prev.set(ev.node, ev.state); return ev as FullTraceEvent; }
    const before = this.prev.get(ev.node) ?? initialJson(this.N, ev.node);
    const d = (ev.delta ?? {}) as StateDelta;
    const state = { ...before } as Record<string, unknown>;
    for (const f of SCALAR_FIELDS) if (f in d) state[f] = (d as Record<string, unknown>)[f];
    for (const f of SET_FIELDS) {
      const change = d[f];
      if (change === undefined) continue;
      const items = new Map((before[f] as never[]).map((x) => [SET_KEY[f](x), x as unknown]));
      for (const x of change.remove ?? []) {
        if (!items.delete(SET_KEY[f](x as never))) throw new Error(`delta removes from ${f} an element it does not hold`);
      }
      for (const x of change.add ?? []) {
        const k = SET_KEY[f](x as never);
        if (items.has(k)) throw new Error(`delta adds to ${f} an element it already holds`);
        items.set(k, x);
      }
      state[f] = [...items.values()];
    }
    const ex = d.rExecuted;
    if (ex?.reset !== undefined) {
      if (isHistoryLength(ex.reset)) throw new Error('delta resets rExecuted by length, unresolved (welcomeHistories.ts resolves it where a Welcome is installed)');
      state.rExecuted = [...ex.reset];
    }
    if (ex?.truncate !== undefined) state.rExecuted = truncated(before.rExecuted, ex.truncate);
    if (ex?.append !== undefined) state.rExecuted = [...(state.rExecuted as Proposal[]), ...ex.append];
    if (d.rSnap !== undefined) state.rSnap = snapshotOf(state.rExecuted as Proposal[], d.rSnap.slot, d.rSnap.executedLength);
    const full = state as unknown as NodeStateJson;
    this.prev.set(ev.node, full);
    const { delta: _delta, ...rest } = ev;
    void _delta;
    return { ...rest, state: full };
  }
}

/** rExecuted's first `k` elements (a delta's `truncate`). */
export function truncated<T>(executed: readonly T[], k: number): T[] {
  if (k > executed.length) throw new Error(`delta truncates rExecuted to ${k} elements, but it holds ${executed.length}`);
  return executed.slice(0, k);
}

/** The snapshot a delta's rSnap names: its history is the first `length` elements of rExecuted (after the event's change to it). */
export function snapshotOf(executed: readonly Proposal[], slot: number, length: number): SnapshotState {
  if (length > executed.length) throw new Error(`delta's rSnap holds the first ${length} elements of rExecuted, which has ${executed.length}`);
  return { slot, executed: executed.slice(0, length) };
}
