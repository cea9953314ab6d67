/**
 * EntryMap, the persistent map under kv's and bank's states: it answers as a plain Map of the
 * same writes, every version keeps its own entries whatever is written to it or to the
 * versions built from it later, and its JSON is the plain record (sorted keys) the apps wrote
 * before, so digests and Welcome texts did not change.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EntryMap } from '../../src/statemachines/entryMap.js';
import { canonicalJson } from '../../src/statemachines/digest.js';

// Few keys, so writes overwrite; "__proto__" and "constructor" among them, as a client may send.
const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', '__proto__', 'constructor', '10', '2', 'é', 'z'.repeat(64));
/** A write to the version at `from` (an index into the versions so far, modulo their count). */
const write = fc.record({ from: fc.nat(), key, value: fc.integer({ min: 0, max: 5 }) });

/** Every version a tree of writes builds, each beside a plain Map of the same writes. */
function versionTree(writes: ReadonlyArray<{ from: number; key: string; value: number }>): Array<{ map: EntryMap<number>; model: Map<string, number> }> {
  const versions: Array<{ map: EntryMap<number>; model: Map<string, number> }> = [{ map: EntryMap.empty(), model: new Map() }];
  for (const w of writes) {
    const base = versions[w.from % versions.length]!;
    versions.push({ map: base.map.with(w.key, w.value), model: new Map(base.model).set(w.key, w.value) });
  }
  return versions;
}

describe('EntryMap', () => {
  it('property: every version of a random tree of writes holds exactly its own writes, in Map order and as JSON', () => {
    fc.assert(fc.property(fc.array(write, { maxLength: 80 }), (writes) => {
      const versions = versionTree(writes);
      // Checked after all writes: a write that changed the version it started from shows here.
      for (const { map, model } of versions) {
        expect(map.size).toBe(model.size);
        for (const k of ['a', 'b', 'c', 'd', 'e', '__proto__', 'constructor', '10', '2', 'é', 'z'.repeat(64), 'missing']) {
          expect(map.has(k)).toBe(model.has(k));
          expect(map.get(k)).toBe(model.get(k));
        }
        const sorted = [...model.keys()].sort();
        expect(map.sortedKeys()).toEqual(sorted);
        expect(map.sortedEntries()).toEqual(sorted.map((k) => [k, model.get(k)]));
        expect(new Map(map)).toEqual(model);
        expect(new Map(map.entries())).toEqual(model);
        expect([...map.keys()].sort()).toEqual(sorted);
        expect([...map.values()].sort()).toEqual([...model.values()].sort());
        const seen = new Map<string, number>();
        map.forEach((v, k, self) => { expect(self).toBe(map); seen.set(k, v); });
        expect(seen).toEqual(model);
        // The JSON is the record of the same entries: own data properties, "__proto__" included.
        const record = map.toJSON();
        expect(Object.keys(record).sort()).toEqual(sorted);
        for (const [k, v] of model) expect(Object.getOwnPropertyDescriptor(record, k)?.value).toBe(v);
        expect(JSON.parse(JSON.stringify(map))).toEqual(JSON.parse(JSON.stringify(record)));
      }
    }), { numRuns: 300 });
  });

  it('its canonical JSON is that of the plain record: an app state digests as it did before the map', () => {
    const map = EntryMap.of<string>([['b', '2'], ['a', '1'], ['__proto__', 'p']]);
    const record: Record<string, string> = {};
    for (const [k, v] of [['a', '1'], ['b', '2'], ['__proto__', 'p']] as const) Object.defineProperty(record, k, { value: v, enumerable: true, writable: true, configurable: true });
    expect(canonicalJson({ entries: map })).toBe(canonicalJson({ entries: record }));
    expect(canonicalJson({ entries: map })).toBe('{"entries":{"__proto__":"p","a":"1","b":"2"}}');
  });

  it('property: its JSON text is the same whatever order the keys were set in', () => {
    // A Welcome without checkpoints carries JSON.stringify(state), cut into parts by character:
    // a replica whose state was restored (keys set in sorted order) and one that built it by
    // commands must write the same text, or parts of the two would join into another state.
    const entries = fc.uniqueArray(fc.tuple(key, fc.integer({ min: 0, max: 5 })), { selector: ([k]) => k, minLength: 2, maxLength: 11 });
    fc.assert(fc.property(entries, (list) => {
      const forward = EntryMap.of(list);
      const backward = [...list].reverse().reduce((m, [k, v]) => m.with(k, v), EntryMap.empty<number>());
      expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
      expect(JSON.stringify({ entries: backward })).toBe(JSON.stringify({ entries: forward }));
    }), { numRuns: 200 });
  });

  it('of: a later entry with the same key wins, as later writes do', () => {
    const map = EntryMap.of([['k', 1], ['j', 2], ['k', 3]]);
    expect(map.toJSON()).toEqual({ j: 2, k: 3 });
    expect(map.size).toBe(2);
  });

  it('property: entriesDigest is the digest of the final entries built at once, whatever the order and the overwrites', () => {
    fc.assert(fc.property(fc.array(write, { maxLength: 60 }), (writes) => {
      const versions = versionTree(writes);
      for (const { map, model } of versions) {
        const entries = [...model];
        expect(map.entriesDigest()).toBe(EntryMap.of(entries).entriesDigest());
        expect(map.entriesDigest()).toBe(EntryMap.of(entries.reverse()).entriesDigest());
      }
    }), { numRuns: 300 });
  });

  it('property: the digest is the same whether a version was asked for it as it was built (then kept by each write) or only at the end (worked out at once)', () => {
    // A step writes to a version, or asks one for its digest: versions built from one that was
    // asked keep the lanes up to date write by write, the others work them out when first asked.
    const step = fc.oneof(write, fc.record({ ask: fc.nat() }));
    fc.assert(fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
      const versions: Array<{ map: EntryMap<number>; model: Map<string, number> }> = [{ map: EntryMap.empty(), model: new Map() }];
      for (const st of steps) {
        if ('ask' in st) {
          versions[st.ask % versions.length]!.map.entriesDigest();
          continue;
        }
        const base = versions[st.from % versions.length]!;
        versions.push({ map: base.map.with(st.key, st.value), model: new Map(base.model).set(st.key, st.value) });
      }
      for (const { map, model } of versions) expect(map.entriesDigest()).toBe(EntryMap.of([...model]).entriesDigest());
    }), { numRuns: 300 });
  });

  it('property: maps whose entries differ have different entriesDigests (a value, a key, an entry more or less, two values swapped, a string for a number)', () => {
    const record = fc.dictionary(fc.string({ maxLength: 6 }), fc.integer({ min: -3, max: 1000 }), { maxKeys: 8 });
    fc.assert(fc.property(record, record, (a, b) => {
      const same = JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
      const digest = (r: Record<string, number>): string => EntryMap.of(Object.entries(r)).entriesDigest();
      expect(digest(a) === digest(b)).toBe(same);
    }), { numRuns: 500 });
    const base = EntryMap.of<unknown>([['a', 1], ['b', 2], ['c', 'x']]);
    const variants = [
      base.with('a', 3), base.with('d', 1), EntryMap.of<unknown>([['a', 1], ['b', 2]]), base.with('a', 2).with('b', 1),
      base.with('a', '1'), base.with('c', 'y'), EntryMap.of<unknown>([['ab', 1], ['b', 2], ['c', 'x']]), EntryMap.of<unknown>([['a', 11], ['b', 2], ['c', 'x']]),
    ];
    const digests = new Set([base, ...variants].map((m) => m.entriesDigest()));
    expect(digests.size).toBe(variants.length + 1);
  });
});

