/**
 * A spec mutant the table says a CI model (spec/ci-*.cfg) finds is found by CI: that model's cfg
 * checks the property the mutant breaks. The searches of the table name the property themselves
 * (`only`), so they pass whatever the cfg lists; RestartLosesHistory (session 55's review) broke
 * HistoriesSound on ci-checkpoint, which did not check it, and passed every CI model.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { SPEC_MUTANTS } from './mutantTable.js';

const SPEC = resolve(import.meta.dirname, '..', '..', 'spec');

describe('spec mutants on CI models', () => {
  const onCi = SPEC_MUTANTS.filter((m) => m.model.startsWith('ci-'));

  it('are some of the table', () => {
    expect(onCi.map((m) => m.mutant)).toContain('RestartLosesHistory');
  });

  for (const { mutant, model, property, kind } of onCi) {
    it(`${mutant}: ${model} checks ${property}`, () => {
      const path = join(SPEC, `${model}.cfg`);
      expect(existsSync(path), path).toBe(true);
      const cfg = loadModel(path).cfg;
      expect(kind === 'invariant' ? cfg.invariants : cfg.properties).toContain(property);
    });
  }
});
