/**
 * Prng.fork gives an independent stream: not the parent's (the simulator forks the network's
 * stream and scenario.ts the workload's from generators seeded alike, so a fork equal to its
 * parent would make every message's fate a copy of the workload's choices).
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/sim/prng.js';

const take = (p: Prng, n: number): number[] => Array.from({ length: n }, () => p.nextU32());

describe('Prng.fork', () => {
  it('is a stream of its own: neither the parent seeded alike, nor the parent after the fork, nor a second fork', () => {
    const parent = Prng.fromSeed(42);
    const fresh = take(Prng.fromSeed(42), 16);
    const first = parent.fork();
    const second = parent.fork();
    const a = take(first, 16);
    const b = take(second, 16);
    const after = take(parent, 16);
    expect(a).not.toEqual(fresh);
    expect(a).not.toEqual(after);
    expect(a).not.toEqual(b);
    // No shared values at all at matching positions (independent 32-bit streams).
    expect(a.filter((x, i) => x === fresh[i] || x === after[i] || x === b[i])).toEqual([]);
  });

  it('is deterministic: the same seed forks the same stream', () => {
    expect(take(Prng.fromSeed(7).fork(), 8)).toEqual(take(Prng.fromSeed(7).fork(), 8));
  });
});
