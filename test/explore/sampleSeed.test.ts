/**
 * The explorers' state samples (the states the sampled conformance check compares with the
 * .tla): drawn from their seed, so that a run can be repeated and a mismatch looked at again,
 * and spread over the whole search, not its last levels. The CI tests only compare a sample with
 * another of the same seed split otherwise, and the conformance check passes whatever states it
 * is given: a sample that ignores its seed, or keeps only the last states found, got through.
 * client-answers is small (957 states): every search here takes a fraction of a second.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { explore } from '../../src/explore/explorer.js';
import { exploreModel } from '../../src/explore/model.js';
import { exploreParallel } from '../../src/explore/parallelExplorer.js';
import { stateKey } from '../../src/trace/replay/tlaCodec.js';
import type { SpecState } from '../../src/trace/spec/specState.js';

const CFG = join(resolve(import.meta.dirname, '..', '..'), 'test', 'spec', 'models', 'client-answers.cfg');
const m = exploreModel(loadModel(CFG));
const N = m.cfg.N;
const keys = (states: readonly SpecState[]): string[] => states.map((s) => stateKey(s, N)).sort();
const sequential = (seed: number, size = 40): string[] => keys(explore({ cfg: m.cfg, sample: { size, seed } }).sample);
const parallel = async (seed: number, parts: number): Promise<string[]> =>
  keys((await exploreParallel({ cfgPath: CFG, parts, threads: false, sample: { size: 40, seed } })).sample);

describe('state samples', () => {
  it('sequential search: the same seed draws the same sample, another seed another one', () => {
    const one = sequential(1);
    expect(one).toHaveLength(40);
    expect(new Set(one).size).toBe(40);
    expect(sequential(1)).toEqual(one);
    for (const seed of [2, 3]) expect(sequential(seed), `seed ${seed}`).not.toEqual(one);
  });

  it('sequential search: a uniform sample, about half of it from the first half of the states found', () => {
    // The search is breadth-first: its first half are the states a limited search finds.
    const total = explore({ cfg: m.cfg }).distinct;
    expect(total).toBe(957);
    const half = explore({ cfg: m.cfg, maxStates: Math.floor(total / 2), sample: { size: total, seed: 1 } });
    // A limited search stops at its limit, not a state past it.
    expect(half).toMatchObject({ verdict: 'limit', distinct: Math.floor(total / 2) });
    const firstHalf = new Set(keys(half.sample));
    expect(firstHalf.size).toBe(Math.floor(total / 2));
    for (const seed of [1, 2, 3]) {
      const early = sequential(seed, 50).filter((k) => firstHalf.has(k)).length;
      // Binomial(50, 1/2) but for the sample's being drawn without replacement: 25 expected.
      expect(early, `seed ${seed}: states of the first half in a sample of 50`).toBeGreaterThanOrEqual(12);
      expect(early, `seed ${seed}`).toBeLessThanOrEqual(38);
    }
  });

  it('parallel search: the same seed draws the same sample in 1 and 2 parts, another seed another one', async () => {
    const one = await parallel(1, 1);
    expect(one).toHaveLength(40);
    expect(await parallel(1, 2)).toEqual(one);
    expect(await parallel(2, 2)).not.toEqual(one);
  });
});
