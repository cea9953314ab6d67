/**
 * Turns full-state events into compact ones (`delta` instead of `state`): per node it keeps
 * the previous state's element keys and writes only what changed. Used by the trace writer
 * of the simulator; the checker accepts both forms (docs/trace-format.md, "Compact events").
 */
import type { NodeStateJson, Proposal, TraceEvent } from './types.js';
import { ballotKey, commanderKey, propKey, pvalueKey, slotPropKey } from './keys.js';
import { SCALAR_FIELDS, SET_FIELDS, type StateDelta } from './types.js';

const KEY: Record<(typeof SET_FIELDS)[number], (x: never) => string> = {
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
  };
}
const initialJson = (_N: number, node: number): NodeStateJson => initialNodeJson(node);

interface Previous { sets: Map<string, Map<string, unknown>>; scalars: Map<string, string>; executed: string[] }

function snapshot(state: NodeStateJson): Previous {
  const sets = new Map<string, Map<string, unknown>>();
  for (const f of SET_FIELDS) sets.set(f, new Map((state[f] as never[]).map((x) => [KEY[f](x), x])));
  const scalars = new Map<string, string>();
  for (const f of SCALAR_FIELDS) scalars.set(f, f === 'aBallot' || f === 'lBallot' ? ballotKey(state[f]) : JSON.stringify(state[f]));
  return { sets, scalars, executed: state.rExecuted.map(propKey) };
}

export class DeltaEncoder {
  private readonly prev = new Map<number, Previous>();
  constructor(private readonly N: number) {}

  encode(ev: TraceEvent): TraceEvent {
    const before = this.prev.get(ev.node) ?? snapshot(initialJson(this.N, ev.node));
    const now = snapshot(ev.state);
    const delta: StateDelta = {};
    const d = delta as Record<string, unknown>;
    for (const f of SCALAR_FIELDS) if (now.scalars.get(f) !== before.scalars.get(f)) d[f] = ev.state[f];
    for (const f of SET_FIELDS) {
      const a = before.sets.get(f)!; const b = now.sets.get(f)!;
      const add: unknown[] = []; const remove: unknown[] = [];
      for (const [k, x] of b) if (!a.has(k)) add.push(x);
      for (const [k, x] of a) if (!b.has(k)) remove.push(x);
      if (add.length > 0 || remove.length > 0) d[f] = { ...(add.length > 0 ? { add } : {}), ...(remove.length > 0 ? { remove } : {}) };
    }
    const prefix = before.executed.length <= now.executed.length && before.executed.every((k, i) => now.executed[i] === k);
    if (!prefix) delta.rExecuted = { reset: ev.state.rExecuted };
    else if (now.executed.length > before.executed.length) delta.rExecuted = { append: ev.state.rExecuted.slice(before.executed.length) as Proposal[] };
    this.prev.set(ev.node, now);
    const { state: _full, ...rest } = ev;
    void _full;
    return { ...rest, delta } as TraceEvent;
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

  decode(ev: TraceEvent): TraceEvent {
    if (ev.state !== undefined) { this.prev.set(ev.node, ev.state); return ev; }
    const before = this.prev.get(ev.node) ?? initialJson(this.N, ev.node);
    const d = (ev.delta ?? {}) as StateDelta;
    const state = { ...before } as Record<string, unknown>;
    for (const f of SCALAR_FIELDS) if (f in d) state[f] = (d as Record<string, unknown>)[f];
    for (const f of SET_FIELDS) {
      const change = d[f];
      if (change === undefined) continue;
      const items = new Map((before[f] as never[]).map((x) => [KEY[f](x), x as unknown]));
      for (const x of change.remove ?? []) {
        if (!items.delete(KEY[f](x as never))) throw new Error(`delta removes from ${f} an element it does not hold`);
      }
      for (const x of change.add ?? []) {
        const k = KEY[f](x as never);
        if (items.has(k)) throw new Error(`delta adds to ${f} an element it already holds`);
        items.set(k, x);
      }
      state[f] = [...items.values()];
    }
    const ex = d.rExecuted;
    if (ex?.reset !== undefined) state.rExecuted = [...ex.reset];
    if (ex?.append !== undefined) state.rExecuted = [...(state.rExecuted as Proposal[]), ...ex.append];
    const full = state as unknown as NodeStateJson;
    this.prev.set(ev.node, full);
    const { delta: _delta, ...rest } = ev;
    void _delta;
    return { ...rest, state: full } as TraceEvent;
  }
}
