/**
 * Which properties a cfg names and how the explorer takes them (src/explore/model.ts): every
 * INVARIANT of every MultiPaxos model becomes one state invariant or step property, and a cfg
 * the explorer cannot honour exactly is refused, not searched with a part of it left out. A
 * name dropped silently would let check-fast pass a model without checking that property: a
 * misspelt invariant, or one added to the .tla and not to properties.ts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listModels, loadModel } from '../../src/modelcheck/cfg/models.js';
import { ModelError, exploreModel } from '../../src/explore/model.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CI_NORMAL = join(ROOT, 'spec', 'ci-normal.cfg');

/** ci-normal's cfg with one edit, as a model file of its own. */
function edited(name: string, edit: (text: string) => string) {
  const dir = mkdtempSync(join(tmpdir(), 'explore-model-'));
  const path = join(dir, `${name}.cfg`);
  writeFileSync(path, edit(readFileSync(CI_NORMAL, 'utf8')));
  return loadModel(path);
}

describe('the explorer\'s view of a cfg', () => {
  it('checks every INVARIANT of every MultiPaxos model in spec/, each once', () => {
    const models = listModels(join(ROOT, 'spec')).filter((m) => m.module === 'MultiPaxos');
    expect(models.length).toBeGreaterThan(10);
    for (const info of models) {
      const m = exploreModel(info);
      const checked = [...Object.keys(m.invariants), ...Object.keys(m.stepProperties)];
      expect(checked.sort(), info.name).toEqual([...info.cfg.invariants].sort());
      expect(Object.keys(m.constraints).sort(), info.name).toEqual([...info.cfg.constraints].sort());
    }
  });

  it('checks only the named ones with `only`, and refuses a name it does not know there too', () => {
    const m = exploreModel(loadModel(CI_NORMAL), { only: ['Agreement', 'RefinesLog'] });
    expect(Object.keys(m.invariants)).toEqual(['Agreement']);
    expect(Object.keys(m.stepProperties)).toEqual(['RefinesLog']);
    expect(() => exploreModel(loadModel(CI_NORMAL), { only: ['Agreemnt'] })).toThrow(ModelError);
  });

  it('refuses an INVARIANT it does not know (a misspelt name is not skipped)', () => {
    const info = edited('typo', (t) => t.replace('    Agreement\n', '    Agreemnt\n'));
    expect(() => exploreModel(info)).toThrow(ModelError);
    expect(() => exploreModel(info)).toThrow(/does not know the invariant Agreemnt/);
  });

  it('refuses a CONSTRAINT it does not know (searching without it is another model)', () => {
    const info = edited('constraint', (t) => `${t}CONSTRAINT\n    NoSuchShape\n`);
    expect(() => exploreModel(info)).toThrow(/does not know the CONSTRAINT NoSuchShape/);
  });

  it('refuses an ACTION_CONSTRAINT, a VIEW and a SYMMETRY, which it does not apply', () => {
    for (const [name, line] of [['action', 'ACTION_CONSTRAINT\n    Anything\n'], ['view', 'VIEW vars\n'], ['symmetry', 'SYMMETRY Perms\n']]) {
      expect(() => exploreModel(edited(name!, (t) => `${t}${line}`)), name).toThrow(ModelError);
    }
  });

  it('lists a temporal PROPERTY as not checked, and still checks the invariants', () => {
    const m = exploreModel(edited('temporal', (t) => `${t}PROPERTY\n    EventuallyExecuted\n`));
    expect(m.unchecked).toEqual(['EventuallyExecuted']);
    expect(Object.keys(m.invariants)).toContain('Agreement');
  });
});
