/**
 * A replica's executed history (the spec's rExecuted[n], a sequence) as an immutable value
 * whose append costs O(what is appended), not O(history).
 *
 * The spec's ReplicaExecute sets rExecuted' = rExecuted \o run. Copying the whole sequence at
 * every execute made replaying a long trace quadratic: at 50,000 commands the checker spent
 * most of its time copying and comparing histories, and slowed from about 25,000 to a few
 * hundred events a second. Here versions share one backing array, as slices do in Go: a
 * version is the first `length` elements of its backing. Appending to the longest version
 * pushes onto the backing (no other version sees past its own length); appending to a shorter
 * one (two successors of one state, as the explorer makes) copies its prefix first. So each
 * version stays a value, and a chain of appends, as a trace replays, costs O(1) each.
 */
import type { Proposal } from '../format/types.js';
import { sameRequest } from '../format/keys.js';

export class ExecSeq implements Iterable<Proposal> {
  private constructor(
    /** Its elements are those below `length`; a longer version of the same history may have added more after them. */
    private readonly backing: Proposal[],
    readonly length: number,
  ) {}

  static readonly EMPTY: ExecSeq = new ExecSeq([], 0);

  /** The sequence `xs` (copied: the caller keeps its array). */
  static of(xs: Iterable<Proposal>): ExecSeq {
    const backing = [...xs];
    return backing.length === 0 ? ExecSeq.EMPTY : new ExecSeq(backing, backing.length);
  }

  /**
   * An ExecSeq again after a structured clone (postMessage to another thread keeps the fields
   * and drops the class); an ExecSeq is returned as it is.
   */
  static revive(x: ExecSeq | { readonly backing: readonly Proposal[]; readonly length: number }): ExecSeq {
    if (x instanceof ExecSeq) return x;
    return ExecSeq.of(x.backing.slice(0, x.length));
  }

  get(i: number): Proposal {
    if ((i | 0) !== i || i < 0 || i >= this.length) throw new RangeError(`index ${i} outside a history of ${this.length}`);
    return this.backing[i]!;
  }

  /** This sequence followed by `run`. */
  appended(run: readonly Proposal[]): ExecSeq {
    if (run.length === 0) return this;
    if (this.backing.length === this.length && this !== ExecSeq.EMPTY) {
      for (const p of run) this.backing.push(p);
      return new ExecSeq(this.backing, this.length + run.length);
    }
    // A longer version goes on with `run` already (another replica executed the same requests
    // first): share it. So replicas that execute one history hold one array between them,
    // not one each.
    if (this.continuesWith(run)) return new ExecSeq(this.backing, this.length + run.length);
    const backing = this.backing.slice(0, this.length);
    for (const p of run) backing.push(p);
    return new ExecSeq(backing, backing.length);
  }

  /** Whether the backing holds `run`'s requests right after this version's elements. */
  private continuesWith(run: readonly Proposal[]): boolean {
    if (this.backing.length < this.length + run.length) return false;
    for (let i = 0; i < run.length; i++) {
      const a = this.backing[this.length + i]!;
      const b = run[i]!;
      if (a !== b && !sameRequest(a, b)) return false;
    }
    return true;
  }

  /**
   * How many first elements this and `other` are known to share without comparing them: all
   * of the shorter one's when both are versions of one backing, else 0.
   */
  sharedPrefix(other: ExecSeq): number {
    return this.backing === other.backing ? Math.min(this.length, other.length) : 0;
  }

  map<T>(f: (p: Proposal, i: number) => T): T[] {
    const out = new Array<T>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = f(this.backing[i]!, i);
    return out;
  }

  /** A new array of the elements from index `from` up to `to` (exclusive). */
  slice(from: number, to: number): Proposal[] {
    if (from < 0 || to > this.length || from > to) throw new RangeError(`range ${from}..${to} outside a history of ${this.length}`);
    return this.backing.slice(from, to);
  }

  /** A new array of the elements. */
  toArray(): Proposal[] {
    return this.backing.slice(0, this.length);
  }

  /** JSON.stringify writes the sequence, as it would an array. */
  toJSON(): Proposal[] {
    return this.toArray();
  }

  *[Symbol.iterator](): Iterator<Proposal> {
    for (let i = 0; i < this.length; i++) yield this.backing[i]!;
  }
}
