/**
 * ci-adopt-two-ballots is the one CI model with an Adopted whose pvalues hold two slots at two
 * ballots, where PMax must pick per slot. The .tla's PMax is checked by its ASSUME PMaxSound;
 * the fast encoding's only by conformance with the .tla, which passed every other CI model with
 * a PMax that compared ballots across slots (a second outside review's bug, session 57). Here
 * graph conformance, as CI runs it, fails with that PMax and passes with the fast encoding's.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { printCfg } from '../../src/modelcheck/cfg/cfg.js';
import { engineStateGraph } from '../../src/modelcheck/embedded/stateGraph.js';
import { loadTlaChecker } from '../../src/modelcheck/embedded/wasm.js';
import { explore } from '../../src/explore/explorer.js';
import { exploreModel } from '../../src/explore/model.js';
import { exploreSuccessors } from '../../src/explore/successors.js';
import type { Successors } from '../../src/trace/conformance/graphConformance.js';
import { applyStep } from '../../src/trace/spec/fastSpec.js';
import { ballotLt, type SpecState } from '../../src/trace/spec/specState.js';
import type { SpecMessage } from '../../src/trace/format/types.js';
import { SPEC_DIR, conformModel, flatSpec } from '../../scripts/check-conformance.js';
import { savedGraphFile } from '../trace/savedGraphs.js';

const MODEL = loadModel(join(SPEC_DIR, 'ci-adopt-two-ballots.cfg'));

type Adopted = Extract<SpecMessage, { type: 'Adopted' }>;
/** Whether an Adopted's pvalues hold two slots at two different ballots. */
const overTwoBallots = (m: Adopted): boolean =>
  m.pvalues.some((p) => m.pvalues.some((q) => p.slot !== q.slot && ballotLt(p.ballot, q.ballot)));

/**
 * The fast encoding with PMax across slots: a leader receiving an Adopted adopts as fastSpec
 * does from the pvalues of the highest ballot of all, as if the others were not there.
 */
const acrossSlots: Successors = function* (cfg, s) {
  for (const step of exploreSuccessors(cfg, s)) if (step.action !== 'LeaderReceiveAdopted') yield { action: step.action, state: applyStep(s, step) };
  const highestOnly = (m: Adopted): Adopted => ({
    ...m, pvalues: m.pvalues.filter((p) => m.pvalues.every((q) => !ballotLt(p.ballot, q.ballot))),
  });
  const seen: SpecState = { ...s, msgs: new Map([...s.msgs].map(([k, m]) => [k, m.type === 'Adopted' ? highestOnly(m) : m])) };
  for (const step of exploreSuccessors(cfg, seen)) if (step.action === 'LeaderReceiveAdopted') yield { action: step.action, state: applyStep(s, step) };
};

/**
 * A folder with the engine's graph of the model, read by both comparisons as CI's conformance
 * step reads check-spec's saved graphs: CI's own when it is current (savedGraphs.ts), else one
 * built here (about 12 s).
 */
function graphsDir(): string {
  const saved = savedGraphFile(MODEL.name);
  if (saved !== undefined) return dirname(saved);
  const dir = mkdtempSync(join(tmpdir(), 'adopt-two-ballots-'));
  const g = engineStateGraph(loadTlaChecker(), flatSpec(), printCfg({ ...MODEL.cfg, invariants: [], properties: [] }));
  writeFileSync(join(dir, `${MODEL.name}.dot`), g.dot);
  return dir;
}

describe('ci-adopt-two-ballots: an Adopted over two slots at two ballots', () => {
  it('is reached, and graph conformance tells a PMax across slots from the fast encoding\'s', () => {
    const m = exploreModel(MODEL);
    const r = explore({ cfg: m.cfg, invariants: {}, constraints: m.constraints, checkDeadlock: false, sample: { size: 0, seed: 1 }, samplePerMessage: true });
    expect(r.distinct).toBe(1_779);
    const adopteds = r.messageSample.flatMap((s) => [...s.msgs.values()]).filter((x): x is Adopted => x.type === 'Adopted');
    expect(adopteds.some(overTwoBallots)).toBe(true);

    const dir = graphsDir();

    const wrong = conformModel(MODEL, { graphsDir: dir, successors: acrossSlots });
    expect(wrong.report.ok).toBe(false);
    expect(wrong.report.mismatches.length).toBeGreaterThan(0);
    // Only the leader's adoption differs: the .tla adopts slot 1's value of 0.1 too.
    const differing = wrong.report.mismatches.flatMap((x) => [...x.specOnly, ...x.tsOnly]);
    expect(differing.length).toBeGreaterThan(0);
    for (const t of differing) expect(t).toMatch(/^LeaderReceiveAdopted/);

    const right = conformModel(MODEL, { graphsDir: dir });
    expect(right.report.ok).toBe(true);
    expect(right.report.states).toBe(1_779);
  }, 300_000);
});
