/**
 * 64-bit fingerprints of encoded states, and the set of fingerprints seen so far.
 *
 * A state is an Int32Array of interned ids (stateCodec.ts); its fingerprint is a 64-bit hash of
 * the content hashes of its parts (each message's, node's and invoked set's canonical text,
 * hashText64), not of the ids: ids depend on the order a thread interned things in, and the
 * parallel search (parallelExplorer.ts) needs every thread to give one state one fingerprint.
 * It is kept as two 32-bit halves. Two different states share a fingerprint with
 * probability about 2^-64 per pair, so a search of M distinct states merges two of them (and
 * misses the successors of one) with probability at most M^2 / 2^65: 3e-8 for a million states,
 * 3e-6 for ten million. TLC takes the same risk with its 64-bit fingerprints and prints the same
 * estimate; `collisionProbability` gives it for a run.
 *
 * The set is open addressing with linear probing over one Uint32Array (two words per slot), so
 * a fingerprint costs 8 bytes at the load it keeps (at most one half), with no object per state.
 */
import { fmix32 } from '../util/fmix32.js';

/** A 64-bit hash of `words[0..length)` (murmur3 x86-style rounds on two lanes, mixed across lanes). */
export function hash64(words: Int32Array, length: number = words.length): [hi: number, lo: number] {
  let h1 = 0x9747b28c | 0;
  let h2 = 0x5bd1e995 | 0;
  for (let i = 0; i < length; i++) {
    let k1 = Math.imul(words[i]!, 0xcc9e2d51);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, 0x1b873593);
    h1 ^= k1;
    h1 = (h1 << 19) | (h1 >>> 13);
    h1 = (h1 + h2) | 0;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;
    let k2 = Math.imul(words[i]!, 0x85ebca6b);
    k2 = (k2 << 16) | (k2 >>> 16);
    k2 = Math.imul(k2, 0xc2b2ae35);
    h2 ^= k2;
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (h2 + h1) | 0;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
  }
  h1 ^= length;
  h2 ^= length;
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  return [h1 >>> 0, h2 >>> 0];
}

/**
 * A 64-bit hash of a text (the same rounds as hash64, over its UTF-16 code units): the content
 * hash of an interned message or node, equal in every thread that interns the same text.
 */
export function hashText64(text: string): [hi: number, lo: number] {
  let h1 = 0x9747b28c | 0;
  let h2 = 0x5bd1e995 | 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let k1 = Math.imul(c, 0xcc9e2d51);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, 0x1b873593);
    h1 ^= k1;
    h1 = (h1 << 19) | (h1 >>> 13);
    h1 = (h1 + h2) | 0;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;
    let k2 = Math.imul(c, 0x85ebca6b);
    k2 = (k2 << 16) | (k2 >>> 16);
    k2 = Math.imul(k2, 0xc2b2ae35);
    h2 ^= k2;
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (h2 + h1) | 0;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
  }
  h1 ^= text.length;
  h2 ^= text.length;
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  return [h1 >>> 0, h2 >>> 0];
}

/** Upper bound on the probability that some two of `states` distinct states share a 64-bit fingerprint. */
export function collisionProbability(states: number): number {
  return (states * states) / 2 ** 65;
}

/** The fingerprints seen so far (the all-zero fingerprint stands for an empty slot, so it is stored as 0:1). */
export class FingerprintSet {
  private table: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(initialSlots = 1 << 16) {
    let slots = 1;
    while (slots < initialSlots) slots *= 2;
    this.table = new Uint32Array(slots * 2);
    this.mask = slots - 1;
  }

  get size(): number { return this.count; }
  /** Bytes held by the table. */
  get bytes(): number { return this.table.byteLength; }

  /** Adds the fingerprint; true if it was not in the set. */
  add(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) lo = 1;
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const inserted = insert(this.table, this.mask, hi, lo);
    if (inserted) this.count++;
    return inserted;
  }

  has(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) lo = 1;
    const t = this.table;
    for (let i = slotOf(hi, lo, this.mask); ; i = (i + 1) & this.mask) {
      const h = t[2 * i]!;
      const l = t[2 * i + 1]!;
      if (h === 0 && l === 0) return false;
      if (h === hi && l === lo) return true;
    }
  }

  private grow(): void {
    const old = this.table;
    const slots = (this.mask + 1) * 2;
    const table = new Uint32Array(slots * 2);
    const mask = slots - 1;
    for (let i = 0; i < old.length; i += 2) {
      const h = old[i]!;
      const l = old[i + 1]!;
      if (h !== 0 || l !== 0) insert(table, mask, h, l);
    }
    this.table = table;
    this.mask = mask;
  }
}

// The low word picks the slot: both words are well mixed, and the high one is compared.
const slotOf = (hi: number, lo: number, mask: number): number => (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;

function insert(t: Uint32Array, mask: number, hi: number, lo: number): boolean {
  for (let i = slotOf(hi, lo, mask); ; i = (i + 1) & mask) {
    const h = t[2 * i]!;
    const l = t[2 * i + 1]!;
    if (h === 0 && l === 0) {
      t[2 * i] = hi;
      t[2 * i + 1] = lo;
      return true;
    }
    if (h === hi && l === lo) return false;
  }
}
