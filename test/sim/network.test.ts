import { describe, expect, it } from 'vitest';
import { SimNetwork } from '../../src/sim/network.js';
import { Prng } from '../../src/sim/prng.js';
import { RELIABLE_NETWORK } from '../../src/sim/schedule.js';

function sample(net: SimNetwork, n: number) {
  let lost = 0;
  let dup = 0;
  const delays: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = net.plan(1, 2);
    if ('dropped' in p) lost++;
    else {
      if (p.delays.length === 2) dup++;
      delays.push(...p.delays);
    }
  }
  return { lost, dup, delays };
}

describe('SimNetwork', () => {
  it('loses and duplicates messages at the configured rates, with delays inside the jitter window', () => {
    const net = new SimNetwork({ ...RELIABLE_NETWORK, loss: 0.2, duplicate: 0.1, delay: { minMs: 2, maxMs: 8 } }, Prng.fromSeed(1));
    const { lost, dup, delays } = sample(net, 10_000);
    expect(lost).toBeGreaterThan(1800);
    expect(lost).toBeLessThan(2200);
    expect(dup).toBeGreaterThan(650);
    expect(dup).toBeLessThan(950);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...delays)).toBeLessThanOrEqual(8);
  });

  it('reordering adds up to reorderMs of extra delay', () => {
    const net = new SimNetwork({ ...RELIABLE_NETWORK, reorder: 0.5, reorderMs: 100, delay: { minMs: 1, maxMs: 1 } }, Prng.fromSeed(2));
    const { delays } = sample(net, 2000);
    expect(delays.filter((d) => d > 1).length).toBeGreaterThan(800);
    expect(Math.max(...delays)).toBeLessThanOrEqual(101);
  });

  it('a partition separates groups (unlisted nodes form their own group) until healed', () => {
    const net = new SimNetwork(RELIABLE_NETWORK, Prng.fromSeed(3));
    const p = { kind: 'partition' as const, at: 0, heal: 1, groups: [[1], [2, 3]] };
    net.startPartition(p);
    expect(net.connected(1, 2)).toBe(false);
    expect(net.connected(2, 3)).toBe(true);
    expect(net.connected(4, 5)).toBe(true);
    expect(net.connected(3, 4)).toBe(false);
    expect(net.plan(1, 2)).toEqual({ dropped: 'partition' });
    net.healPartition(p);
    expect(net.connected(1, 2)).toBe(true);
  });

  it('a loss burst raises the loss rate until it ends; healAll stops loss entirely', () => {
    const net = new SimNetwork({ ...RELIABLE_NETWORK, loss: 0.1 }, Prng.fromSeed(4));
    const burst = { kind: 'lossBurst' as const, at: 0, until: 1, loss: 0.9 };
    net.startBurst(burst);
    expect(net.lossRate()).toBe(0.9);
    net.endBurst(burst);
    expect(net.lossRate()).toBe(0.1);
    net.healAll();
    expect(net.lossRate()).toBe(0);
  });

  it('a partition cuts both ways: a node it does not name cannot reach a node it does, nor the reverse', () => {
    // The property tests list one side only ({ groups: [side] }, and isolateLeader [[leader]]):
    // the rest of the cluster is the implicit group, which must be cut off from the side too.
    const net = new SimNetwork(RELIABLE_NETWORK, Prng.fromSeed(3));
    net.startPartition({ kind: 'partition', at: 0, heal: 1, groups: [[1]] });
    for (const other of [2, 3]) {
      expect(net.connected(1, other)).toBe(false);
      expect(net.connected(other, 1)).toBe(false);
      expect(net.plan(other, 1)).toEqual({ dropped: 'partition' });
      expect(net.plan(1, other)).toEqual({ dropped: 'partition' });
    }
    expect(net.connected(2, 3)).toBe(true);
  });

  it('healing one partition leaves an overlapping one in force', () => {
    // A schedule's partitions and leader isolations overlap: each heals only itself.
    const net = new SimNetwork(RELIABLE_NETWORK, Prng.fromSeed(3));
    const a = { kind: 'partition' as const, at: 0, heal: 10, groups: [[1]] };
    const b = { kind: 'partition' as const, at: 5, heal: 20, groups: [[1, 2]] };
    net.startPartition(a);
    net.startPartition(b);
    net.healPartition(a);
    expect(net.connected(1, 3)).toBe(false);
    expect(net.connected(2, 3)).toBe(false);
    expect(net.connected(1, 2)).toBe(true);
    net.healPartition(b);
    expect(net.connected(1, 3)).toBe(true);
  });

  it('a duplicate travels with a delay of its own, so it can arrive long after the original', () => {
    // A copy on the original's delay lands right behind it: a stale duplicate overtaken by
    // later messages (the case duplication exists to test) would never happen.
    const net = new SimNetwork({ ...RELIABLE_NETWORK, duplicate: 0.5, delay: { minMs: 1, maxMs: 50 } }, Prng.fromSeed(6));
    const pairs: (readonly number[])[] = [];
    for (let i = 0; i < 1000; i++) {
      const p = net.plan(1, 2);
      if ('delays' in p && p.delays.length === 2) pairs.push(p.delays);
    }
    expect(pairs.length).toBeGreaterThan(400);
    const apart = pairs.filter(([a, b]) => Math.abs(a! - b!) > 10);
    expect(apart.length).toBeGreaterThan(pairs.length / 3);
  });

  it('the same seed gives the same plans', () => {
    const cfg = { ...RELIABLE_NETWORK, loss: 0.3, duplicate: 0.3, reorder: 0.3, reorderMs: 20 };
    const a = new SimNetwork(cfg, Prng.fromSeed(5));
    const b = new SimNetwork(cfg, Prng.fromSeed(5));
    const pa = Array.from({ length: 200 }, () => a.plan(1, 2));
    const pb = Array.from({ length: 200 }, () => b.plan(1, 2));
    expect(pa).toEqual(pb);
  });
});
