/**
 * Which outputs an ExecutedTable keeps: per caller, those of its last keepOutputs executions,
 * oldest first, across JSON round trips (a replica restored from a snapshot keeps evicting in
 * the same order as the one that wrote it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExecutedTable } from '../../src/roles/executedTable.js';
import { prop } from './fake-host.js';

/** The plain model: per caller every [clientId, index, output] executed, in execution order. */
function modelKept(history: readonly [number, number][], keep: number): Map<number, [number, number, unknown][]> {
  const byCaller = new Map<number, [number, number, unknown][]>();
  history.forEach(([caller, clientId], i) => {
    const list = byCaller.get(caller) ?? [];
    list.push([clientId, i + 1, `out ${i + 1}`]);
    byCaller.set(caller, list);
  });
  for (const [caller, list] of byCaller) byCaller.set(caller, list.slice(-keep));
  return byCaller;
}

describe('ExecutedTable outputs', () => {
  it('keeps each caller\'s last keepOutputs outputs, oldest first, also after a JSON round trip mid-way', () => {
    const requests = fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 40 })), {
      selector: ([caller, clientId]) => `${caller}:${clientId}`, maxLength: 90,
    });
    fc.assert(fc.property(requests, fc.integer({ min: 1, max: 6 }), fc.nat(90), (history, keep, cut) => {
      let table = new ExecutedTable(keep);
      history.forEach(([caller, clientId], i) => {
        if (i === cut) table = ExecutedTable.fromJson(JSON.parse(JSON.stringify(table.toJson())), keep);
        table.record(prop(caller, clientId), `out ${i + 1}`);
      });
      const model = modelKept(history, keep);
      const json = table.toJson();
      expect(json.count).toBe(history.length);
      expect(new Map(json.callers.map(([caller, , outputs]) => [caller, outputs]))).toEqual(model);
      history.forEach(([caller, clientId], i) => {
        const kept = model.get(caller)!.some(([id]) => id === clientId);
        expect(table.get(prop(caller, clientId))).toEqual(kept ? { prop: prop(caller, clientId), output: `out ${i + 1}`, index: i + 1 } : undefined);
        expect(table.has(prop(caller, clientId))).toBe(true);
      });
      expect(table.size.outputs).toBe([...model.values()].reduce((n, l) => n + l.length, 0));
    }), { seed: 12, numRuns: 300 });
  });

  it('holds the owing node\'s installed outputs apart until each is asked for once (oweAnswers)', () => {
    const table = new ExecutedTable(2);
    table.record(prop(2, 10), 'ten');
    table.record(prop(3, 1), 'other');
    table.record(prop(2, 9), 'nine');
    table.record(prop(3, 2), 'other 2');
    table.oweAnswers(2);
    table.record(prop(2, 11), 'eleven');
    table.record(prop(2, 12), 'twelve');
    table.record(prop(3, 3), 'other 3');
    // Past the latest two of caller 2, its installed outputs still answer; caller 3's do not.
    expect(table.get(prop(2, 10))).toEqual({ prop: prop(2, 10), output: 'ten', index: 1 });
    expect(table.get(prop(2, 9))).toEqual({ prop: prop(2, 9), output: 'nine', index: 3 });
    expect(table.get(prop(3, 1))).toBeUndefined();
    expect(table.size.outputs).toBe(6);
    table.answered(prop(2, 10));
    expect(table.get(prop(2, 10))).toBeUndefined();
    expect(table.get(prop(2, 9))?.output).toBe('nine');
    // A new install replaces what was owed: caller 3's latest two, counted once.
    table.oweAnswers(3);
    expect(table.get(prop(2, 9))).toBeUndefined();
    expect(table.size.outputs).toBe(4);
  });

  it('keeps only the newer output of a request recorded twice, as the newest', () => {
    const table = new ExecutedTable(3);
    table.record(prop(1, 1), 'first');
    table.record(prop(1, 2), 'b');
    table.record(prop(1, 1), 'again');
    expect(table.get(prop(1, 1))).toEqual({ prop: prop(1, 1), output: 'again', index: 3 });
    expect(table.toJson().callers).toEqual([[1, [[1, 2]], [[2, 2, 'b'], [1, 3, 'again']]]]);
    table.record(prop(1, 3), 'c');
    table.record(prop(1, 4), 'd');
    expect(table.toJson().callers).toEqual([[1, [[1, 4]], [[1, 3, 'again'], [3, 4, 'c'], [4, 5, 'd']]]]);
  });

  it('refuses a table that lists one request\'s output twice', () => {
    expect(() => ExecutedTable.fromJson({ count: 2, callers: [[1, [[1, 2]], [[1, 1, 'x'], [1, 2, 'y']]]] }, 3)).toThrow(/two outputs for request 1/);
  });

  it('holds O(keepOutputs) entries per caller however many it executed, not one hole per dropped output', () => {
    const table = new ExecutedTable(4);
    const arrays = () => [...(table as unknown as { callers: Map<number, { outputs: { entries: unknown[] } }> }).callers.values()].map((r) => r.outputs.entries.length);
    for (let id = 1; id <= 1_000; id++) table.record(prop(1 + (id % 2), id), id);
    const early = arrays();
    for (let id = 1_001; id <= 4_000; id++) table.record(prop(1 + (id % 2), id), id);
    // `size` counts only what is live; the array behind it is what memory holds.
    expect(table.size.outputs).toBe(8);
    for (const length of [...early, ...arrays()]) expect(length).toBeLessThanOrEqual(2 * 4 + 1);
  });
});
