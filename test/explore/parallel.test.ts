/**
 * The parallel explorer (src/explore/parallelExplorer.ts, partition.ts) against the sequential
 * one: the same counts (distinct, generated, depth, per action) on CI models, in one thread and
 * in worker threads; a planted ownership bug that the comparison catches; a mutant's
 * counterexample rebuilt across parts and confirmed on the .tla; and samples that do not depend
 * on how the search was split.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { type ExploreResult, explore } from '../../src/explore/explorer.js';
import { replayOnEngine } from '../../src/explore/engineReplay.js';
import { exploreModel } from '../../src/explore/model.js';
import { exploreParallel } from '../../src/explore/parallelExplorer.js';
import { stateKey } from '../../src/trace/replay/tlaCodec.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const cfgPath = (name: string) => join(ROOT, 'spec', `${name}.cfg`);
const sequential = (name: string, mutant?: string): ExploreResult => {
  const m = exploreModel(loadModel(cfgPath(name)), mutant === undefined ? {} : { mutant });
  return explore({ cfg: m.cfg, mutant: m.mutant, invariants: m.invariants, stepProperties: m.stepProperties, constraints: m.constraints, checkDeadlock: m.checkDeadlock });
};
const counts = (r: ExploreResult) => ({ verdict: r.verdict, distinct: r.distinct, generated: r.generated, depth: r.depth, perAction: r.perAction });

describe('the parallel explorer', () => {
  for (const name of ['ci-normal', 'ci-gap', 'ci-race']) {
    it(`counts what the sequential explorer counts on ${name}, split in 2 and in 3 parts`, async () => {
      const expected = counts(sequential(name));
      for (const parts of [2, 3]) expect(counts(await exploreParallel({ cfgPath: cfgPath(name), parts, threads: false }))).toEqual(expected);
    }, 300_000);
  }

  it('counts the same in two worker threads (ci-race: 15,698 states)', async () => {
    const r = await exploreParallel({ cfgPath: cfgPath('ci-race'), parts: 2 });
    expect(counts(r)).toEqual(counts(sequential('ci-race')));
    expect(r.distinct).toBe(15_698);
  }, 300_000);

  it('is caught by that comparison when two parts can own one state (owner chosen from thread-local ids)', async () => {
    // Ids are numbered in the order each thread interned things: the same state gets two owners.
    const planted = await exploreParallel({ cfgPath: cfgPath('ci-normal'), parts: 2, threads: false, plantOwnerByIds: true });
    expect(planted.distinct).toBeGreaterThan(sequential('ci-normal').distinct);
  }, 300_000);

  it('finds a racing mutant, with a counterexample rebuilt across parts that the engine confirms on the .tla', async () => {
    const m = exploreModel(loadModel(cfgPath('ci-race')), { mutant: 'PromiseNotRecorded' });
    const r = await exploreParallel({ cfgPath: cfgPath('ci-race'), mutant: 'PromiseNotRecorded', parts: 2 });
    expect(r.verdict).toBe('violation');
    // A shortest counterexample, as long as the sequential search's.
    expect(r.violation!.trace.length).toBe(sequential('ci-race', 'PromiseNotRecorded').violation!.trace.length);
    expect(replayOnEngine(r.violation!, m.constants)).toMatchObject({ ok: true });
  }, 300_000);

  it('draws the same uniform and per-message samples however the search is split', async () => {
    const keys = async (parts: number) => {
      const r = await exploreParallel({ cfgPath: cfgPath('ci-race'), parts, threads: false, sample: { size: 50, seed: 7 }, samplePerMessage: true });
      return { uniform: r.sample.map((s) => stateKey(s, 3)).sort(), perMessage: r.messageSample.map((s) => stateKey(s, 3)).sort() };
    };
    const one = await keys(1);
    expect(one.uniform).toHaveLength(50);
    expect(new Set(one.uniform).size).toBe(50);
    expect(one.perMessage.length).toBeGreaterThan(20);
    expect(await keys(3)).toEqual(one);
  }, 300_000);
});
