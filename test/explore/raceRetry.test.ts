/**
 * RaceRetry (src/explore/raceShapes.ts), the constraint of spec/ci-race-retry.cfg, against its
 * definition in the .tla: on the states of a sample of the model's first ones (and one state per
 * received message) where leader 2 has retried phase 1, which RaceShape cuts off, every
 * successor's verdict in TypeScript equals the engine's on the .tla; and it keeps
 * what RaceShape keeps and more (leader 2's phase 1 at ballot 1.2, after its restart).
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { explore } from '../../src/explore/explorer.js';
import { exploreModel } from '../../src/explore/model.js';
import { boundsOf } from '../../src/explore/properties.js';
import { RaceRetry, RaceShape } from '../../src/explore/raceShapes.js';
import { sampledConformance } from '../../src/explore/sampledConformance.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('RaceRetry', () => {
  const m = exploreModel(loadModel(join(ROOT, 'spec', 'ci-race-retry.cfg')));
  const bounds = boundsOf(m.cfg);

  it('gives the .tla\'s verdicts on the successors of a sample of ci-race-retry\'s states', () => {
    // Enough levels for leader 2 to restart and run phase 1 at 1.2 (what RaceShape cuts off).
    const r = explore({ cfg: m.cfg, invariants: {}, constraints: m.constraints, maxStates: 80_000, sample: { size: 40, seed: 5 }, samplePerMessage: true });
    const states = [...r.sample, ...r.messageSample];
    const retried = states.filter((s) => [...s.msgs.values()].some((x) => x.type === 'Prepare' && x.ballot.leader === 2 && x.ballot.num === 1));
    expect(retried.length).toBeGreaterThan(0);
    for (const s of retried) {
      expect(RaceRetry(bounds, s)).toBe(true);
      expect(RaceShape(bounds, s)).toBe(false);
    }
    // The states where RaceRetry and RaceShape part ways are the ones this test is for (CI's
    // check-fast compares a uniform sample of the whole model, 5,000 verdicts and more).
    const c = sampledConformance(m, retried);
    expect(c.mismatches).toEqual([]);
    expect(c.constraintVerdicts).toBeGreaterThan(100);
    // The comparison can fail: RaceShape's TypeScript standing in for RaceRetry's cuts off
    // leader 2's second phase 1, which the .tla's RaceRetry keeps.
    const wrong = sampledConformance({ ...m, constraints: { RaceRetry: RaceShape } }, retried);
    expect(wrong.mismatchCount).toBeGreaterThan(0);
    expect(wrong.mismatches.join('\n')).toMatch(/CONSTRAINT RaceRetry is TRUE in the spec and false in TypeScript/);
  }, 600_000);
});
