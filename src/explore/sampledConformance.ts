/**
 * The fast encoding against the .tla on a sample of a model's states, for models whose state
 * graph is too big for the embedded engine to enumerate (graph conformance,
 * src/trace/conformance/graphConformance.ts, needs the whole graph). At each sampled state:
 *   - the (action, successor) pairs of fastSpec, or of the model's mutant (mutantSteps.ts), or of a
 *     replacement (to show a wrong encoding is caught), must equal those of the engine's `explore_next` on the same state, compared as
 *     sets by canonical key (tlaCodec.stateKey), and (for the correct spec) every engine
 *     successor must keep the ghosts monotone and refines TRUE;
 *   - each of the model's state constraints must give, on every successor, the same verdict in
 *     TypeScript (constraints.ts) as the .tla's definition evaluated by the engine, so that the
 *     explorer keeps exactly the states TLC keeps.
 * The sample comes from the explorer's own search (reservoir sampling over the distinct states),
 * so it is spread over the whole reachable graph, not its first levels.
 */
import type { Successors } from '../trace/conformance/graphConformance.js';
import { applyStep } from '../trace/spec/fastSpec.js';
import { type TlaState, fromTla, stateKey, toTla } from '../trace/replay/tlaCodec.js';
import { cfgText, exploreNext } from '../trace/replay/tlaEngine.js';
import { holdsOnEngine } from './engineFilter.js';
import type { SpecState } from '../trace/spec/specState.js';
import { flatSpecText } from './engineReplay.js';
import type { ExploreModel } from './model.js';
import { boundsOf } from './properties.js';
import { successorsFor } from './mutantSteps.js';

/** The successors the explorer searched with: fastSpec's, or the model's mutant's (mutantSteps.ts). */
function explorerSuccessors(mutant: string): Successors {
  const steps = successorsFor(mutant);
  return function* (cfg, s) {
    for (const step of steps(cfg, s)) yield { action: step.action, state: applyStep(s, step) };
  };
}

export interface SampleConformance {
  states: number;
  /** (action, successor) pairs compared. */
  transitions: number;
  /** Constraint verdicts compared (successors x constraints). */
  constraintVerdicts: number;
  mismatchCount: number;
  /** The first mismatches, one sentence each. */
  mismatches: string[];
  seconds: number;
}

export function sampledConformance(model: ExploreModel, sample: readonly SpecState[],
  opts: { successors?: Successors; spec?: string; maxMismatches?: number } = {}): SampleConformance {
  const t0 = performance.now();
  const N = model.cfg.N;
  const spec = opts.spec ?? flatSpecText();
  const cfg = cfgText(model.constants, 'Next');
  const successors = opts.successors ?? explorerSuccessors(model.mutant);
  const bounds = boundsOf(model.cfg, model.mutant);
  const constraints = Object.entries(model.constraints);
  const maxMismatches = opts.maxMismatches ?? 5;
  const mismatches: string[] = [];
  let mismatchCount = 0;
  let transitions = 0;
  let constraintVerdicts = 0;
  const report = (what: string): void => {
    mismatchCount++;
    if (mismatches.length < maxMismatches) mismatches.push(what);
  };

  sample.forEach((s, i) => {
    const ts = new Set<string>();
    for (const t of successors(model.cfg, s)) ts.add(`${t.action} -> ${stateKey(t.state, N)}`);
    const engine = new Map<string, { state: SpecState; tla: TlaState }>();
    for (const t of exploreNext(spec, cfg, toTla(s, N))) {
      const d = fromTla(t.state);
      // Under a mutant a step may break a step property: the explorer checks those on its own steps.
      if (model.mutant === 'none' && (!d.monotone || !d.refines)) report(`sample ${i}: the spec's ${t.action} step turns a ghost FALSE (monotone ${d.monotone}, refines ${d.refines})`);
      const key = `${t.action} -> ${stateKey(d.state, N)}`;
      if (!engine.has(key)) engine.set(key, { state: d.state, tla: t.state });
    }
    transitions += engine.size;
    const specOnly = [...engine.keys()].filter((k) => !ts.has(k));
    const tsOnly = [...ts].filter((k) => !engine.has(k));
    if (specOnly.length > 0 || tsOnly.length > 0) {
      const first = (ks: string[]): string => ks.slice(0, 3).map((k) => k.split(' -> ')[0]).join(', ');
      report(`sample ${i}: ${specOnly.length} transition(s) only in the spec (${first(specOnly)}), ${tsOnly.length} only in the TS encoding (${first(tsOnly)})\n  state: ${stateKey(s, N).replace(/\n/g, '\n         ')}`);
    }
    // The verdicts of each constraint on every successor, the engine's in one call (engineFilter.ts).
    const succ = [...engine];
    for (const [name, c] of constraints) {
      const inSpec = holdsOnEngine(spec, cfg, name, succ.map(([, v]) => v.tla));
      succ.forEach(([key, { state }], j) => {
        constraintVerdicts++;
        const inTs = c(bounds, state);
        if (inSpec[j] !== inTs) report(`sample ${i}: CONSTRAINT ${name} is ${String(inSpec[j]).toUpperCase()} in the spec and ${inTs} in TypeScript after ${key.split(' -> ')[0]}`);
      });
    }
  });
  return { states: sample.length, transitions, constraintVerdicts, mismatchCount, mismatches, seconds: (performance.now() - t0) / 1000 };
}
