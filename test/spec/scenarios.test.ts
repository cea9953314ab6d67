/**
 * Scenarios: behaviours written as spec actions with their arguments, for what no search
 * reaches in test time (a bug found by review; an action no CI model reaches). Each step is
 * asked of the embedded engine as `Step == <Action>(<args>)` on the current state, as a trace
 * checker would:
 *   - a mutant's scenario: every step is enabled and the last state violates the property,
 *     and the correct spec refuses some step;
 *   - a scenario of the correct spec: every step is enabled (the last one is the action it
 *     shows reachable).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, printCfg, withConstants } from '../../src/modelcheck/index.js';
import { loadTlaChecker } from '../../src/modelcheck/wasm.js';

interface Scenario {
  mutant: string; model: string; violates: string[]; steps: { action: string; args: unknown[] }[];
  /** For a scenario of the correct spec (mutant "none"): the action it shows reachable. */
  reaches?: string;
}

const here = import.meta.dirname;
const specText = readFileSync(join(here, '..', '..', 'spec', 'MultiPaxos.tla'), 'utf8');
const files = readdirSync(join(here, 'scenarios')).filter((f) => f.endsWith('.json')).sort();

/** A JSON value as a TLA+ literal: objects are records, arrays are sets. */
function tla(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v).toUpperCase();
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `{${v.map(tla).join(', ')}}`;
  if (v !== null && typeof v === 'object') {
    return `[${Object.entries(v).map(([k, x]) => `${k} |-> ${tla(x)}`).join(', ')}]`;
  }
  throw new Error(`no TLA+ literal for ${JSON.stringify(v)}`);
}

/** The spec with one more definition, `Step`, before the module's closing line. */
function withStep(action: string, args: unknown[]): string {
  const end = specText.lastIndexOf('\n====');
  return `${specText.slice(0, end)}\nStep == ${action}(${args.map(tla).join(', ')})\n${specText.slice(end + 1)}`;
}

function cfgFor(model: string, mutant: string): string {
  const info = loadModel(join(here, 'models', `${model}.cfg`));
  const cfg = withConstants(info.cfg, { Mutant: JSON.stringify(mutant) });
  return printCfg({ ...cfg, specification: undefined, init: 'Init', next: 'Step', invariants: [], properties: [] });
}

/** Runs the steps; returns the last state, or the index of the first step that is not enabled. */
function run(scenario: Scenario, mutant: string): { ok: true; last: unknown } | { ok: false; refusedAt: number } {
  const tlaChecker = loadTlaChecker();
  const cfg = cfgFor(scenario.model, mutant);
  const init = JSON.parse(tlaChecker.explore_init(specText, cfg.replace('NEXT Step', 'NEXT Next'), '{}')) as { ok: boolean; error?: string; states: { json: unknown }[] };
  expect(init.ok, init.error).toBe(true);
  let state = init.states[0]!.json;
  for (const [i, { action, args }] of scenario.steps.entries()) {
    const next = JSON.parse(tlaChecker.explore_next(withStep(action, args), cfg, '{}', JSON.stringify(state))) as {
      ok: boolean; error?: string; transitions: { state: { json: unknown } }[];
    };
    expect(next.ok, `${action}: ${next.error}`).toBe(true);
    if (next.transitions.length === 0) return { ok: false, refusedAt: i };
    expect(next.transitions.length, `${action} is deterministic`).toBe(1);
    state = next.transitions[0]!.state.json;
  }
  return { ok: true, last: state };
}

describe('scenarios replayed action by action on the embedded engine', () => {
  for (const file of files) {
    const scenario = JSON.parse(readFileSync(join(here, 'scenarios', file), 'utf8')) as Scenario;
    if (scenario.mutant === 'none') {
      it(`${scenario.reaches} is reachable in the correct spec`, () => {
        expect(scenario.steps.at(-1)?.action).toBe(scenario.reaches);
        const result = run(scenario, 'none');
        expect(result.ok, result.ok ? '' : `step ${result.refusedAt} not enabled`).toBe(true);
      }, 240_000);
      continue;
    }

    it(`${scenario.mutant}: every step is enabled and the end violates ${scenario.violates.join(', ')}`, () => {
      const result = run(scenario, scenario.mutant);
      expect(result.ok, result.ok ? '' : `step ${result.refusedAt} not enabled`).toBe(true);
      if (!result.ok) return;
      const tlaChecker = loadTlaChecker();
      const cfg = cfgFor(scenario.model, scenario.mutant).replace('NEXT Step', 'NEXT Next');
      for (const property of scenario.violates) {
        const v = JSON.parse(tlaChecker.explore_eval(specText, cfg, '{}', JSON.stringify(result.last), property)) as { ok: boolean; json: unknown };
        expect(v.ok).toBe(true);
        expect(v.json, `${property} in the last state`).toBe(false);
      }
    }, 240_000);

    it(`${scenario.mutant}: the correct spec refuses the scenario`, () => {
      expect(run(scenario, 'none').ok).toBe(false);
    }, 240_000);
  }
});
