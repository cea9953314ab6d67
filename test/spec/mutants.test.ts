/**
 * Proof that the model checking can fail: every spec mutant (a deliberate bug selected by
 * `CONSTANT Mutant`) is checked on the embedded engine against the property it must break,
 * and the check must report that property violated, with a counterexample (those marked
 * `search: 'explorer'` are found by the explorer and confirmed on the .tla in
 * test/explore/specMutantSearch.test.ts instead).
 * Every property of the spec is killed by at least one mutant (last test).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkModel, defaultSpecDir, loadModel, printCfg, withConstants } from '../../src/modelcheck/index.js';
import { SPEC_MUTANTS, SPEC_PROPERTIES } from './mutantTable.js';

const specDir = defaultSpecDir();
const testModels = join(import.meta.dirname, 'models');

function modelPath(model: string): string {
  const local = join(testModels, `${model}.cfg`);
  return existsSync(local) ? local : join(specDir, `${model}.cfg`);
}

describe('spec mutants are caught by the property they break', () => {
  for (const { mutant, model, property, kind } of SPEC_MUTANTS.filter((m) => m.search !== 'explorer')) {
    it(`${mutant} violates ${property} (model ${model})`, async () => {
      const info = loadModel(modelPath(model));
      const cfg = withConstants(info.cfg, { Mutant: JSON.stringify(mutant) });
      // Check only the property under test, so the verdict names it and nothing else.
      const focused = kind === 'liveness'
        ? { ...cfg, invariants: [], properties: [property] }
        : { ...cfg, invariants: [property], properties: [] };
      const result = await checkModel({
        moduleName: info.module, cfgText: printCfg(focused), engine: 'embedded',
        model: `${model}+${mutant}`, timeoutMs: 240_000,
      });
      expect(result.verdict, result.message).toBe(kind === 'liveness' ? 'property' : 'invariant');
      if (kind !== 'liveness') expect(result.violated).toBe(property);
      expect(result.counterexample?.states.length ?? 0).toBeGreaterThan(0);
    }, 300_000);
  }

  it('every property is killed by at least one mutant (here or in counterexamples/)', () => {
    const replayed = readdirSync(join(import.meta.dirname, 'counterexamples'))
      .flatMap((f) => (JSON.parse(readFileSync(join(import.meta.dirname, 'counterexamples', f), 'utf8')) as { violates: string[] }).violates);
    const killed = new Set([...SPEC_MUTANTS.map((m) => m.property), ...replayed]);
    expect(SPEC_PROPERTIES.filter((p) => !killed.has(p))).toEqual([]);
  });
});
