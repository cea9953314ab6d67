import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExecutedTable } from '../../src/roles/executedTable.js';
import { IdRanges } from '../../src/util/idRanges.js';
import { prop } from './fake-host.js';

describe('IdRanges', () => {
  it('answers membership exactly like a Set, whatever the order ids are added in', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 80 }), fc.integer({ min: 1, max: 61 }), (ids, probe) => {
      const ranges = new IdRanges();
      const model = new Set<number>();
      for (const id of ids) {
        ranges.add(id);
        model.add(id);
      }
      for (let id = 1; id <= 61; id++) expect(ranges.has(id)).toBe(model.has(id));
      expect(ranges.has(probe)).toBe(model.has(probe));
      // One range per run of consecutive ids: the size is the runs, not the ids.
      const sorted = [...model].sort((a, b) => a - b);
      const runs = sorted.filter((id, i) => i === 0 || sorted[i - 1] !== id - 1).length;
      expect(ranges.rangeCount).toBe(runs);
      expect(IdRanges.fromPairs(ranges.toPairs()).toPairs()).toEqual(ranges.toPairs());
    }), { seed: 11 });
  });

  it('with(id) returns a new set and leaves every earlier version as it was', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 60 }), (ids) => {
      const versions: [IdRanges, number[]][] = [];
      let set = new IdRanges();
      for (const id of ids) {
        const before = set.toPairs();
        const next = set.with(id);
        expect(set.toPairs()).toEqual(before);
        expect(next === set).toBe(before.some(([lo, hi]) => lo <= id && id <= hi));
        set = next;
        versions.push([set, [...new Set(ids.slice(0, versions.length + 1))]]);
      }
      for (const [v, held] of versions) for (let id = 1; id <= 41; id++) expect(v.has(id)).toBe(held.includes(id));
    }), { seed: 12 });
  });

  it('is the same set again after a structured clone and revive', () => {
    const set = IdRanges.fromPairs([[1, 3], [7, 7], [9, 20]]);
    const revived = IdRanges.revive(structuredClone(set));
    expect(revived).toBeInstanceOf(IdRanges);
    expect(revived.toPairs()).toEqual(set.toPairs());
    expect(revived.with(8).toPairs()).toEqual([[1, 3], [7, 20]]);
  });

  it('refuses pairs that are not ascending, disjoint, non-adjacent ranges', () => {
    expect(() => IdRanges.fromPairs([[3, 4], [1, 2]])).toThrow(/overlaps or touches/);
    expect(() => IdRanges.fromPairs([[1, 2], [3, 4]])).toThrow(/overlaps or touches/);
    expect(() => IdRanges.fromPairs([[0, 2]])).toThrow(/positive integers/);
    expect(() => IdRanges.fromPairs([[5, 4]])).toThrow(/positive integers/);
  });

  it('refuses a range whose upper end is not a safe integer, whatever its lower end', () => {
    // The pairs come from a peer's or the disk's executed table. A fractional or unsafe end
    // makes a set no add() can build: adding the next id leaves ranges that touch, which the
    // node's own next snapshot then cannot read back.
    for (const hi of [2.5, 2 ** 53, Number.MAX_VALUE, '5' as unknown as number]) {
      expect(() => IdRanges.fromPairs([[1, hi]]), String(hi)).toThrow(/is not a range of positive integers/);
      expect(() => IdRanges.fromPairs([[1, 1], [3, hi]]), String(hi)).toThrow(/range 1 .* is not a range of positive integers/);
    }
    expect(() => ExecutedTable.fromJson({ count: 3, callers: [[1, [[1, 2.5]], []]] }, 3)).toThrow(/is not a range of positive integers/);
  });
});

describe('ExecutedTable', () => {
  it('keeps one range per caller for 100,000 executions in order, and at most keepOutputs outputs', () => {
    const table = new ExecutedTable(10);
    for (let id = 1; id <= 100_000; id++) table.record(prop(1 + (id % 5), id), id);
    expect(table.count).toBe(100_000);
    expect(table.size).toEqual({ ranges: 5 * 20_000, outputs: 50 }); // ids of one caller step by 5 here
    const dense = new ExecutedTable(10);
    for (let id = 1; id <= 100_000; id++) dense.record(prop(1, id), id);
    expect(dense.size).toEqual({ ranges: 1, outputs: 10 });
    expect(dense.has(prop(1, 1))).toBe(true); // never forgotten
    expect(dense.has(prop(1, 100_001))).toBe(false);
    expect(dense.get(prop(1, 1))).toBeUndefined(); // its output is no longer kept
    expect(dense.get(prop(1, 100_000))).toEqual({ prop: prop(1, 100_000), output: 100_000, index: 100_000 });
  });

  it('round-trips through JSON and refuses a table that lies', () => {
    const table = new ExecutedTable(3);
    table.record(prop(2, 7), 'a');
    table.record(prop(1, 1), { x: 1 });
    table.record(prop(2, 8), null);
    const back = ExecutedTable.fromJson(JSON.parse(JSON.stringify(table.toJson())), 3);
    expect(back.toJson()).toEqual(table.toJson());
    expect(back.get(prop(2, 7))).toEqual({ prop: prop(2, 7), output: 'a', index: 1 });

    const bad = (json: unknown) => () => ExecutedTable.fromJson(json, 3);
    expect(bad({ count: 1, callers: [[1, [[1, 1]], [[2, 1, 'x']]]] })).toThrow(/did not execute/);
    expect(bad({ count: 1, callers: [[1, [[1, 1]], [[1, 2, 'x']]]] })).toThrow(/index in 1..1/);
    expect(bad({ count: 1, callers: [[2, [[1, 1]], []], [1, [[1, 1]], []]] })).toThrow(/above the one before/);
    expect(bad({ count: -1, callers: [] })).toThrow(/count/);
    // Ids executed beyond the count (a table cut or forged on the way): refused, not believed.
    expect(bad({ count: 2, callers: [[1, [[1, 2]], []], [2, [[5, 5]], []]] })).toThrow(/hold 3 executed requests, more than its count 2/);
    expect(ExecutedTable.fromJson({ count: 3, callers: [[1, [[1, 2]], []], [2, [[5, 5]], []]] }, 3).count).toBe(3);
    expect(bad({ count: 0, callers: [[1, [[1, 1]], [[1, 1, 0], [1, 1, 0], [1, 1, 0], [1, 1, 0]]]] })).toThrow(/at most 3/);
  });
});
