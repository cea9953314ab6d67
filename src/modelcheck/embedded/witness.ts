/**
 * Witnesses: behaviours written as spec actions with their arguments, replayed step by step on
 * the embedded engine. Each step is asked as `Step == <Action>(<args>)` from the current state
 * (as a trace checker would): the step must be enabled and lead to exactly one state.
 *
 * A witness of the correct spec shows an action reachable that no model checked in CI reaches
 * (check-spec prints it beside the action coverage); a mutant's witness shows a behaviour the
 * mutant allows and the correct spec refuses (test/spec/scenarios.test.ts).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { printCfg, withConstants, type TlcConfig } from '../cfg/cfg.js';
import { loadTlaChecker } from './wasm.js';
import { tlaValueLiteral } from '../values/tlaLiteral.js';

export interface WitnessStep { action: string; args: unknown[] }

export interface Witness {
  comment?: string;
  /** "none" for the correct spec, else the value of the spec's Mutant constant. */
  mutant: string;
  /** The model (cfg) whose constants the steps are replayed under. */
  model: string;
  /** Correct spec: the action the last step shows reachable. */
  reaches?: string;
  /** Mutant: invariants the last state violates. */
  violates: string[];
  steps: WitnessStep[];
}

export class WitnessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WitnessError';
  }
}

/** Reads and checks the shape of a witness file; errors name the file and the field. */
export function readWitness(file: string): Witness {
  let w: unknown;
  try {
    w = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new WitnessError(`${file}: not JSON: ${(e as Error).message}`);
  }
  const o = w as Record<string, unknown>;
  const bad = (field: string, what: string): never => { throw new WitnessError(`${file}: ${field} must be ${what}`); };
  if (o === null || typeof o !== 'object' || Array.isArray(o)) bad('(root)', 'an object');
  if (typeof o.mutant !== 'string') bad('mutant', 'a string ("none" for the correct spec)');
  if (typeof o.model !== 'string') bad('model', 'the name of a model (cfg)');
  if (o.reaches !== undefined && typeof o.reaches !== 'string') bad('reaches', 'an action name');
  if (!Array.isArray(o.violates) || o.violates.some((x) => typeof x !== 'string')) bad('violates', 'a list of invariant names');
  if (!Array.isArray(o.steps) || o.steps.length === 0) bad('steps', 'a non-empty list');
  (o.steps as unknown[]).forEach((s, i) => {
    const st = s as Record<string, unknown>;
    if (st === null || typeof st !== 'object' || typeof st.action !== 'string' || !Array.isArray(st.args)) bad(`steps[${i}]`, '{"action": <name>, "args": [...]}');
  });
  if (o.reaches !== undefined && (o.steps as WitnessStep[]).at(-1)!.action !== o.reaches) {
    bad('reaches', `the action of the last step (${(o.steps as WitnessStep[]).at(-1)!.action})`);
  }
  return o as unknown as Witness;
}

/** The witnesses in a directory (every *.json), sorted by file name. */
export function listWitnesses(dir: string): { file: string; witness: Witness }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => ({ file: join(dir, f), witness: readWitness(join(dir, f)) }));
}

/** A step argument as a TLA+ literal (a sequence is written as tla-checker prints it: {"__tuple": [...]}). */
function argLiteral(v: unknown): string {
  try {
    return tlaValueLiteral(v);
  } catch (e) {
    throw new WitnessError((e as Error).message);
  }
}

/** The module with one more definition, `Step`, before its closing line. */
function withStep(specText: string, step: WitnessStep): string {
  const end = specText.lastIndexOf('\n====');
  if (end < 0) throw new WitnessError('the module has no closing ==== line');
  const call = step.args.length === 0 ? step.action : `${step.action}(${step.args.map(argLiteral).join(', ')})`;
  return `${specText.slice(0, end)}\nStep == ${call}\n${specText.slice(end + 1)}`;
}

export type ReplayResult =
  | { ok: true; last: unknown; cfgText: string }
  | { ok: false; refusedAt: number; reason: string };

/**
 * Replays the steps from the model's (single) initial state with the Mutant constant set;
 * `specText` must be one self-contained module (flattened).
 */
export function replayWitness(specText: string, model: TlcConfig, mutant: string, steps: readonly WitnessStep[]): ReplayResult {
  const tc = loadTlaChecker();
  // Specs without mutants have no Mutant constant: set it only where it means something.
  const hasMutant = model.constants.some((c) => c.name === 'Mutant');
  const cfg = hasMutant || mutant !== 'none' ? withConstants(model, { Mutant: JSON.stringify(mutant) }) : model;
  const base = { ...cfg, specification: undefined, invariants: [], properties: [] };
  const initCfg = printCfg({ ...base, init: 'Init', next: 'Next' });
  const stepCfg = printCfg({ ...base, init: 'Init', next: 'Step' });
  const init = JSON.parse(tc.explore_init(specText, initCfg, '{}')) as { ok: boolean; error?: string; states?: { json: unknown }[] };
  if (!init.ok || !init.states || init.states.length !== 1) {
    return { ok: false, refusedAt: -1, reason: `Init: ${init.error ?? `${init.states?.length ?? 0} initial states, one expected`}` };
  }
  let state = init.states[0]!.json;
  for (const [i, step] of steps.entries()) {
    const next = JSON.parse(tc.explore_next(withStep(specText, step), stepCfg, '{}', JSON.stringify(state))) as {
      ok: boolean; error?: string; transitions?: { state: { json: unknown } }[];
    };
    if (!next.ok || !next.transitions) return { ok: false, refusedAt: i, reason: `${step.action}: ${next.error ?? 'no reply'}` };
    if (next.transitions.length === 0) return { ok: false, refusedAt: i, reason: `${step.action} is not enabled` };
    if (next.transitions.length > 1) return { ok: false, refusedAt: i, reason: `${step.action} has ${next.transitions.length} successors; a witness step must name one` };
    state = next.transitions[0]!.state.json;
  }
  return { ok: true, last: state, cfgText: initCfg };
}

/** Evaluates a state predicate (e.g. an invariant's name) in a state. */
export function evalInState(specText: string, cfgText: string, state: unknown, expr: string): unknown {
  const r = JSON.parse(loadTlaChecker().explore_eval(specText, cfgText, '{}', JSON.stringify(state), expr)) as { ok: boolean; error?: string; json?: unknown };
  if (!r.ok) throw new WitnessError(`${expr}: ${r.error ?? 'cannot be evaluated'}`);
  return r.json;
}
