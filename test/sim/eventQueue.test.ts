import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { EventQueue } from '../../src/sim/eventQueue.js';

describe('EventQueue', () => {
  it('pops by time, then by insertion order for equal times', () => {
    const q = new EventQueue<string>();
    q.push(5, 'a');
    q.push(1, 'b');
    q.push(5, 'c');
    q.push(0, 'd');
    q.push(1, 'e');
    const out: string[] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push(e.event);
    expect(out).toEqual(['d', 'b', 'e', 'a', 'c']);
    expect(q.size).toBe(0);
    expect(q.pop()).toBeUndefined();
  });

  it('property: pop order equals a stable sort by time', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const q = new EventQueue<number>();
        times.forEach((t, i) => q.push(t, i));
        const popped: number[] = [];
        for (let e = q.pop(); e; e = q.pop()) popped.push(e.event);
        const expected = times.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[1]);
        expect(popped).toEqual(expected);
      }),
    );
  });

  it('pushes and pops without sorting or splicing its array (a heap: O(log n) each)', () => {
    // A sorted array is a heap too, so a queue that sorted itself at every push popped the
    // same events in the same order, at O(n log n) a push: no order test could tell.
    const q = new EventQueue<number>();
    const proto = Array.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    const spies = ['sort', 'splice', 'unshift'].map((m) => vi.spyOn(proto, m as 'sort'));
    try {
      for (let i = 0; i < 2_000; i++) q.push((i * 7919) % 1000, i);
      for (let i = 0; i < 1_000; i++) q.pop();
      for (let i = 0; i < 1_000; i++) q.push(1000 + ((i * 31) % 50), i);
      for (let e = q.pop(); e; e = q.pop()) { /* drain */ }
      for (const s of spies) expect(s, s.getMockName()).not.toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('rejects a non-finite time', () => {
    expect(() => new EventQueue<number>().push(Number.NaN, 1)).toThrow(/finite/);
  });
});
