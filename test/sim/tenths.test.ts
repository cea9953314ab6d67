import { describe, expect, it } from 'vitest';
import { TenthsMeter, cpuPer } from '../../src/util/tenths.js';

/** Fake clocks the test advances by hand. */
function clocks() {
  const c = { cpu: 100, wall: 1000, rss: 10 };
  return { c, clocks: { cpuMs: () => c.cpu, wallMs: () => c.wall, rssBytes: () => c.rss } };
}

describe('TenthsMeter', () => {
  it('closes a tenth at each tenth of the total, with the CPU, wall time and peak memory spent in it', () => {
    const { c, clocks: k } = clocks();
    const m = new TenthsMeter(100, k);
    for (let u = 1; u <= 100; u++) {
      c.cpu += u <= 10 ? 1 : 3; // the first tenth is cheaper
      c.wall += 2;
      c.rss = u === 55 ? 500 : 10 + u;
      if (u % 5 === 0) m.sample();
      m.progress(u);
    }
    expect(m.tenths).toHaveLength(10);
    expect(m.tenths.map((t) => t.units)).toEqual(Array(10).fill(10));
    expect(m.tenths[0]).toEqual({ units: 10, cpuMs: 10, wallMs: 20, peakRssBytes: 20 });
    expect(m.tenths[5]!.peakRssBytes).toBe(500);
    expect(m.tenths[6]!.peakRssBytes).toBe(80); // sampled again as the tenth closes (unit 70)
    expect(cpuPer(m.tenths, 1000)).toEqual([1000, ...Array(9).fill(3000)]);
  });

  it('covers a total that ten does not divide, and closes several tenths at one jump', () => {
    const { c, clocks: k } = clocks();
    const m = new TenthsMeter(1008, k);
    c.cpu += 50;
    m.progress(350);
    expect(m.tenths.map((t) => t.units)).toEqual([101, 101, 100]);
    expect(m.tenths[0]!.cpuMs).toBe(50);
    expect(m.tenths[1]!.cpuMs).toBe(0);
    m.progress(5000);
    expect(m.tenths).toHaveLength(10);
    expect(m.tenths.reduce((n, t) => n + t.units, 0)).toBe(1008);
  });

  it('refuses a total too small to split', () => {
    expect(() => new TenthsMeter(9, clocks().clocks)).toThrow(RangeError);
  });
});
