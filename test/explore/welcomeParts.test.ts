/**
 * Welcome parts (issue 11, spec "Welcome parts"): the explorer on ci-welcome-parts, where every
 * Welcome is two messages, counts the engine's states (the two assembly mutants are found by
 * search in test/explore/specMutantSearch.test.ts); and HistoriesSound in
 * TypeScript gives the .tla's verdict on states where it holds and where it fails.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { explore } from '../../src/explore/explorer.js';
import { exploreModel } from '../../src/explore/model.js';
import { sampledConformance } from '../../src/explore/sampledConformance.js';
import { expectTlaVerdicts } from './tlaVerdicts.js';

const MODEL = join(resolve(import.meta.dirname, '..', '..'), 'spec', 'ci-welcome-parts.cfg');
const MUTANTS = ['WelcomeMixesParts', 'WelcomeMissingPart'];

describe('explorer on ci-welcome-parts (every Welcome in two parts)', () => {
  it('finds the 6,499 states both engines count (ci-restart\'s: a part is a Welcome split), and every property holds', () => {
    const m = exploreModel(loadModel(MODEL));
    const r = explore({ cfg: m.cfg, invariants: m.invariants, stepProperties: m.stepProperties, checkDeadlock: m.checkDeadlock });
    expect(r.verdict).toBe('pass');
    expect(r.distinct).toBe(6_499);
    expect(r.perAction.ReplicaReceiveWelcome ?? 0).toBeGreaterThan(0);
    expect(m.constants.WelcomeParts).toEqual([2]);
  }, 120_000);
});

describe('HistoriesSound and SnapshotsSound give the .tla verdict', () => {
  const PROPERTIES = ['HistoriesSound', 'SnapshotsSound', 'TypeOK'];
  for (const mutant of MUTANTS) {
    it(`on a sample of ${mutant}'s states, past its violations`, () => {
      const m = exploreModel(loadModel(MODEL), { mutant });
      const sample = explore({ cfg: m.cfg, mutant, maxStates: 6_000, sample: { size: 50, seed: 5 } }).sample;
      expect(sample.length).toBeGreaterThan(30);
      // The mutant's ReplicaReceiveWelcome (mutantSteps.ts) is the .tla's with the same Mutant here too.
      expect(sampledConformance(m, sample).mismatches).toEqual([]);
      const verdicts = expectTlaVerdicts(m, mutant, sample, PROPERTIES);
      // The sample holds states where the property fails, or the comparison would show little.
      expect(verdicts.HistoriesSound!.falseSeen).toBeGreaterThan(0);
    }, 120_000);
  }
});
