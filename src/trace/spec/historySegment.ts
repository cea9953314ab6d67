/**
 * A Welcome part's history held as a range of the sender's history (the spec's
 * Segment(rExecuted[n], i, k)), not as a copy of its requests: what a trace replay with a
 * history window sends (src/trace/replay/historyWindow.ts). A Welcome of a long run carries the
 * whole history in parts; as ranges, its parts cost nothing per request, and the replica that
 * installs them takes the sender's history itself (`wholeHistory`), so no part's requests are
 * read, and the window may forget the start of the history while the Welcome is in flight.
 *
 * Its key is the range's place in a history named by its digest (ExecSeq.digestAt: SHA-256
 * chained over the requests), finer than the spec's (the segment's requests alone): two parts
 * with equal requests but different histories before them get two keys. The replay finds the
 * two the same message only if the senders' histories at one length differ, which
 * HistoriesSound excludes and welcomeHistories.ts reports.
 */
import type { HistoryRange, Proposal } from '../format/types.js';
import type { ExecSeq } from './execSeq.js';

export class HistorySegment implements HistoryRange {
  readonly historyKey: string;
  /** The digest of the whole history `seq` (taken now, while the window holds it). */
  readonly digest: string;

  /** Requests from..to (exclusive) of `seq`. */
  constructor(readonly seq: ExecSeq, readonly from: number, readonly to: number) {
    if (from < 0 || to > seq.length || from > to) throw new RangeError(`range ${from}..${to} outside a history of ${seq.length}`);
    this.digest = seq.digest();
    this.historyKey = `"history:${this.digest}#${seq.length}[${from},${to})"`;
  }

  get length(): number {
    return this.to - this.from;
  }

  map<T>(f: (p: Proposal, i: number) => T): T[] {
    return this.seq.slice(this.from, this.to).map(f);
  }

  [Symbol.iterator](): Iterator<Proposal> {
    return this.seq.slice(this.from, this.to)[Symbol.iterator]();
  }

  /** JSON.stringify writes the requests (a failure's message; throws once forgotten). */
  toJSON(): Proposal[] {
    return this.seq.slice(this.from, this.to);
  }
}

/**
 * The history that Welcome parts make in part order, without reading a request: the sender's
 * history itself (the first part's `seq`), when every part is a segment of one history (by
 * digest and length) and they follow one another from its first request to its last.
 * Undefined otherwise (a mutant's mixed assembly; the caller concatenates the requests).
 */
export function wholeHistory(parts: ReadonlyArray<{ executed: Proposal[] | HistoryRange }>): HistorySegment | undefined {
  let at = 0;
  let first: HistorySegment | undefined;
  for (const p of parts) {
    const x = p.executed;
    if (!(x instanceof HistorySegment) || x.from !== at) return undefined;
    if (first === undefined) first = x;
    else if (x.seq !== first.seq && (x.seq.length !== first.seq.length || x.digest !== first.digest)) return undefined;
    at = x.to;
  }
  return first !== undefined && at === first.seq.length ? first : undefined;
}

/** Whether a and b hold the same requests, by their keys when both are segments. */
export function sameSegment(a: HistorySegment, b: HistorySegment): boolean {
  return a === b || a.historyKey === b.historyKey;
}
