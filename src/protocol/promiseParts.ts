/**
 * A Promise larger than a message may be is sent in k parts, each a spec message (spec
 * "Promise parts", issue 11): part i of k carries the i-th of k contiguous segments of the
 * acceptor's pvalues in slot order, and the ballot, promised ballot and mark. A Promise that
 * fits is sent whole, as before parts, without part fields.
 *
 * The segments are the spec's (DecisionSegment, cut with welcomeParts' segmentRange), so a part
 * projects onto the spec's. The scout counts an acceptor only once it holds every part of its
 * Promise (PromisePartBuffer): a Promise counted from some of its parts omits pvalues the new
 * ballot must keep.
 */
import type { Promise } from './messages.js';
import type { NodeId, PValue } from './values.js';
import { ballotKey } from './values.js';
import { segmentRange } from './welcomeParts.js';
import { fewestParts, utf8Length } from './fewestParts.js';

/** The part index and count of a Promise (absent: 1 of 1). */
export const promisePartOf = (m: Pick<Promise, 'part'>): number => m.part ?? 1;
export const promisePartsOf = (m: Pick<Promise, 'parts'>): number => m.parts ?? 1;

/** The most parts a Promise is sent in (the wire schema's bound): at 59,000 bytes a part, about 240 MB of pvalues. */
export const MAX_PROMISE_PARTS = 4_096;


/** The k parts of `whole`, its pvalues cut in slot order. */
export function promisePartsFrom(whole: Promise, k: number): Promise[] {
  const bySlot = [...whole.accepted].sort((a, b) => a.slot - b.slot);
  return Array.from({ length: k }, (_, j): Promise => {
    const [from, to] = segmentRange(bySlot.length, j + 1, k);
    return { ...whole, accepted: bySlot.slice(from, to), part: j + 1, parts: k };
  });
}

/**
 * `whole` as the messages to send: itself when its JSON fits in `maxBytes` (UTF-8), else the
 * fewest parts that each fit. The count grows until every part fits; it stops at one pvalue a
 * part (a pvalue that alone does not fit is a batch too large for any message, never with the
 * batch limits) or at MAX_PROMISE_PARTS: the parts are then sent as they are.
 */
export function splitPromise(whole: Promise, maxBytes: number): Promise[] {
  const size = utf8Length(JSON.stringify(whole));
  if (size <= maxBytes) return [whole];
  const most = Math.min(MAX_PROMISE_PARTS, Math.max(2, whole.accepted.length));
  return fewestParts(size, maxBytes, most, (k) => promisePartsFrom(whole, k));
}

/**
 * The parts a scout holds of the Promises sent in parts, per acceptor: those of one (promised
 * ballot, mark, count) at a time, the spec's PromisePartsOf (the ballot is the scout's own). A
 * part of another Promise of that acceptor replaces them (those dropped are lost messages: the
 * scout's Prepare is retransmitted and answered again).
 */
export class PromisePartBuffer {
  private readonly held = new Map<NodeId, { key: string; parts: Map<number, Promise> }>();

  constructor(private readonly log: (problem: string) => void) {}

  /** Keep part `m`; the pvalues of the whole Promise once every part of it is held (then forgotten). */
  add(m: Promise): PValue[] | undefined {
    const k = promisePartsOf(m);
    const key = `${ballotKey(m.promised)}/${m.mark ?? 1}/${k}`;
    let entry = this.held.get(m.acceptor);
    if (entry === undefined || entry.key !== key) {
      if (entry !== undefined) this.log(`dropped ${entry.parts.size} parts of acceptor ${m.acceptor}'s Promise (${entry.key}) for parts of another (${key})`);
      entry = { key, parts: new Map() };
      this.held.set(m.acceptor, entry);
    }
    entry.parts.set(promisePartOf(m), m);
    if (entry.parts.size < k) return undefined;
    this.held.delete(m.acceptor);
    return Array.from({ length: k }, (_, i) => entry.parts.get(i + 1)!.accepted).flat();
  }

  /** How many parts are held for `acceptor` (for tests). */
  sizeFor(acceptor: NodeId): number {
    return this.held.get(acceptor)?.parts.size ?? 0;
  }
}
