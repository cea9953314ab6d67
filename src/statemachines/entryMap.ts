/**
 * The entries of an application state (kv's values, bank's balances) as a persistent map:
 * `with` returns a new map in O(log n) and leaves this one as it was, so a state a replica
 * still holds (in a Welcome, an old snapshot, a test) is never touched. The copy of the whole
 * record each write used to make cost O(entries) per command: a store of 10,000 keys applied
 * fewer than 200 writes a second.
 *
 * Its JSON is the record it stands for, its keys set in code-point order whatever order they were
 * written in: a state's JSON text (what a Welcome without checkpoints carries) and its digest
 * (digest.ts canonicalJson) are those of the plain record the apps kept before. (JavaScript lists
 * a record's integer-like keys first, ascending, so JSON.stringify writes "2" before "10" and
 * before "a"; canonicalJson sorts every key. Both are deterministic.)
 */
import { Map as ImmutableMap } from 'immutable';
import { fmix32 } from '../util/fmix32.js';

/**
 * A persistent map from names to values: a ReadonlyMap whose `with` gives a new version in
 * O(log n). What `kv` keeps its values in and `bank` its balances.
 */
export class EntryMap<V> implements ReadonlyMap<string, V> {
  /**
   * The two lanes of the sum of entryHash over the entries (entriesDigest), when `#summed`.
   * They are worked out at the first entriesDigest, in one pass, and from then on kept up to
   * date by `with`: a replica that never reports a digest (an untraced node) never hashes an
   * entry. They are a function of the entries alone, so setting them later changes nothing any
   * holder of this map can see; as # fields they are no properties either, so two maps of the
   * same entries are deeply equal whether or not one was asked for its digest.
   */
  #sumA: number;
  #sumB: number;
  #summed: boolean;

  private constructor(private readonly map: ImmutableMap<string, V>, sumA: number, sumB: number, summed: boolean) {
    this.#sumA = sumA;
    this.#sumB = sumB;
    this.#summed = summed;
  }

  /** The empty map. */
  static empty<V>(): EntryMap<V> {
    return new EntryMap(ImmutableMap<string, V>(), 0, 0, false);
  }

  /** The map of these entries (a later one with the same key wins), built in one pass. */
  static of<V>(entries: Iterable<readonly [string, V]>): EntryMap<V> {
    const map = ImmutableMap<string, V>().withMutations((m) => {
      for (const [k, v] of entries) m.set(k, v);
    });
    return new EntryMap(map, 0, 0, false);
  }

  /**
   * A digest of the entries that costs O(1): their count and the sum, lane by lane modulo
   * 2^32, of a 64-bit hash of each (key, value), kept up to date by `with` once this or an
   * earlier version of the map was asked for it (O(n) the first time). Equal maps give
   * equal digests whatever order their keys were set in; maps that differ give different
   * ones but for a collision of 64 bits. It is a check device (a replica whose state went
   * wrong), not a commitment against someone forging states: the hash is not cryptographic.
   * The apps' digests (kv, bank) are this, hashed with the app's name; the canonical JSON's
   * digest (digest.ts stateDigest) costs O(entries) per execution, 330 ms at 100,000 keys.
   */
  entriesDigest(): string {
    if (!this.#summed) this.sum();
    return `${this.map.size}:${hex8(this.#sumA)}${hex8(this.#sumB)}`;
  }

  /** Works out the lanes from the entries: O(n), once per map that was not given them. */
  private sum(): void {
    let a = 0;
    let b = 0;
    for (const [k, v] of this.map) {
      entryHash(k, v);
      a = (a + hashA) >>> 0;
      b = (b + hashB) >>> 0;
    }
    this.#sumA = a;
    this.#sumB = b;
    this.#summed = true;
  }

  /** The [key, value] pairs in the order of sortedKeys (one pass over the map, then a sort). */
  sortedEntries(): Array<[string, V]> {
    return [...this.map.entries()].sort(byKey);
  }

  /** The number of entries. */
  get size(): number {
    return this.map.size;
  }

  /** The value under `key`, undefined when it has none. */
  get(key: string): V | undefined {
    return this.map.get(key);
  }

  /** Whether `key` has a value. */
  has(key: string): boolean {
    return this.map.has(key);
  }

  /** This map with `key` set to `value`; this one is unchanged. */
  with(key: string, value: V): EntryMap<V> {
    if (!this.#summed) return new EntryMap(this.map.set(key, value), 0, 0, false);
    let a = this.#sumA;
    let b = this.#sumB;
    const old = this.map.get(key, ABSENT);
    if (old !== ABSENT) {
      entryHash(key, old);
      a = (a - hashA) >>> 0;
      b = (b - hashB) >>> 0;
    }
    entryHash(key, value);
    return new EntryMap(this.map.set(key, value), (a + hashA) >>> 0, (b + hashB) >>> 0, true);
  }

  /**
   * The keys in the order snapshots and JSON list them: ascending UTF-16 code units (the
   * default sort), so equal maps give equal bytes whatever order their keys were set in. O(n log n).
   */
  sortedKeys(): string[] {
    return [...this.map.keys()].sort();
  }

  /** The keys, in the map's own order (not sorted: see sortedKeys). */
  keys(): MapIterator<string> {
    return this.map.keys() as MapIterator<string>;
  }

  /** The values, in the order of keys(). */
  values(): MapIterator<V> {
    return this.map.values() as MapIterator<V>;
  }

  /** The [key, value] pairs, in the order of keys(). */
  entries(): MapIterator<[string, V]> {
    return this.map.entries() as MapIterator<[string, V]>;
  }

  /** As entries(). */
  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  /** Calls `callback` with each value and key, in the order of keys(). */
  forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.map.entries()) callback.call(thisArg, v, k, this);
  }

  /** The record this map stands for, keys set in code-point order ("__proto__" as plain data). */
  toJSON(): Record<string, V> {
    const record: Record<string, V> = {};
    for (const k of this.sortedKeys()) Object.defineProperty(record, k, { value: this.map.get(k), enumerable: true, writable: true, configurable: true });
    return record;
  }
}

/** Ascending UTF-16 code units, as the default sort orders strings. */
const byKey = (a: readonly [string, unknown], b: readonly [string, unknown]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** What `get` answers for a key with no value (no value of any map is this object). */
const ABSENT: never = Object.freeze({}) as never;

/** The two lanes of the last entryHash (module variables: no pair allocated per write). */
let hashA = 0;
let hashB = 0;

/**
 * Hashes one entry into hashA and hashB: two 32-bit lanes (FNV-1a's step and a multiply with
 * MurmurHash2's constant, each finished with MurmurHash3's fmix32) over the key's length, its
 * UTF-16 code units, the value's kind and its text: a string's code units, a number's String,
 * anything else's JSON.stringify (kv keeps strings, bank numbers). The length prefix and the
 * kind (a code above any code unit) make (key, value) to input one-to-one.
 */
function entryHash(key: string, value: unknown): void {
  let a = Math.imul(0x811c9dc5 ^ key.length, 0x01000193);
  let b = Math.imul(0x9747b28c ^ key.length, 0x5bd1e995);
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  const kind = typeof value === 'string' ? 0x10001 : typeof value === 'number' ? 0x10002 : 0x10003;
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : String(JSON.stringify(value));
  a = Math.imul(a ^ kind, 0x01000193);
  b = Math.imul(b ^ kind, 0x5bd1e995);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  hashA = fmix32(a);
  hashB = fmix32(b ^ 0x5f3759df);
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
