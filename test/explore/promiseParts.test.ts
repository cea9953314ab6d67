/**
 * Promise parts (issue 11, spec "Promise parts"): the explorer on ci-promise-parts, where every
 * Promise is two messages and the restarted leader's scout must assemble the one carrying the
 * pvalue of ballot 0.1; the fast encoding gives the .tla's successors on a sample of it and of
 * mutant ScoutCountsPartialPromise, which counts an acceptor from one part (found by search on
 * promise-parts-restart, AcceptsSafe, in test/explore/specMutantSearch.test.ts).
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { explore } from '../../src/explore/explorer.js';
import { exploreModel } from '../../src/explore/model.js';
import { sampledConformance } from '../../src/explore/sampledConformance.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CI_MODEL = join(ROOT, 'spec', 'ci-promise-parts.cfg');
const MUTANT_MODEL = join(ROOT, 'test', 'spec', 'models', 'promise-parts-restart.cfg');
const MUTANT = 'ScoutCountsPartialPromise';

describe('explorer on ci-promise-parts (every Promise in two parts)', () => {
  it('finds the 9,088 states the embedded engine counts, every property holds, and a scout counts parts', () => {
    const m = exploreModel(loadModel(CI_MODEL));
    const r = explore({ cfg: m.cfg, invariants: m.invariants, stepProperties: m.stepProperties, checkDeadlock: m.checkDeadlock });
    expect(r.verdict).toBe('pass');
    expect(r.distinct).toBe(9_088);
    expect(r.perAction.ScoutReceivePromise ?? 0).toBeGreaterThan(0);
    expect(m.constants.PromiseParts).toEqual([2]);
  }, 120_000);

  it('the fast encoding gives the .tla\'s successors on a sample of its states', () => {
    const m = exploreModel(loadModel(CI_MODEL));
    const sample = explore({ cfg: m.cfg, sample: { size: 60, seed: 11 } }).sample;
    expect(sample.length).toBeGreaterThan(40);
    expect(sampledConformance(m, sample).mismatches).toEqual([]);
  }, 120_000);
});

describe(`${MUTANT} (a scout counts an acceptor from one part of its Promise)`, () => {
  it('its steps are the .tla\'s with the same Mutant on a sample past the violation', () => {
    const m = exploreModel(loadModel(MUTANT_MODEL), { mutant: MUTANT });
    const sample = explore({ cfg: m.cfg, mutant: MUTANT, maxStates: 20_000, sample: { size: 50, seed: 5 } }).sample;
    expect(sample.length).toBeGreaterThan(30);
    expect(sampledConformance(m, sample).mismatches).toEqual([]);
  }, 120_000);
});
