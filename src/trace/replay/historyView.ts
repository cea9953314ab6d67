/**
 * A history as the trace shows it (a node's rExecuted, or its snapshot's): a prefix known equal
 * to a spec sequence, then the keys of the requests after it. Once a comparison finds the whole
 * history equal to the spec's, the view keeps that spec sequence in place of keys, so a long
 * run's view holds no key per request: the spec state holds those requests anyway, and their
 * keys are recomputed only where the spec's history is not a version of the same one (after a
 * Welcome install, say), as they were compared before.
 */
import { propKey } from '../format/keys.js';
import { type ExecSeq, ForgottenHistoryError, chainDigest } from '../spec/execSeq.js';

export class HistoryView {
  private constructor(
    /** A spec sequence whose first `base` elements are the view's first elements. */
    private seq: ExecSeq | null,
    private base: number,
    /** The keys of the elements after the first `base`. */
    private tail: string[],
  ) {}

  /** The history whose elements have these keys. */
  static ofKeys(keys: string[]): HistoryView {
    return new HistoryView(null, 0, keys);
  }

  /** The history `seq` (a spec sequence, shared: values are never changed). */
  static ofSeq(seq: ExecSeq): HistoryView {
    return new HistoryView(seq, seq.length, []);
  }

  get length(): number {
    return this.base + this.tail.length;
  }

  append(keys: Iterable<string>): void {
    for (const k of keys) this.tail.push(k);
  }

  /** Keeps the first k elements; throws when there are fewer. */
  truncate(k: number): void {
    if (k > this.length) throw new RangeError(`delta truncates rExecuted to ${k} elements, but it holds ${this.length}`);
    if (k <= this.base) {
      this.base = k;
      this.tail = [];
    } else {
      this.tail.length = k - this.base;
    }
  }

  /** A new view of the first k elements (a snapshot's history); this one is not changed by later changes to either. */
  prefix(k: number): HistoryView {
    if (k > this.length) throw new RangeError(`delta's rSnap holds the first ${k} elements of rExecuted, which has ${this.length}`);
    return k <= this.base ? new HistoryView(this.seq, k, []) : new HistoryView(this.seq, this.base, this.tail.slice(0, k - this.base));
  }

  /**
   * Whether the history equals the spec's `xs`; when it does, the view keeps `xs` from then on.
   * Elements shared with `xs` (versions of one backing array) are equal without a look; the
   * others are compared by key.
   */
  matches(xs: ExecSeq): boolean {
    if (this.length !== xs.length) return false;
    const seq = this.seq;
    if (seq === xs && this.tail.length === 0) return true;
    let from = 0;
    if (seq !== null) {
      from = Math.min(seq.sharedPrefix(xs), this.base);
      // Below a history window's base the requests are gone: equal prefixes have equal digests.
      if (from < Math.max(seq.base, xs.base) && this.base >= Math.max(seq.base, xs.base)) {
        if (seq.digestAt(this.base) !== xs.digestAt(this.base)) return false;
        from = this.base;
      } else if (xs.base > this.base) {
        // The spec's history forgot more than this prefix (an install of a long Welcome into a
        // node whose own history the view holds a short prefix of): the digest chain below
        // compares the whole prefix up to xs's base, this one included, with xs's digest there.
        from = this.base;
      }
      for (let i = from; i < this.base; i++) {
        const x = xs.get(i);
        const y = seq.get(i);
        if (x !== y && propKey(x) !== propKey(y)) return false;
      }
    }
    // Keys (a full state's history) below the window's base: compared by their digest chain.
    let j = 0;
    if (xs.base > xs.length) throw new ForgottenHistoryError(`a history of ${xs.length} requests`, xs.base);
    if (xs.base > this.base) {
      let d = seq === null || this.base === 0 ? '' : seq.digestAt(this.base);
      for (; j < xs.base - this.base; j++) d = chainDigest(d, this.tail[j]!);
      if (d !== xs.digestAt(xs.base)) return false;
    }
    for (; j < this.tail.length; j++) if (this.tail[j] !== propKey(xs.get(this.base + j))) return false;
    this.seq = xs;
    this.base = xs.length;
    this.tail = [];
    return true;
  }

  /**
   * The keys of its elements, in order (for printing a difference); the first ones a history
   * window forgot as one note of how many, as specState.ts historyText writes them.
   */
  keys(): string[] {
    const forgotten = this.seq === null ? 0 : Math.min(this.base, this.seq.base);
    const out: string[] = forgotten > 0 ? [`"(the first ${forgotten} forgotten)"`] : [];
    for (let i = forgotten; i < this.base; i++) out.push(propKey(this.seq!.get(i)));
    return out.concat(this.tail);
  }
}
