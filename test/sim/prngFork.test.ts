/**
 * Prng.fork gives an independent stream: not the parent's; and a run's network and workload draw
 * from streams of their own (Prng.stream), not from the same one. Until 2026-12-06 both were the
 * first fork of generators seeded alike, so which messages were lost or delayed was tied to the
 * requests the clients chose.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runBankDemo } from '../../src/sim/demo.js';
import { Prng } from '../../src/sim/prng.js';
import { simConfigOf } from '../../src/sim/scenario.js';
import { generateWorkload } from '../../src/sim/workload.js';
import { faultScenario } from '../../src/trace/runs/faultScenarios.js';

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

describe('Prng.stream', () => {
  it('gives the network and the workload of one seed streams of their own, each the same for the same seed', () => {
    for (const seed of [0, 1, 42, 2026, 1_000_001]) {
      const network = take(Prng.stream(seed, 'network'), 16);
      const workload = take(Prng.stream(seed, 'workload'), 16);
      expect(network.filter((x, i) => x === workload[i])).toEqual([]);
      expect(take(Prng.stream(seed, 'network'), 16)).toEqual(network);
      expect(take(Prng.stream(seed, 'workload'), 16)).toEqual(workload);
    }
  });

  it("is what a scenario's workload is made from, not the network's stream", () => {
    const s = faultScenario(7);
    const inputs = (rng: Prng) => generateWorkload(s.app, s.workload, s.nodes, rng).map((c) => [c.node, ...c.inputs].join(' '));
    const made = simConfigOf(s).clients.map((c) => [c.node, ...c.inputs].join(' '));
    expect(made).toEqual(inputs(Prng.stream(s.seed, 'workload')));
    expect(made).not.toEqual(inputs(Prng.stream(s.seed, 'network')));
  });
});

describe('the bank demo', () => {
  afterEach(() => { vi.restoreAllMocks(); });

  it('draws its transfers from the workload stream and its network from the network stream, each once', () => {
    const stream = vi.spyOn(Prng, 'stream');
    runBankDemo({ seed: 11, transfers: 10, print: () => {} });
    expect(stream.mock.calls.map(([seed, name]) => `${seed} ${name}`).sort()).toEqual(['11 network', '11 workload']);
  });
});
