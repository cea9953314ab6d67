/**
 * Confirms a counterexample of the explorer on the embedded engine (tla-checker), against the
 * .tla itself with the same constants and Mutant: from the engine's initial state, each step
 * must be one of the engine's own transitions (explore_next) with the same action name and
 * the same next state, and the engine must find the property FALSE in the last state (for a
 * step property, the ghost variable the .tla keeps for it). So a counterexample the explorer
 * reports is a behaviour of the spec, whatever the TypeScript encoding got wrong.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { flattenModule } from '../modelcheck/tla/flatten.js';
import { loadTlaChecker } from '../modelcheck/embedded/wasm.js';
import { cfgText, exploreInit, exploreNext, type ConstantValue } from '../trace/replay/tlaEngine.js';
import { type TlaState, fromTla, stateKey } from '../trace/replay/tlaCodec.js';
import type { Violation } from './explorer.js';

export const SPEC_DIR = resolve(import.meta.dirname, '..', '..', 'spec');

/** spec/<module>.tla with the user modules it EXTENDS inlined (one text, as the engine takes it). */
export function flatSpecText(module = 'MultiPaxos', specDir = SPEC_DIR): string {
  const load = (name: string): string | undefined => {
    const p = join(specDir, `${name}.tla`);
    return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
  };
  const text = load(module);
  if (text === undefined) throw new Error(`no module ${module} in ${specDir}`);
  return flattenModule(text, load).text;
}

export type ReplayVerdict =
  | { ok: true; steps: number; seconds: number }
  | { ok: false; at: number; reason: string };

/** The property's value in a state of the engine (an invariant's name, evaluated by explore_eval). */
function evalProperty(spec: string, cfg: string, state: TlaState, property: string): unknown {
  const r = JSON.parse(loadTlaChecker().explore_eval(spec, cfg, '{}', JSON.stringify(state), property)) as { ok: boolean; error?: string; json?: unknown };
  if (!r.ok) throw new Error(`explore_eval ${property}: ${r.error ?? 'failed'}`);
  return r.json;
}

export function replayOnEngine(v: Violation, constants: Record<string, ConstantValue>, spec = flatSpecText()): ReplayVerdict {
  const t0 = performance.now();
  const N = Number(constants.N);
  const cfg = cfgText(constants, 'Next');
  const inits = exploreInit(spec, cfg);
  if (inits.length !== 1) return { ok: false, at: 0, reason: `the engine has ${inits.length} initial states` };
  let state = inits[0]!;
  if (stateKey(fromTla(state).state, N) !== stateKey(v.trace[0]!.state, N)) return { ok: false, at: 0, reason: 'the initial states differ' };
  for (let i = 1; i < v.trace.length; i++) {
    const want = v.trace[i]!;
    const key = stateKey(want.state, N);
    const match = exploreNext(spec, cfg, state).find((t) => t.action === want.action && stateKey(fromTla(t.state).state, N) === key);
    if (match === undefined) return { ok: false, at: i, reason: `the engine has no ${want.action} step to the explorer's state ${i}` };
    state = match.state;
  }
  if (v.kind === 'deadlock') {
    const next = exploreNext(spec, cfg, state);
    if (next.length > 0) return { ok: false, at: v.trace.length - 1, reason: `the engine has ${next.length} steps from the last state` };
  } else {
    const value = evalProperty(spec, cfg, state, v.property);
    if (value !== false) return { ok: false, at: v.trace.length - 1, reason: `the engine evaluates ${v.property} to ${JSON.stringify(value)} in the last state` };
  }
  return { ok: true, steps: v.trace.length - 1, seconds: (performance.now() - t0) / 1000 };
}
