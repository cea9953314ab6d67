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
 *
 * A trace replay may also forget a backing's first elements (`forgetBelow`) once no later step
 * can read them: the checker of a long trace then holds a window of each history, not all of it
 * (src/trace/replay/historyWindow.ts says when that is sound). Reading a forgotten element
 * throws ForgottenHistoryError, never answers wrong; the explorer and the spec engines never
 * forget.
 */
import type { Proposal } from '../format/types.js';
import { createHash } from 'node:crypto';
import { propKey, sameRequest } from '../format/keys.js';

/** A read below what a history window kept: the check cannot go on with the window on. */
export class ForgottenHistoryError extends Error {
  constructor(what: string, readonly base: number) {
    super(`${what}: the checker's history window has forgotten the first ${base} requests of this history (check the trace with --whole-history, which keeps all of it)`);
  }
}

/** HistoryDigest of a history's first k + 1 requests, from that of its first k and the key of request k + 1. */
export const chainDigest = (before: string, key: string): string =>
  createHash('sha256').update(before).update(key).digest('base64');

/**
 * The elements of one or more versions: history index i is items[i - base]. `digests[j]` is
 * HistoryDigest(base + j + 1), computed on demand up to `digested`.
 */
interface Backing {
  items: Proposal[];
  base: number;
  /** HistoryDigest of the first `base` elements ('' for none). */
  baseDigest: string;
  digests: string[];
}

const newBacking = (items: Proposal[]): Backing => ({ items, base: 0, baseDigest: '', digests: [] });

export class ExecSeq implements Iterable<Proposal> {
  private constructor(
    /** Its elements are those below `length`; a longer version of the same history may have added more after them. */
    private readonly backing: Backing,
    readonly length: number,
  ) {}

  /**
   * The ids of its requests (requestIds.ts idsOf), once known: a function of the value, so a
   * cache on the version itself. A WeakMap from versions to ids cost a hash insert per execute
   * and an ephemeron per version for the collector to trace. Private: not part of the value
   * (deep equality and structured clones do not see it).
   */
  #ids: unknown = undefined;
  get idsCache(): unknown { return this.#ids; }
  set idsCache(ids: unknown) { this.#ids = ids; }

  static readonly EMPTY: ExecSeq = new ExecSeq(newBacking([]), 0);

  /** The sequence `xs` (copied: the caller keeps its array). */
  static of(xs: Iterable<Proposal>): ExecSeq {
    const items = [...xs];
    return items.length === 0 ? ExecSeq.EMPTY : new ExecSeq(newBacking(items), items.length);
  }

  /**
   * An ExecSeq again after a structured clone (postMessage to another thread keeps the fields
   * and drops the class); an ExecSeq is returned as it is.
   */
  static revive(x: ExecSeq | { readonly backing: { readonly items: readonly Proposal[]; readonly base: number }; readonly length: number }): ExecSeq {
    if (x instanceof ExecSeq) return x;
    if (x.backing.base > 0) throw new ForgottenHistoryError('revive', x.backing.base);
    return ExecSeq.of(x.backing.items.slice(0, x.length));
  }

  /** What holds its elements (shared by versions: one per backing), and how many it holds. */
  get holder(): { readonly items: readonly unknown[] } {
    return this.backing;
  }

  /** The index of its first element still held (0 unless a window forgot some). */
  get base(): number {
    return this.backing.base;
  }

  get(i: number): Proposal {
    if ((i | 0) !== i || i < 0 || i >= this.length) throw new RangeError(`index ${i} outside a history of ${this.length}`);
    const b = this.backing;
    if (i < b.base) throw new ForgottenHistoryError(`request ${i + 1}`, b.base);
    return b.items[i - b.base]!;
  }

  /**
   * Forgets the elements below index `b` of this version's backing, for every version that
   * shares it. Amortized: the array is cut only once the part to drop is as long as the rest,
   * so each element is moved O(1) times. Their digest chain is extended past them first.
   */
  forgetBelow(b: number): void {
    const k = this.backing;
    const drop = Math.min(b, this.length) - k.base;
    if (drop <= 0 || drop < k.items.length - drop) return;
    this.digestAt(k.base + drop);
    const digest = k.digests[drop - 1]!;
    k.items = k.items.slice(drop);
    k.digests = k.digests.slice(drop);
    k.base += drop;
    k.baseDigest = digest;
  }

  /**
   * HistoryDigest(L) of its first L elements: SHA-256 chained over their keys, so that
   * equal histories have equal digests whatever backing holds them, and a digest needs no
   * element it has already passed (a Welcome of a long history is named by it, after the
   * window forgot its start).
   */
  digestAt(L: number): string {
    const k = this.backing;
    if (L > this.length) throw new RangeError(`digest of ${L} requests of a history of ${this.length}`);
    if (L === k.base) return k.baseDigest;
    if (L < k.base) throw new ForgottenHistoryError(`the digest of the first ${L} requests`, k.base);
    // digests[j] stands for the first base + j + 1 elements of the backing; a shorter version's
    // elements are the backing's first ones, so one chain serves every version.
    for (let j = k.digests.length; j < L - k.base; j++) {
      k.digests.push(chainDigest(j === 0 ? k.baseDigest : k.digests[j - 1]!, propKey(k.items[j]!)));
    }
    return k.digests[L - k.base - 1]!;
  }

  /** The digest of this version's elements (see digestAt). */
  digest(): string {
    return this.digestAt(this.length);
  }

  /**
   * Its first k elements, sharing the backing (a restarted replica's history is a prefix of
   * the one it had): O(1), and valid after a window forgot the start.
   */
  prefix(k: number): ExecSeq {
    if ((k | 0) !== k || k < 0 || k > this.length) throw new RangeError(`the first ${k} requests of a history of ${this.length}`);
    if (k === this.length) return this;
    return k === 0 ? ExecSeq.EMPTY : new ExecSeq(this.backing, k);
  }

  /** This sequence followed by `run`. */
  appended(run: readonly Proposal[]): ExecSeq {
    if (run.length === 0) return this;
    const k = this.backing;
    if (this.length < k.base) throw new ForgottenHistoryError(`a version of ${this.length} requests`, k.base);
    if (k.base + k.items.length === this.length && this !== ExecSeq.EMPTY) {
      for (const p of run) k.items.push(p);
      return new ExecSeq(k, this.length + run.length);
    }
    // A longer version goes on with `run` already (another replica executed the same requests
    // first, on a history both hold a version of, as after one installed the other's Welcome):
    // share it. Replicas that each start from EMPTY hold an array each: sharing one from the
    // start would let a replica that lags, or is down for good, pin the whole run in the
    // history window (historyWindow.ts), where an array of its own bounds only itself.
    if (this.continuesWith(run)) return new ExecSeq(k, this.length + run.length);
    // A copy from the backing's base: what is below it is no one's to read again.
    const items = k.items.slice(0, this.length - k.base);
    for (const p of run) items.push(p);
    const digests = k.digests.slice(0, Math.min(k.digests.length, this.length - k.base));
    return new ExecSeq({ items, base: k.base, baseDigest: k.baseDigest, digests }, this.length + run.length);
  }

  /** Whether the backing holds `run`'s requests right after this version's elements. */
  private continuesWith(run: readonly Proposal[]): boolean {
    const k = this.backing;
    if (k.base + k.items.length < this.length + run.length) return false;
    for (let i = 0; i < run.length; i++) {
      const a = k.items[this.length - k.base + i]!;
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
    const k = this.held(0, 'the whole history');
    const out = new Array<T>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = f(k.items[i]!, i);
    return out;
  }

  /** A new array of the elements from index `from` up to `to` (exclusive). */
  slice(from: number, to: number): Proposal[] {
    if (from < 0 || to > this.length || from > to) throw new RangeError(`range ${from}..${to} outside a history of ${this.length}`);
    const k = this.held(from, `requests ${from + 1}..${to}`);
    return k.items.slice(from - k.base, to - k.base);
  }

  /** A new array of the elements. */
  toArray(): Proposal[] {
    return this.slice(0, this.length);
  }

  /** The backing, when it still holds index `from` on. */
  private held(from: number, what: string): Backing {
    const k = this.backing;
    if (from < k.base) throw new ForgottenHistoryError(what, k.base);
    return k;
  }

  /** JSON.stringify writes the sequence, as it would an array. */
  toJSON(): Proposal[] {
    return this.toArray();
  }

  *[Symbol.iterator](): Iterator<Proposal> {
    const k = this.held(0, 'the whole history');
    for (let i = 0; i < this.length; i++) yield k.items[i]!;
  }
}
