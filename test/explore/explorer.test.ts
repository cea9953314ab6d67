/**
 * The explorer (src/explore/) against the embedded engine on the .tla: the same number of
 * distinct states, the spec's mutants found by search with counterexamples the engine replays
 * on the .tla, and the sampled conformance check failing on a planted wrong encoding.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { engineStateGraph } from '../../src/modelcheck/embedded/stateGraph.js';
import { loadTlaChecker } from '../../src/modelcheck/embedded/wasm.js';
import { explore } from '../../src/explore/explorer.js';
import { replayOnEngine, flatSpecText } from '../../src/explore/engineReplay.js';
import { exploreModel } from '../../src/explore/model.js';
import { sampledConformance } from '../../src/explore/sampledConformance.js';
import { fastSuccessors } from '../../src/trace/conformance/graphConformance.js';
import { applyStep, allSteps } from '../../src/trace/spec/fastSpec.js';
import { initialState } from '../../src/trace/spec/specState.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const model = (path: string, mutant?: string) => exploreModel(loadModel(join(ROOT, path)), mutant === undefined ? {} : { mutant });
const run = (m: ReturnType<typeof model>, extra: Partial<Parameters<typeof explore>[0]> = {}) =>
  explore({ cfg: m.cfg, invariants: m.invariants, stepProperties: m.stepProperties, constraints: m.constraints, checkDeadlock: m.checkDeadlock, ...extra });

describe('explorer', () => {
  it('finds as many distinct states as the embedded engine on client-answers', () => {
    const path = 'test/spec/models/client-answers.cfg';
    const r = run(model(path));
    expect(r.verdict).toBe('pass');
    const engine = engineStateGraph(loadTlaChecker(), flatSpecText(), loadModel(join(ROOT, path)).cfgText);
    expect(r.distinct).toBe(engine.statesExplored);
  }, 300_000);

  it('finds the counts the README records for the CI models', () => {
    // Recorded by the embedded engine and TLC (README, "Models"); the explorer must agree exactly.
    expect(run(model('spec/ci-normal.cfg')).distinct).toBe(6_739);
    expect(run(model('spec/ci-gap.cfg')).distinct).toBe(26_187);
  }, 120_000);

  it('reports a violated invariant with a counterexample from Init that the engine replays on the .tla step by step', () => {
    const m = model('spec/ci-normal.cfg');
    // A property the spec does not have: "nothing is decided". The first Decision breaks it.
    const r = run(m, { invariants: { NothingDecided: (_b, s) => ([...s.msgs.values()].some((x) => x.type === 'Decision') ? 'a Decision was sent' : undefined) } });
    expect(r.verdict).toBe('violation');
    const trace = r.violation!.trace;
    expect(trace[0]!.action).toBe('Init');
    expect(trace.at(-1)!.state.msgs.size).toBeGreaterThan(0);
    // Every step is one of the .tla's; only the property, which the .tla does not define, fails.
    const replay = replayOnEngine({ ...r.violation!, property: 'Agreement' }, m.constants);
    expect(replay).toMatchObject({ ok: false, at: trace.length - 1 });
    expect((replay as { reason: string }).reason).toMatch(/evaluates Agreement to true/);
    // A step the .tla does not have is refused where it happens.
    const forged = { ...r.violation!, trace: [trace[0]!, { ...trace[1]!, action: 'NodeRestart' }, ...trace.slice(2)] };
    expect(replayOnEngine(forged, m.constants)).toMatchObject({ ok: false, at: 1 });
  }, 300_000);
});

describe('sampled conformance', () => {
  const m = model('spec/ci-gap.cfg');
  const sample = run(m, { sample: { size: 40, seed: 7 } }).sample;

  it('finds the fast encoding equal to the .tla on a sample of ci-gap (with its CONSTRAINT)', () => {
    const c = sampledConformance(m, sample);
    expect(c.states).toBe(40);
    expect(c.transitions).toBeGreaterThan(40);
    expect(c.constraintVerdicts).toBeGreaterThan(0);
    expect(c.mismatches).toEqual([]);
  }, 300_000);

  it('catches a planted bug: acceptor 2 never takes an Accept', () => {
    const wrong = function* (cfg: typeof m.cfg, s: Parameters<typeof allSteps>[1]) {
      for (const step of allSteps(cfg, s)) {
        if (step.action === 'AcceptorReceiveAccept' && step.n === 2) continue;
        yield { action: step.action, state: applyStep(s, step) };
      }
    };
    const c = sampledConformance(m, sample, { successors: wrong });
    expect(c.mismatchCount).toBeGreaterThan(0);
    expect(c.mismatches[0]).toMatch(/only in the spec \(AcceptorReceiveAccept/);
  }, 300_000);

  it('catches a planted bug the other way round: a step only the TS encoding takes (node 1 restarts where MaxRestarts = 0)', () => {
    // Every transition of the spec is still there: only the comparison of the encoding's
    // transitions against the spec's can see the extra one.
    expect(m.constants.MaxRestarts).toBe(0);
    const restarted = initialState(m.cfg).nodes[1]!;
    const extra = function* (cfg: typeof m.cfg, s: Parameters<typeof allSteps>[1]) {
      for (const step of allSteps(cfg, s)) yield { action: step.action, state: applyStep(s, step) };
      yield { action: 'NodeRestart', state: applyStep(s, { action: 'NodeRestart', n: 1, node: restarted, sent: [], restart: true }) };
    };
    const c = sampledConformance(m, sample.slice(0, 5), { successors: extra });
    expect(c.mismatchCount).toBe(5);
    expect(c.mismatches[0]).toMatch(/^sample 0: 0 transition\(s\) only in the spec \(\), 1 only in the TS encoding \(NodeRestart\)/);
  }, 120_000);

  it('uses fastSpec by default', () => {
    expect(sampledConformance(m, sample.slice(0, 3), { successors: fastSuccessors }).mismatchCount).toBe(0);
  }, 120_000);
});
