/**
 * Persistent maps for the fast spec: `with` and `without` return a new version and leave the
 * old one unchanged, as the spec's values are, but cost O(1) instead of a copy of the map.
 * Replay builds each node's next state from its current one, so copying a set that grows with
 * the trace (an acceptor's accepted pvalues, a replica's decisions) made every event O(trace).
 *
 * The technique is Baker's "shallow binding": the versions of one map form a tree; exactly one
 * version, the root, holds the data (a Map); every other version holds the one change that
 * turns the version it points to back into itself. Reading a version that is not the root
 * first re-roots the tree at it, undoing changes on the way: O(distance), O(1) when versions
 * are used in order (replay moves forward one step at a time).
 *
 * Buckets: an optional secondary index per map family (for example by slot) keeps, for each
 * index value, the entries that have it, so "is slot s decided" is a lookup, not a scan.
 *
 * Iteration gives a snapshot: reading another version while iterating cannot disturb it.
 */

/** An index of a map family: the bucket an entry's value belongs to. */
export type Indexer<V> = (v: V) => string | number;

interface Data<V> {
  map: Map<string, V>;
  /** Per indexer: bucket -> the entries in it. */
  buckets: Map<string | number, Map<string, V>>[];
}

export class PMap<V> implements ReadonlyMap<string, V> {
  /** The data when this version is the root, else null. */
  private data: Data<V> | null;
  /** Not the root: the version whose data, with `key` set back to `old` (or removed), is this one. */
  private next: PMap<V> | null = null;
  private key = '';
  private had = false;
  private old: V | undefined = undefined;

  private constructor(readonly indexers: readonly Indexer<V>[], data: Data<V>, readonly size: number) {
    this.data = data;
  }

  /** An empty map whose family keeps the given bucket indexes. */
  static empty<V>(indexers: readonly Indexer<V>[] = []): PMap<V> {
    return new PMap(indexers, { map: new Map(), buckets: indexers.map(() => new Map()) }, 0);
  }

  /** `m` as a persistent map of this family (a PMap of the same indexers is returned as is; others are copied once). */
  static from<V>(m: ReadonlyMap<string, V>, indexers: readonly Indexer<V>[] = []): PMap<V> {
    if (m instanceof PMap && m.indexers === indexers) return m as PMap<V>;
    let p = PMap.empty<V>(indexers);
    for (const [k, v] of m) p = p.with(k, v);
    return p;
  }

  /** The set with key k added (keys are canonical texts: a key present already means an equal value). */
  with(k: string, v: V): PMap<V> {
    const d = this.root();
    if (d.map.has(k)) return this;
    const nv = new PMap(this.indexers, d, this.size + 1);
    put(d, this.indexers, k, v);
    this.becomeDiff(nv, k, false, undefined);
    return nv;
  }

  /** The set with key k removed. */
  without(k: string): PMap<V> {
    const d = this.root();
    if (!d.map.has(k)) return this;
    const old = d.map.get(k) as V;
    const nv = new PMap(this.indexers, d, this.size - 1);
    remove(d, this.indexers, k, old);
    this.becomeDiff(nv, k, true, old);
    return nv;
  }

  has(k: string): boolean { return this.root().map.has(k); }
  get(k: string): V | undefined { return this.root().map.get(k); }

  /** The values in bucket b of indexer i (a snapshot). */
  bucket(i: number, b: string | number): V[] {
    const m = this.root().buckets[i]!.get(b);
    return m === undefined ? [] : [...m.values()];
  }
  /** The keys in bucket b of indexer i (a snapshot). */
  bucketKeys(i: number, b: string | number): string[] {
    const m = this.root().buckets[i]!.get(b);
    return m === undefined ? [] : [...m.keys()];
  }
  /** How many entries bucket b of indexer i holds. */
  bucketSize(i: number, b: string | number): number {
    return this.root().buckets[i]!.get(b)?.size ?? 0;
  }

  entries(): MapIterator<[string, V]> { return [...this.root().map.entries()][Symbol.iterator]() as MapIterator<[string, V]>; }
  keys(): MapIterator<string> { return [...this.root().map.keys()][Symbol.iterator]() as MapIterator<string>; }
  values(): MapIterator<V> { return [...this.root().map.values()][Symbol.iterator]() as MapIterator<V>; }
  [Symbol.iterator](): MapIterator<[string, V]> { return this.entries(); }
  forEach(f: (v: V, k: string, m: ReadonlyMap<string, V>) => void): void {
    for (const [k, v] of this.entries()) f(v, k, this);
  }

  /**
   * The keys at which this version and `other` may differ, or null when they are more than
   * `limit` changes apart (or of different families). Walks the tree without re-rooting it.
   */
  changedKeys(other: PMap<V>, limit = 64): string[] | null {
    if (other === this) return [];
    // Replay compares consecutive versions: usually `other` is a few steps down this one's
    // chain, and then the keys are collected in one walk with no path kept.
    let steps = 0;
    for (let p: PMap<V> | null = this; p !== null && steps <= limit; p = p.next, steps++) {
      if (p === other) {
        const keys = new Array<string>(steps);
        let q: PMap<V> = this;
        for (let i = 0; i < steps; i++, q = q.next!) keys[i] = q.key;
        return keys;
      }
    }
    // Otherwise both chains lead to a common version: the keys along each up to it.
    const path: PMap<V>[] = [];
    for (let p: PMap<V> | null = this; p !== null && path.length <= limit; p = p.next) path.push(p);
    const keys: string[] = [];
    for (let p: PMap<V> | null = other, n = 0; p !== null && n <= limit; p = p.next, n++) {
      const at = path.indexOf(p);
      if (at >= 0) {
        for (let i = 0; i < at; i++) keys.push(path[i]!.key);
        return keys;
      }
      keys.push(p.key);
    }
    return null;
  }

  private becomeDiff(next: PMap<V>, key: string, had: boolean, old: V | undefined): void {
    this.data = null;
    this.next = next;
    this.key = key;
    this.had = had;
    this.old = old;
  }

  /** Re-roots the family's tree at this version and returns its data. */
  private root(): Data<V> {
    if (this.data !== null) return this.data;
    const path: PMap<V>[] = [];
    let cur: PMap<V> = this;
    while (cur.data === null) { path.push(cur); cur = cur.next!; }
    for (let i = path.length - 1; i >= 0; i--) {
      const q = path[i]!;
      const d = cur.data!;
      const k = q.key;
      const curHad = d.map.has(k);
      const curOld = d.map.get(k);
      if (curHad) remove(d, this.indexers, k, curOld as V);
      if (q.had) put(d, this.indexers, k, q.old as V);
      cur.becomeDiff(q, k, curHad, curOld);
      q.data = d;
      q.next = null;
      q.old = undefined;
      cur = q;
    }
    return this.data!;
  }
}

function put<V>(d: Data<V>, indexers: readonly Indexer<V>[], k: string, v: V): void {
  d.map.set(k, v);
  for (let i = 0; i < indexers.length; i++) {
    const b = indexers[i]!(v);
    let m = d.buckets[i]!.get(b);
    if (m === undefined) { m = new Map(); d.buckets[i]!.set(b, m); }
    m.set(k, v);
  }
}

function remove<V>(d: Data<V>, indexers: readonly Indexer<V>[], k: string, v: V): void {
  d.map.delete(k);
  for (let i = 0; i < indexers.length; i++) {
    const b = indexers[i]!(v);
    const m = d.buckets[i]!.get(b);
    if (m === undefined) continue;
    m.delete(k);
    if (m.size === 0) d.buckets[i]!.delete(b);
  }
}

/** A persistent set of strings (a PMap whose values are the keys), for ReadonlySet readers. */
export class PSet implements ReadonlySet<string> {
  private constructor(readonly map: PMap<string>) {}
  /** A new empty set (not a shared constant: an old version keeps the newer ones it leads to alive). */
  static empty(): PSet { return new PSet(PMap.empty<string>()); }
  static from(s: ReadonlySet<string>): PSet {
    if (s instanceof PSet) return s;
    let p = PSet.empty();
    for (const k of s) p = p.with(k);
    return p;
  }
  get size(): number { return this.map.size; }
  with(k: string): PSet { const m = this.map.with(k, k); return m === this.map ? this : new PSet(m); }
  without(k: string): PSet { const m = this.map.without(k); return m === this.map ? this : new PSet(m); }
  has(k: string): boolean { return this.map.has(k); }
  keys(): SetIterator<string> { return this.map.keys() as unknown as SetIterator<string>; }
  values(): SetIterator<string> { return this.map.keys() as unknown as SetIterator<string>; }
  entries(): SetIterator<[string, string]> { return this.map.entries() as unknown as SetIterator<[string, string]>; }
  [Symbol.iterator](): SetIterator<string> { return this.keys(); }
  forEach(f: (v: string, k: string, s: ReadonlySet<string>) => void): void {
    for (const k of this.map.keys()) f(k, k, this);
  }
}
