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

/**
 * A persistent map from names to values: a ReadonlyMap whose `with` gives a new version in
 * O(log n). What `kv` keeps its values in and `bank` its balances.
 */
export class EntryMap<V> implements ReadonlyMap<string, V> {
  private constructor(private readonly map: ImmutableMap<string, V>) {}

  /** The empty map. */
  static empty<V>(): EntryMap<V> {
    return new EntryMap(ImmutableMap<string, V>());
  }

  /** The map of these entries (a later one with the same key wins), built in one pass. */
  static of<V>(entries: Iterable<readonly [string, V]>): EntryMap<V> {
    return new EntryMap(ImmutableMap<string, V>().withMutations((m) => {
      for (const [k, v] of entries) m.set(k, v);
    }));
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
    return new EntryMap(this.map.set(key, value));
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
