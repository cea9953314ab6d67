/**
 * The racing model (spec/ci-race.cfg: three nodes, leaders 1 and 2, two replicas each proposing
 * its own request for slot 1, a crash and restart, CONSTRAINT RaceShape), searched exhaustively
 * by the explorer: the correct spec passes, and every phase-1, phase-2 and restart mutant of
 * the spec is found by the search itself (no stored counterexample), its counterexample
 * replayed step by step on the embedded engine against the .tla with the same Mutant.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { explore } from '../../src/explore/explorer.js';
import { replayOnEngine } from '../../src/explore/engineReplay.js';
import { exploreModel } from '../../src/explore/model.js';
import { successorsFor } from '../../src/explore/mutantSteps.js';
import { sampledConformance } from '../../src/explore/sampledConformance.js';
import { applyStep } from '../../src/trace/spec/fastSpec.js';
import { sampledModel } from '../../scripts/check-conformance.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const search = (cfg: string, mutant?: string, only?: readonly string[]) => {
  const m = exploreModel(loadModel(join(ROOT, 'spec', `${cfg}.cfg`)), { ...(mutant === undefined ? {} : { mutant }), ...(only === undefined ? {} : { only }) });
  const r = explore({ cfg: m.cfg, mutant: m.mutant, invariants: m.invariants, stepProperties: m.stepProperties, constraints: m.constraints, checkDeadlock: m.checkDeadlock });
  return { m, r };
};

describe('the racing model ci-race', () => {
  it('passes, with the number of states TLC counts on the same cfg', () => {
    const { r } = search('ci-race');
    expect(r.verdict).toBe('pass');
    expect(r.distinct).toBe(15_698);
  }, 120_000);

  // The mutants of the kinds where Paxos bugs live: the safety property each breaks, and the
  // property that catches it first (since 2026-12-06, six of them a step-level invariant, some
  // ten steps before their second value is chosen; AdoptionsReport finds ScoutIgnoresAccepted at
  // 20 steps, RefinesLog at 28).
  const RACING_MUTANTS: [mutant: string, property: string, first: string][] = [
    ['SmallQuorum', 'RefinesLog', 'RefinesLog'],
    ['AcceptLowerBallot', 'AcceptorMonotonicity', 'AcceptorMonotonicity'],
    ['PromiseOmitsAccepted', 'RefinesLog', 'PromisesReport'],
    ['ScoutIgnoresAccepted', 'RefinesLog', 'AdoptionsReport'],
    ['ReuseBallotAfterRestart', 'AcceptorMonotonicity', 'OneValuePerBallot'],
    ['PromiseNotRecorded', 'RefinesLog', 'PromisesReport'],
    ['CommanderCountsRejections', 'RefinesLog', 'DecisionsChosen'],
    ['RestartStaysActive', 'RefinesLog', 'PhaseOneFirst'],
  ];
  for (const [mutant, property, first] of RACING_MUTANTS) {
    it(`finds ${mutant} by search, breaking ${property} (${first} first), and the engine confirms it on the .tla`, () => {
      expect(search('ci-race', mutant).r.violation?.property).toBe(first);
      const { m, r } = search('ci-race', mutant, [property]);
      expect(r.verdict).toBe('violation');
      expect(r.violation!.property).toBe(property);
      expect(replayOnEngine(r.violation!, m.constants)).toMatchObject({ ok: true });
    }, 120_000);
  }
});

describe('the racing model with a second ballot, ci-race-ballots', () => {
  const m = exploreModel(loadModel(join(ROOT, 'spec', 'ci-race-ballots.cfg')));
  let found: ReturnType<typeof explore> | undefined;
  /** An encoding that takes, per slot, the adopted pvalue with the LOWEST ballot (spec mutant AdoptLowestBallot). */
  const lowestFirst = function* (cfg: typeof m.cfg, s: Parameters<typeof applyStep>[0]) {
    for (const step of successorsFor('AdoptLowestBallot')(cfg, s)) yield { action: step.action, state: applyStep(s, step) };
  };
  const result = () => (found ??= explore({
    cfg: m.cfg, invariants: m.invariants, stepProperties: m.stepProperties, constraints: m.constraints, checkDeadlock: m.checkDeadlock,
    sample: { size: 200, seed: 1 }, samplePerMessage: true,
  }));

  it('passes, with the number of states TLC counts on the same cfg', () => {
    expect(result().verdict).toBe('pass');
    expect(result().distinct).toBe(300_088);
  }, 600_000);

  it('has, in its one-state-per-message sample, what a wrong pvalue order in the fast encoding gets wrong', () => {
    // The encoding under test takes, for each slot, the adopted pvalue with the LOWEST ballot
    // (the bug a uniform sample of the CI models could not see: no state of theirs has two
    // ballots' pvalues for one slot). The .tla, on the engine, says otherwise.
    const sample = result().messageSample;
    expect(sample.length).toBeGreaterThan(20);
    const c = sampledConformance(m, sample, { successors: lowestFirst });
    expect(c.mismatchCount).toBeGreaterThan(0);
    expect(c.mismatches.join('\n')).toMatch(/LeaderReceiveAdopted/);
    // The correct encoding is equal to the .tla on the same states.
    expect(sampledConformance(m, sample).mismatchCount).toBe(0);
  }, 600_000);

  it('fails npm run conformance (its sampled comparison) with that wrong order (CI\'s check-fast passes the same comparison on the correct encoding)', () => {
    const info = loadModel(join(ROOT, 'spec', 'ci-race-ballots.cfg'));
    // Ten of the uniform states (the test above showed the per-message ones are what catch it;
    // each uniform state costs the engine about 0.15 s).
    const wrong = sampledModel(info, lowestFirst, { ...result(), sample: result().sample.slice(0, 10) });
    expect(wrong.ok).toBe(false);
    expect(wrong.line).toMatch(/ci-race-ballots: sampled .* 300088 states explored, \d+ compared \(10 uniform, \d+ one per received message\)/);
  }, 600_000);
});
