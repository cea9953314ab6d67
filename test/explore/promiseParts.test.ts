/**
 * Promise parts (issue 11, spec "Promise parts"): the explorer on ci-promise-parts, where every
 * Promise is two messages and the restarted leader's scout must assemble the one carrying the
 * pvalue of ballot 0.1; mutant ScoutCountsPartialPromise, which counts an acceptor from one
 * part, is found by search (AcceptsSafe) on promise-parts-restart and its counterexample
 * replayed on the .tla; the fast encoding gives the .tla's successors on a sample of both.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { explore } from '../../src/explore/explorer.js';
import { replayOnEngine } from '../../src/explore/engineReplay.js';
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
  it('breaks AcceptsSafe, and the engine replays the counterexample on the .tla', () => {
    const m = exploreModel(loadModel(MUTANT_MODEL), { mutant: MUTANT, only: ['AcceptsSafe'] });
    const r = explore({ cfg: m.cfg, mutant: MUTANT, invariants: m.invariants, stepProperties: m.stepProperties, checkDeadlock: false });
    expect(r.verdict).toBe('violation');
    expect(r.violation!.property).toBe('AcceptsSafe');
    expect(replayOnEngine(r.violation!, m.constants)).toMatchObject({ ok: true });
    // The correct spec has no such state among as many.
    const correct = exploreModel(loadModel(MUTANT_MODEL), { only: ['AcceptsSafe'] });
    expect(explore({ cfg: correct.cfg, invariants: correct.invariants, maxStates: r.distinct }).verdict).not.toBe('violation');
  }, 120_000);

  it('its steps are the .tla\'s with the same Mutant on a sample past the violation', () => {
    const m = exploreModel(loadModel(MUTANT_MODEL), { mutant: MUTANT });
    const sample = explore({ cfg: m.cfg, mutant: MUTANT, maxStates: 20_000, sample: { size: 50, seed: 5 } }).sample;
    expect(sample.length).toBeGreaterThan(30);
    expect(sampledConformance(m, sample).mismatches).toEqual([]);
  }, 120_000);
});
