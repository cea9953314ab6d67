/**
 * A Welcome larger than a message may be is sent in k parts, each a spec message (spec
 * "Welcome parts", issue 11): part i of k carries the i-th of k contiguous segments of the
 * decisions (in slot order) and of `executed`, and the i-th of k slices of the JSON text of
 * the whole Welcome's `state` in its `state.app` (with `state.outputs` empty: the outputs are
 * in that text). A Welcome that fits is sent whole, as before parts, without part fields.
 *
 * The segments are the spec's (Segment, DecisionSegment), so a part projects onto the spec's
 * WelcomePart; the state text is the spec's abstraction of the application state, split by
 * bytes because only its whole is meaningful.
 */
import type { Welcome, WelcomeState } from './messages.js';
import { fewestParts, utf8Length } from './fewestParts.js';
import { duplicateSlot } from './validate.js';

/** The first index and the end (exclusive, from 0) of the i-th of k segments of `length` items (the spec's Segment). */
export function segmentRange(length: number, i: number, k: number): [number, number] {
  return [Math.floor(((i - 1) * length) / k), Math.floor((i * length) / k)];
}

/** The part index and count of a Welcome (absent: 1 of 1). */
export const welcomePartOf = (m: Pick<Welcome, 'part'>): number => m.part ?? 1;
export const welcomePartsOf = (m: Pick<Welcome, 'parts'>): number => m.parts ?? 1;

/** The most parts a Welcome is sent in (the wire schema's bound): at 59,000 bytes a part, about 240 MB of state. */
export const MAX_WELCOME_PARTS = 4_096;


/** The k parts of `whole` (decisions sorted by slot, as the replica sends them). */
export function partsOf(whole: Welcome, k: number): Welcome[] {
  const stateText = JSON.stringify(whole.state);
  return Array.from({ length: k }, (_, j): Welcome => {
    const i = j + 1;
    const [d0, d1] = segmentRange(whole.decisions.length, i, k);
    const [e0, e1] = segmentRange(whole.executed.length, i, k);
    const [s0, s1] = segmentRange(stateText.length, i, k);
    return {
      type: 'Welcome', node: whole.node, slot: whole.slot, part: i, parts: k,
      decisions: whole.decisions.slice(d0, d1), executed: whole.executed.slice(e0, e1),
      ...(whole.executedLength === undefined ? {} : { executedLength: whole.executedLength }),
      state: { app: stateText.slice(s0, s1), outputs: [] },
    };
  });
}

/**
 * `whole` as the messages to send: itself when its JSON fits in `maxBytes` (UTF-8), else the
 * fewest parts that each fit. The part count grows until every part fits; it stops at one part
 * per item and state character, where a part that still does not fit is one decision too large
 * for any message (never with the batch limits), or at MAX_WELCOME_PARTS (a state of about
 * 240 MB): the parts are then sent as they are, larger than maxBytes.
 */
export function splitWelcome(whole: Welcome, maxBytes: number): Welcome[] {
  const size = utf8Length(JSON.stringify(whole));
  if (size <= maxBytes) return [whole];
  const most = Math.min(MAX_WELCOME_PARTS, Math.max(2, whole.decisions.length + whole.executed.length + JSON.stringify(whole.state).length));
  return fewestParts(size, maxBytes, most, (k) => partsOf(whole, k));
}

/**
 * The whole Welcome that parts 1..k (in order) of one Welcome make. From the network: throws an
 * Error naming what is wrong (a state text that is not the JSON of a Welcome state).
 */
export function assembleWelcome(parts: readonly Welcome[]): Welcome {
  const first = parts[0]!;
  // Each part was validated alone (validate.ts refuses a slot twice within one message); a
  // slot in two parts would reach the replica as two decisions for it, and its Agreement check.
  const repeated = duplicateSlot(parts.flatMap((p) => p.decisions.map((d) => d.slot)));
  if (repeated !== undefined) throw new Error(`${repeated} (in different parts)`);
  let text = '';
  for (const p of parts) {
    if (typeof p.state.app !== 'string') throw new Error(`part ${welcomePartOf(p)} of ${welcomePartsOf(p)} carries no state text`);
    text += p.state.app;
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch {
    throw new Error(`the state text of its ${parts.length} parts is not JSON`);
  }
  const s = state as Partial<WelcomeState> | null;
  if (s === null || typeof s !== 'object' || !('app' in s) || !Array.isArray(s.outputs)) throw new Error(`the state of its ${parts.length} parts is not { app, outputs }`);
  return {
    type: 'Welcome', node: first.node, slot: first.slot,
    decisions: parts.flatMap((p) => p.decisions), executed: parts.flatMap((p) => p.executed),
    ...(first.executedLength === undefined ? {} : { executedLength: first.executedLength }),
    state: { app: s.app, outputs: s.outputs },
  };
}

/**
 * The parts a node holds of Welcomes sent in parts: per sender, those of its latest Welcome
 * (one slot and count). A part of another Welcome from the same sender replaces that sender's
 * (the ones dropped are lost messages: the Join is answered again), so it holds at most one
 * Welcome's worth of parts per peer. Per sender, not one Welcome for all: every peer answers a
 * Join, each with its parts, and their parts arrive interleaved; a buffer of one Welcome
 * dropped one sender's parts for another's at each switch and, with many parts a Welcome,
 * rarely held every part of any.
 */
export class WelcomePartBuffer {
  private readonly bySender = new Map<number, { slot: number; parts: number; held: Map<number, Welcome> }>();

  constructor(private readonly log: (problem: string) => void) {}

  /** Keep part `m` from `from`; every part of its Welcome, in order, once all are held (that sender's are then dropped). */
  addPart(from: number, m: Welcome): Welcome[] | undefined {
    const k = welcomePartsOf(m);
    let entry = this.bySender.get(from);
    if (entry === undefined || entry.slot !== m.slot || entry.parts !== k) {
      if (entry !== undefined && entry.held.size > 0) {
        this.log(`dropped ${entry.held.size} of ${entry.parts} parts of a Welcome from node ${from} (slot ${entry.slot}) for parts of its Welcome for slot ${m.slot} in ${k}`);
      }
      entry = { slot: m.slot, parts: k, held: new Map() };
      this.bySender.set(from, entry);
    }
    entry.held.set(welcomePartOf(m), m);
    if (entry.held.size < k) return undefined;
    this.bySender.delete(from);
    const held = entry.held;
    return Array.from({ length: k }, (_, i) => held.get(i + 1)!);
  }

  /** Keep part `m` from `from`; the whole Welcome once every part of it is held (undefined, logged, when they do not assemble). */
  add(from: number, m: Welcome): Welcome | undefined {
    const parts = this.addPart(from, m);
    if (parts === undefined) return undefined;
    try {
      return assembleWelcome(parts);
    } catch (e) {
      this.log(`dropped a Welcome for slot ${m.slot} in ${parts.length} parts: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Drop every part held (a Welcome was installed: the others are of no more use). */
  clear(): void {
    this.bySender.clear();
  }

  /** How many parts are held, of every sender (for tests). */
  get size(): number {
    let n = 0;
    for (const e of this.bySender.values()) n += e.held.size;
    return n;
  }
}
