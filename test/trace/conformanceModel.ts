/**
 * Exploration of a small model with tla-checker, comparing at every visited state the
 * successors the spec gives (explore_next) with those the TypeScript encoding gives.
 * Shared by the conformance test and scripts that want a larger run.
 */
import { readFileSync } from 'node:fs';
import { ACTIONS, allSteps, applyStep, type Step } from '../../src/trace/spec/fastSpec.js';
import { configFromConstants, initialState, type SpecConfig, type SpecState } from '../../src/trace/spec/specState.js';
import { fromTla, stateKey, toTla, type TlaState } from '../../src/trace/replay/tlaCodec.js';
import { DEFAULT_SPEC_PATH, cfgText, exploreInit, exploreNext } from '../../src/trace/replay/tlaEngine.js';
import { mulberry32 as rng } from '../../src/util/mulberry32.js';

export interface ConformanceResult {
  states: number;
  transitions: number;
  actionsSeen: Set<string>;
  mismatches: string[];
}

export const SMALL_MODEL = {
  N: 2, LeaderNodes: [1, 2], ReplicaNodes: [1, 2], Callers: [1, 2], RequestsPerCaller: 1, Window: 2,
  MaxBallot: 1, MaxSlot: 2, MaxRestarts: 1, CheckpointNodes: [1, 2], BatchMax: 1, WelcomeParts: [1], PromiseParts: [1], Mutant: 'none',
} as const;


/** Compares the spec's and the TS encoding's successors of one state; returns the spec's. */
function compareAt(spec: string, cfg: string, tsCfg: SpecConfig, tlaState: TlaState, result: ConformanceResult): { action: string; key: string; state: TlaState }[] {
  const N = tsCfg.N;
  result.states++;
  const decoded = fromTla(tlaState);
  const here = stateKey(decoded.state, N);
  // The codec must round-trip, or the oracle would feed tla-checker a different state.
  const again = stateKey(fromTla(toTla(decoded.state, N)).state, N);
  if (again !== here) result.mismatches.push(`codec round trip differs at state ${result.states}`);
  const fromSpec = new Set<string>();
  const succ: { action: string; key: string; state: TlaState }[] = [];
  for (const t of exploreNext(spec, cfg, tlaState)) {
    const d = fromTla(t.state);
    if (!d.monotone || !d.refines) result.mismatches.push(`spec step ${t.action} falsifies a ghost (monotone/refines)`);
    const k = stateKey(d.state, N);
    fromSpec.add(`${t.action}\n${k}`);
    result.actionsSeen.add(t.action);
    succ.push({ action: t.action, key: k, state: t.state });
  }
  const fromTs = new Set<string>();
  for (const step of allSteps(tsCfg, decoded.state)) fromTs.add(`${step.action}\n${stateKey(applyStep(decoded.state, step), N)}`);
  result.transitions += fromSpec.size;
  const missing = [...fromSpec].filter((x) => !fromTs.has(x));
  const extra = [...fromTs].filter((x) => !fromSpec.has(x));
  if (missing.length > 0 || extra.length > 0) {
    result.mismatches.push(
      `state ${result.states}:\n${here}\n` +
      missing.map((x) => `  spec allows, TS does not: ${x}`).join('\n') + '\n' +
      extra.map((x) => `  TS allows, spec does not: ${x}`).join('\n'),
    );
  }
  return succ;
}

/**
 * A path of TS steps from Init to a state where `target` is enabled, found by random walks
 * of the TS encoding (cheap). It only guides: the path is then followed in tla-checker,
 * comparing at every state, so every state it visits is one the spec reaches.
 */
export function pathTo(tsCfg: SpecConfig, target: string, random: () => number, walks = 120, maxLen = 150): Step[] | null {
  let best: Step[] | null = null;
  for (let w = 0; w < walks; w++) {
    let s: SpecState = initialState(tsCfg);
    const path: Step[] = [];
    const limit = best ? best.length - 1 : maxLen;
    for (let i = 0; i < limit; i++) {
      const steps = allSteps(tsCfg, s);
      const hit = steps.find((x) => x.action === target);
      if (hit) { path.push(hit); best = path; break; }
      if (steps.length === 0) break;
      // Restarts and new scouts undo progress; take them rarely so walks get deep.
      const calm = steps.filter((x) => x.action !== 'NodeRestart' && x.action !== 'LeaderSpawnScout');
      const pool = calm.length > 0 && random() < 0.9 ? calm : steps;
      const st = pool[Math.floor(random() * pool.length)]!;
      path.push(st);
      s = applyStep(s, st);
    }
  }
  return best;
}

/**
 * For every action, follows in tla-checker a path to a state where it is enabled (and one
 * step through it), comparing successor sets at every state on the way.
 */
export function checkGuidedPaths(seed = 1, model: Record<string, number | string | readonly number[]> = SMALL_MODEL): ConformanceResult & { unreached: string[] } {
  const spec = readFileSync(DEFAULT_SPEC_PATH, 'utf8');
  const cfg = cfgText(model, 'Next');
  const tsCfg = configFromConstants(model as never);
  const random = rng(seed);
  const result = { states: 0, transitions: 0, actionsSeen: new Set<string>(), mismatches: [] as string[], unreached: [] as string[] };
  for (const target of ACTIONS) {
    const path = pathTo(tsCfg, target, random) ?? pathTo(tsCfg, target, random, 3000, 220);
    if (!path) { result.unreached.push(target); continue; }
    let tlaState = exploreInit(spec, cfg)[0]!;
    let ts = initialState(tsCfg);
    for (const step of path) {
      const succ = compareAt(spec, cfg, tsCfg, tlaState, result);
      ts = applyStep(ts, step);
      const key = stateKey(ts, tsCfg.N);
      const next = succ.find((x) => x.action === step.action && x.key === key);
      if (!next) { result.mismatches.push(`guided path to ${target}: the spec has no ${step.action} step to the TS successor`); break; }
      tlaState = next.state;
    }
    compareAt(spec, cfg, tsCfg, tlaState, result);
    if (result.mismatches.length > 0) break;
  }
  return result;
}

/**
 * Visits up to `maxStates` reachable states, picking the next one at random from the
 * frontier, biased to the newest (a BFS would stay shallow and never reach executions,
 * restarts or Welcomes).
 */
export function checkConformance(maxStates: number, seed = 1, model: Record<string, number | string | readonly number[]> = SMALL_MODEL): ConformanceResult {
  const spec = readFileSync(DEFAULT_SPEC_PATH, 'utf8');
  const cfg = cfgText(model, 'Next');
  const tsCfg = configFromConstants(model as never);
  const N = tsCfg.N;
  const random = rng(seed);
  const seen = new Set<string>();
  const frontier: TlaState[] = [];
  const result: ConformanceResult = { states: 0, transitions: 0, actionsSeen: new Set(), mismatches: [] };
  for (const s of exploreInit(spec, cfg)) {
    const k = stateKey(fromTla(s).state, N);
    if (!seen.has(k)) { seen.add(k); frontier.push(s); }
  }
  while (frontier.length > 0 && result.states < maxStates && result.mismatches.length < 5) {
    // Mostly deep (among the newest states), sometimes anywhere: reaches executions and
    // restarts within a few hundred states while still sampling the breadth.
    const window = random() < 0.85 ? Math.min(frontier.length, 6) : frontier.length;
    const i = frontier.length - 1 - Math.floor(random() * window);
    const tlaState = frontier[i]!;
    frontier[i] = frontier[frontier.length - 1]!;
    frontier.pop();
    for (const t of compareAt(spec, cfg, tsCfg, tlaState, result)) {
      if (!seen.has(t.key)) { seen.add(t.key); frontier.push(t.state); }
    }
  }
  return result;
}
