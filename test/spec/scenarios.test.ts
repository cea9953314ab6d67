/**
 * Scenarios and witnesses replayed action by action on the embedded engine (src/modelcheck/witness.ts):
 *   - a mutant's scenario (test/spec/scenarios, a bug no search reaches in test time): every
 *     step is enabled, the last state violates the property, and the correct spec refuses it;
 *   - a witness of the correct spec (spec/witnesses, an action no CI model reaches): every
 *     step is enabled and the last one is the action it shows reachable; a broken copy is refused.
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/index.js';
import { WitnessError, evalInState, listWitnesses, readWitness, replayWitness } from '../../src/modelcheck/embedded/witness.js';

const here = import.meta.dirname;
const specDir = join(here, '..', '..', 'spec');
const specText = readFileSync(join(specDir, 'MultiPaxos.tla'), 'utf8');
const modelCfg = (name: string) => loadModel(join(here, 'models', `${name}.cfg`)).cfg;

describe('mutant scenarios replayed action by action on the embedded engine', () => {
  for (const { file, witness: s } of listWitnesses(join(here, 'scenarios'))) {
    it(`${s.mutant}: every step is enabled and the end violates ${s.violates.join(', ')} (${file.split('/').pop()})`, () => {
      const r = replayWitness(specText, modelCfg(s.model), s.mutant, s.steps);
      expect(r.ok, r.ok ? '' : `step ${r.refusedAt}: ${r.reason}`).toBe(true);
      if (!r.ok) return;
      for (const property of s.violates) expect(evalInState(specText, r.cfgText, r.last, property), `${property} in the last state`).toBe(false);
    }, 240_000);

    it(`${s.mutant}: the correct spec refuses the scenario`, () => {
      expect(replayWitness(specText, modelCfg(s.model), 'none', s.steps).ok).toBe(false);
    }, 240_000);
  }
});

describe('reachability witnesses of the correct spec (spec/witnesses)', () => {
  const witnesses = listWitnesses(join(specDir, 'witnesses'));
  it('there is at least one', () => expect(witnesses.length).toBeGreaterThan(0));
  for (const { file, witness: w } of witnesses) {
    const cfg = loadModel(join(specDir, `${w.model}.cfg`)).cfg;
    it(`${w.reaches} is reachable in the correct spec (${file.split('/').pop()})`, () => {
      expect(w.mutant).toBe('none');
      const r = replayWitness(specText, cfg, 'none', w.steps);
      expect(r.ok, r.ok ? '' : `step ${r.refusedAt}: ${r.reason}`).toBe(true);
    }, 240_000);

    it(`a witness with its second-to-last step removed is refused (${file.split('/').pop()})`, () => {
      const broken = [...w.steps.slice(0, -2), w.steps.at(-1)!];
      const r = replayWitness(specText, cfg, 'none', broken);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.refusedAt).toBe(broken.length - 1);
    }, 240_000);
  }

  it('a malformed witness file is rejected naming the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'witness-'));
    const f = join(dir, 'bad.json');
    writeFileSync(f, JSON.stringify({ mutant: 'none', model: 'ci-normal', violates: [], steps: [{ action: 'X' }] }));
    expect(() => readWitness(f)).toThrow(WitnessError);
    expect(() => readWitness(f)).toThrow(/bad\.json: steps\[0\]/);
    writeFileSync(f, '{');
    expect(() => readWitness(f)).toThrow(/bad\.json: not JSON/);
  });
});
