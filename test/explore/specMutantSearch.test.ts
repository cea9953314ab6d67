/**
 * The spec mutants of test/spec/mutantTable.ts that the explorer searches for (`search:
 * 'explorer'`): each breaks its property on its model, the counterexample is replayed on the
 * .tla with the same Mutant by the embedded engine, and the correct spec has no such state among
 * as many. The embedded engine searches the others (test/spec/mutants.test.ts).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { explore } from '../../src/explore/explorer.js';
import { replayOnEngine } from '../../src/explore/engineReplay.js';
import { exploreModel } from '../../src/explore/model.js';
import { isFastMutant } from '../../src/explore/mutantSteps.js';
import { SPEC_MUTANTS } from '../spec/mutantTable.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const modelPath = (name: string): string => {
  const local = join(ROOT, 'test', 'spec', 'models', `${name}.cfg`);
  return existsSync(local) ? local : join(ROOT, 'spec', `${name}.cfg`);
};
const SEARCHED_HERE = SPEC_MUTANTS.filter((m) => m.search === 'explorer');

describe('spec mutants found by the explorer and confirmed on the .tla', () => {
  it('are invariant mutants the explorer has (liveness is the engine\'s)', () => {
    expect(SEARCHED_HERE.length).toBeGreaterThan(0);
    for (const m of SEARCHED_HERE) {
      expect(m.kind, m.mutant).toBe('invariant');
      expect(isFastMutant(m.mutant), m.mutant).toBe(true);
    }
  });

  for (const { mutant, model, property } of SEARCHED_HERE) {
    it(`${mutant} breaks ${property} on ${model}, and the engine replays the counterexample on the .tla`, () => {
      const m = exploreModel(loadModel(modelPath(model)), { mutant, only: [property] });
      // With the model's CONSTRAINTs, as check-spec and check-fast apply them (ci-noop-readopt's
      // shape is 1,819 states inside NoOpReadopted, millions outside).
      const r = explore({ cfg: m.cfg, mutant, invariants: m.invariants, stepProperties: m.stepProperties, constraints: m.constraints, checkDeadlock: false });
      expect(r.verdict).toBe('violation');
      expect(r.violation!.property).toBe(property);
      expect(replayOnEngine(r.violation!, m.constants)).toMatchObject({ ok: true });
      // The correct spec has no such state among as many.
      const correct = exploreModel(loadModel(modelPath(model)), { only: [property] });
      expect(explore({ cfg: correct.cfg, invariants: correct.invariants, constraints: correct.constraints, maxStates: r.distinct }).verdict).not.toBe('violation');
    }, 300_000);
  }
});
