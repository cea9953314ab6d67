/**
 * Comparing what the spec allows with what a trace event shows: the acting node's state
 * after the step (field by field, as canonical texts) and the messages the step added.
 */
import type { NodeStateJson, Proposal, SpecMessage } from '../format/types.js';
import { canonical, SEQUENCE_KEYS } from '../format/canonical.js';
import { messageKey, propKey } from '../format/keys.js';
import { nodeFields, type NodeSpec, type SpecState, type VSet } from '../spec/specState.js';
import type { NodeView } from './traceView.js';
import { PSet } from '../spec/pmap.js';

export const STATE_FIELDS = [
  'aBallot', 'aAccepted', 'lBallot', 'lActive', 'lProposals', 'scout', 'commanders',
  'rSlotIn', 'rSlotOut', 'rRequests', 'rProposals', 'rDecisions', 'rExecuted', 'invoked', 'aMark', 'lMark', 'rSnap',
] as const satisfies readonly (keyof NodeStateJson)[];

export type Fields = Record<(typeof STATE_FIELDS)[number], string>;

export function traceFields(state: NodeStateJson): Fields {
  const out = {} as Fields;
  for (const f of STATE_FIELDS) out[f] = canonical(state[f], SEQUENCE_KEYS.has(f));
  return out;
}

/** Keys of the messages in `sent` that are not already in msgs: the step's effect on msgs. */
const NONE: ReadonlySet<string> = new Set();

export function newMessageKeys(sent: readonly SpecMessage[], msgs: VSet<SpecMessage>): ReadonlySet<string> {
  if (sent.length === 0) return NONE;
  const out = new Set<string>();
  for (const m of sent) {
    const k = messageKey(m);
    if (!msgs.has(k)) out.add(k);
  }
  return out;
}

const MAX_SHOWN = 400;
const clip = (s: string): string => (s.length > MAX_SHOWN ? s.slice(0, MAX_SHOWN) + '...' : s);

/** One line per element that differs when both sides are set texts, else the two values. */
function fieldDiff(field: string, spec: string, trace: string): string[] {
  if (spec.startsWith('[') && trace.startsWith('[') && !SEQUENCE_KEYS.has(field)) {
    const a = new Set(splitTop(spec)); const b = new Set(splitTop(trace));
    const out: string[] = [];
    for (const x of a) if (!b.has(x)) out.push(`  ${field}: spec has ${clip(x)}, trace lacks it`);
    for (const x of b) if (!a.has(x)) out.push(`  ${field}: trace has ${clip(x)}, spec does not`);
    if (out.length > 0) return out;
  }
  return [`  ${field}: spec ${clip(spec)}, trace ${clip(trace)}`];
}

/** Top-level elements of a canonical array text. */
function splitTop(text: string): string[] {
  const inner = text.slice(1, -1);
  if (inner === '') return [];
  const out: string[] = [];
  let depth = 0; let start = 0; let inStr = false;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (inStr) { if (c === '\\') i++; else if (c === '"') inStr = false; continue; }
    if (c === '"') inStr = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) { out.push(inner.slice(start, i)); start = i + 1; }
  }
  out.push(inner.slice(start));
  return out;
}

/** Differences between the spec's successor (node n, new messages) and the trace's; [] if equal. */
export function diffStep(
  expected: Fields, expectedNew: ReadonlySet<string>, actual: Fields, actualNew: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  for (const f of STATE_FIELDS) if (expected[f] !== actual[f]) out.push(...fieldDiff(f, expected[f], actual[f]));
  for (const k of expectedNew) if (!actualNew.has(k)) out.push(`  sent: spec sends ${clip(k)}, trace does not`);
  for (const k of actualNew) if (!expectedNew.has(k)) out.push(`  sent: trace sends ${clip(k)}, which the spec does not (and it was never sent before)`);
  return out;
}

/**
 * The spec's node fields, except `invoked`: the refinement mapping for it is "what this
 * node's Requester invoked since the node last (re)started, less what it forgot once executed"
 * (a Requester's memory does not survive a crash, while the spec's `invoked` is the clients'
 * history; and a Requester keeps a request only until its answer comes). The replay keeps that
 * per incarnation (IncarnationInvoked) and passes it in.
 */
export function expectedFields(s: SpecState, n: number, invoked: string): Fields {
  return { ...(nodeFields(s, n) as Fields), invoked };
}

/** A request from its canonical key (keys.ts: the proposal's JSON). */
const requestOfKey = (k: string): Proposal => JSON.parse(k) as Proposal;

/**
 * Per node: the requests its Requester invoked in the current incarnation and still holds
 * (canonical texts). A Requester may forget a request once its node's replica has executed it
 * (it forgets on the answer, which follows the execution); a trace written before Requesters
 * forgot lists every request of the incarnation, which passes too. So what is held follows the
 * trace: a request the trace dropped is dropped here, when its node's replica executed it.
 */
export class IncarnationInvoked {
  // Persistent sets: an invoke costs O(1), not a copy of everything the node invoked.
  private readonly sets = new Map<number, PSet>();
  current(n: number): PSet {
    let s = this.sets.get(n);
    if (s === undefined) { s = PSet.empty(); this.sets.set(n, s); }
    return s;
  }
  /** The set after the event's step, before any forgetting: RequesterInvoke adds, NodeRestart clears. */
  private invokedAfter(ev: { node: number; action: string; params: { proposal?: Proposal } }): PSet {
    if (ev.action === 'NodeRestart') return PSet.empty();
    if (ev.action === 'RequesterInvoke' && ev.params.proposal) return this.current(ev.node).with(propKey(ev.params.proposal));
    return this.current(ev.node);
  }

  /**
   * The requests of that set which `view` (the trace's view after the event) lacks: only the
   * keys the event's delta changed are looked at (every key, for a whole state), so a
   * Requester that never forgets costs nothing more. Read before the view is compared, which
   * clears what its deltas changed.
   */
  dropped(ev: { node: number; action: string; params: { proposal?: Proposal }; state?: unknown }, view: NodeView): string[] {
    const s = this.invokedAfter(ev);
    if (s.size === 0) return [];
    const out: string[] = [];
    for (const k of ev.state !== undefined ? s : view.invokedChanged()) if (s.has(k) && !view.hasInvoked(k)) out.push(k);
    return out;
  }

  /**
   * The set after the event's step: RequesterInvoke adds, NodeRestart clears, and the `dropped`
   * requests that `node` (the node's spec state after the step) has executed are forgotten.
   */
  after(ev: { node: number; action: string; params: { proposal?: Proposal } }, dropped: readonly string[] = [], node?: NodeSpec): PSet {
    let s = this.invokedAfter(ev);
    if (node !== undefined) for (const k of dropped) if (node.rExecutedIds.has(requestOfKey(k))) s = s.without(k);
    return s;
  }
  set(n: number, v: ReadonlySet<string>): void {
    this.sets.set(n, PSet.from(v));
  }
  static text(v: ReadonlySet<string>): string {
    return '[' + [...v].sort().join(',') + ']';
  }
}
