/**
 * The parallel explorer's parts (src/explore/partition.ts) judge step properties as the
 * sequential explorer does (stepProperties.test.ts): on every transition, also one into a state
 * found before. Judged only on the first transition into each state, the planted bugs below,
 * whose breaking step leads back to a state already found, would pass.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { exploreModel } from '../../src/explore/model.js';
import { AcceptorMonotonicity } from '../../src/explore/properties.js';
import type { SuccessorFn } from '../../src/explore/mutantSteps.js';
import { promiseTakenBack, undoneCompaction } from './plantedSteps.js';
import { type LevelResult, Partition, type PartModel } from '../../src/explore/partition.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** One part owning every state, level by level until a violation or an empty frontier. */
function search(model: PartModel, successors: SuccessorFn, maxLevels = 200): { result: LevelResult | undefined; distinct: number } {
  const part = new Partition(model, { part: 0, parts: 1 }, successors);
  for (let level = 0; level < maxLevels && part.frontierSize > 0; level++) {
    const r = part.runLevel();
    if (r.violation !== undefined) return { result: r, distinct: part.countsNow().distinct };
    part.swap();
  }
  return { result: undefined, distinct: part.countsNow().distinct };
}

describe('partition step properties', () => {
  it('reports a step that breaks one and leads back to Init (a two-state model)', () => {
    const m = exploreModel(loadModel(join(ROOT, 'spec', 'ci-normal.cfg')));
    // Acceptor 1 promises ballot 1, then takes the promise back: the second step goes to Init.
    const successors = promiseTakenBack(m.cfg);
    const model: PartModel = { ...m, invariants: {}, stepProperties: { AcceptorMonotonicity }, constraints: {}, checkDeadlock: false };
    const { result, distinct } = search(model, successors);
    expect(distinct).toBe(2);
    expect(result?.violation).toMatchObject({ property: 'AcceptorMonotonicity', kind: 'step', detail: "acceptor 1's promise goes down" });
    // The state taking the breaking step is the second one found (id 1), not Init.
    expect(result!.violation!.at).toEqual({ part: 0, id: 1 });
  });

  it('without the undoing step the two-state model passes (the property judges the step, not the states)', () => {
    const m = exploreModel(loadModel(join(ROOT, 'spec', 'ci-normal.cfg')));
    const successors = promiseTakenBack(m.cfg, false);
    const model: PartModel = { ...m, invariants: {}, stepProperties: { AcceptorMonotonicity }, constraints: {}, checkDeadlock: false };
    const { result, distinct } = search(model, successors);
    expect(distinct).toBe(2);
    expect(result).toBeUndefined();
  });

  it('reports an undone AcceptorCompact on ci-checkpoint, a step back into its parent state', () => {
    const m = exploreModel(loadModel(join(ROOT, 'spec', 'ci-checkpoint.cfg')));
    // The planted bug of stepProperties.test.ts: an acceptor may undo a compaction.
    const { successors, planted } = undoneCompaction(m.cfg.N);
    const { result } = search(m, successors);
    expect(planted()).toBeGreaterThan(0);
    expect(result?.violation).toMatchObject({ property: 'AcceptorMonotonicity', kind: 'step' });
    expect(result!.violation!.detail).toMatch(/^acceptor \d's mark goes down from 2 to 1$/);
  }, 120_000);
});
