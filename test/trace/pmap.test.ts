import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PMap, PSet } from '../../src/trace/spec/pmap.js';

/** Values carry a slot so the bucket index can be checked against a scan. */
interface V { slot: number; tag: string }
const bySlot = (v: V): number => v.slot;
const INDEXERS = [bySlot];

type Op = { kind: 'with'; from: number; key: number } | { kind: 'without'; from: number; key: number } | { kind: 'read'; at: number };
const op = fc.oneof(
  fc.record({ kind: fc.constant('with' as const), from: fc.nat(), key: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ kind: fc.constant('without' as const), from: fc.nat(), key: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ kind: fc.constant('read' as const), at: fc.nat() }),
);

const value = (key: number): V => ({ slot: key % 4, tag: `v${key}` });

function expectEqual(p: PMap<V>, model: Map<string, V>): void {
  expect(p.size).toBe(model.size);
  expect([...p.keys()].sort()).toEqual([...model.keys()].sort());
  for (const [k, v] of model) expect(p.get(k)).toBe(v);
  for (let s = 0; s < 4; s++) {
    const scan = [...model.entries()].filter(([, v]) => v.slot === s).map(([k]) => k).sort();
    expect(p.bucketKeys(0, s).sort()).toEqual(scan);
    expect(p.bucketSize(0, s)).toBe(scan.length);
  }
}

describe('PMap (persistent map, re-rooted on read)', () => {
  it('every version keeps its contents whatever is done to the others, in any order', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const versions: PMap<V>[] = [PMap.empty(INDEXERS)];
      const models: Map<string, V>[] = [new Map()];
      for (const o of ops) {
        if (o.kind === 'read') {
          const i = o.at % versions.length;
          expectEqual(versions[i]!, models[i]!);
          continue;
        }
        const i = o.from % versions.length;
        const k = `k${o.key}`;
        const m = new Map(models[i]!);
        let p: PMap<V>;
        if (o.kind === 'with') {
          // An existing key keeps its value object (keys are canonical texts of equal values).
          if (!m.has(k)) m.set(k, value(o.key));
          p = versions[i]!.with(k, m.get(k)!);
        } else {
          m.delete(k);
          p = versions[i]!.without(k);
        }
        versions.push(p);
        models.push(m);
      }
      versions.forEach((p, i) => expectEqual(p, models[i]!));
    }), { numRuns: 300 });
  });

  it('changedKeys covers every key at which two versions differ', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), fc.nat(), fc.nat(), (ops, a, b) => {
      const versions: PMap<V>[] = [PMap.empty(INDEXERS)];
      for (const o of ops) {
        if (o.kind === 'read') { void versions[o.at % versions.length]!.size; continue; }
        const from = versions[o.from % versions.length]!;
        versions.push(o.kind === 'with' ? from.with(`k${o.key}`, value(o.key)) : from.without(`k${o.key}`));
      }
      const x = versions[a % versions.length]!;
      const y = versions[b % versions.length]!;
      const changed = x.changedKeys(y, 1000);
      expect(changed).not.toBeNull();
      const ks = new Set(changed);
      for (let key = 0; key <= 12; key++) {
        const k = `k${key}`;
        if (x.has(k) !== y.has(k)) expect(ks.has(k)).toBe(true);
      }
    }), { numRuns: 300 });
  });

  it('iterating a version gives its entries even when other versions are read during the iteration', () => {
    // Iteration is a snapshot: reading another version re-roots the family's one shared Map,
    // and a live iterator over that Map would then walk the other version's entries.
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), fc.nat(), fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (ops, at, reads) => {
      const versions: PMap<V>[] = [PMap.empty(INDEXERS)];
      const models: Map<string, V>[] = [new Map()];
      for (const o of ops) {
        if (o.kind === 'read') continue;
        const i = o.from % versions.length;
        const k = `k${o.key}`;
        const m = new Map(models[i]!);
        if (o.kind === 'with') m.set(k, value(o.key)); else m.delete(k);
        versions.push(o.kind === 'with' ? versions[i]!.with(k, value(o.key)) : versions[i]!.without(k));
        models.push(m);
      }
      const i = at % versions.length;
      const p = versions[i]!;
      const touch = (j: number): void => { const q = versions[reads[j % reads.length]! % versions.length]!; void q.has('k0'); };
      const expected = [...models[i]!.keys()].sort();
      const seen = { entries: [] as string[], keys: [] as string[], values: [] as string[] };
      // Stop past the version's size: a live iterator may meet re-added keys without end.
      const bound = expected.length + 1;
      let j = 0;
      for (const [k] of p.entries()) { seen.entries.push(k); touch(j++); if (seen.entries.length > bound) break; }
      for (const k of p.keys()) { seen.keys.push(k); touch(j++); if (seen.keys.length > bound) break; }
      for (const v of p.values()) { seen.values.push(v.tag); touch(j++); if (seen.values.length > bound) break; }
      expect(seen.entries.sort()).toEqual(expected);
      expect(seen.keys.sort()).toEqual(expected);
      expect(seen.values.sort()).toEqual([...models[i]!.values()].map((v) => v.tag).sort());
    }), { seed: 5, numRuns: 300 });
  });

  it('changedKeys gives up beyond its limit (the caller then compares in full)', () => {
    let p = PMap.empty<V>(INDEXERS);
    const first = p;
    for (let i = 0; i < 100; i++) p = p.with(`k${i}`, value(i));
    expect(first.changedKeys(p, 10)).toBeNull();
    expect(first.changedKeys(p, 200)).toHaveLength(100);
  });

  it('from() copies a plain map once and returns a map of its own family as is', () => {
    const plain = new Map([['a', value(1)], ['b', value(2)]]);
    const p = PMap.from(plain, INDEXERS);
    expectEqual(p, plain);
    expect(PMap.from(p, INDEXERS)).toBe(p);
    expect(PMap.from(p, [])).not.toBe(p);
  });

  it('PSet is a ReadonlySet whose with() leaves the old version unchanged', () => {
    const a = PSet.from(new Set(['x']));
    const b = a.with('y');
    expect([...a].sort()).toEqual(['x']);
    expect([...b].sort()).toEqual(['x', 'y']);
    expect(b.with('x')).toBe(b);
    expect(a.has('y')).toBe(false);
    expect(b.has('y')).toBe(true);
  });
});
