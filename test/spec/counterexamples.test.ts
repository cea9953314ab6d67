/**
 * The mutants whose violations lie deep (two leaders and two proposers racing for one slot)
 * are beyond what the embedded engine searches in test time. For each, TLC found a behaviour
 * of the mutant spec (test/spec/counterexamples/<Mutant>.json); here the embedded engine
 * replays it step by step, through explore_next on the spec itself, and:
 *   - every step is a transition the mutant spec allows,
 *   - the last state violates the property (evaluated by the engine),
 *   - the same behaviour is NOT one of the correct spec (Mutant = "none"): some step is refused.
 * With TLC present, `npm run check-spec` on these models finds the violations by search.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, printCfg, withConstants } from '../../src/modelcheck/index.js';
import { loadTlaChecker } from '../../src/modelcheck/embedded/wasm.js';
import { canonicalText } from './tlaJson.js';

interface Counterexample { mutant: string; model: string; violates: string[]; states: unknown[] }

const here = import.meta.dirname;
const specText = readFileSync(join(here, '..', '..', 'spec', 'MultiPaxos.tla'), 'utf8');
const files = readdirSync(join(here, 'counterexamples')).filter((f) => f.endsWith('.json')).sort();

function cfgFor(model: string, mutant: string): string {
  const info = loadModel(join(here, 'models', `${model}.cfg`));
  return printCfg(withConstants(info.cfg, { Mutant: JSON.stringify(mutant) }));
}

/** Follows the states through explore_next; returns the engine's last state, or the index of the first refused step. */
function replay(cfg: string, states: unknown[]): { ok: true; last: unknown } | { ok: false; refusedAt: number } {
  const tla = loadTlaChecker();
  const init = JSON.parse(tla.explore_init(specText, cfg, '{}')) as { ok: boolean; states: { json: unknown }[]; error?: string };
  expect(init.ok, init.error).toBe(true);
  let current = init.states.find((s) => canonicalText(s.json) === canonicalText(states[0]))?.json;
  if (current === undefined) return { ok: false, refusedAt: 0 };
  for (let i = 1; i < states.length; i++) {
    const next = JSON.parse(tla.explore_next(specText, cfg, '{}', JSON.stringify(current))) as {
      ok: boolean; error?: string; transitions: { state: { json: unknown } }[];
    };
    expect(next.ok, next.error).toBe(true);
    const want = canonicalText(states[i]);
    const match = next.transitions.find((t) => canonicalText(t.state.json) === want);
    if (match === undefined) return { ok: false, refusedAt: i };
    current = match.state.json;
  }
  return { ok: true, last: current };
}

describe('deep spec mutants: TLC counterexamples replayed on the embedded engine', () => {
  for (const file of files) {
    const cx = JSON.parse(readFileSync(join(here, 'counterexamples', file), 'utf8')) as Counterexample;

    it(`${cx.mutant}: a behaviour of the mutant that violates ${cx.violates.join(' and ')}`, () => {
      const cfg = cfgFor(cx.model, cx.mutant);
      const run = replay(cfg, cx.states);
      expect(run.ok, run.ok ? '' : `step ${run.refusedAt} refused`).toBe(true);
      if (!run.ok) return;
      const tla = loadTlaChecker();
      for (const property of cx.violates) {
        const v = JSON.parse(tla.explore_eval(specText, cfg, '{}', JSON.stringify(run.last), property)) as { ok: boolean; json: unknown };
        expect(v.ok).toBe(true);
        expect(v.json, `${property} in the last state`).toBe(false);
      }
    }, 240_000);

    it(`${cx.mutant}: the same behaviour is not one of the correct spec`, () => {
      const run = replay(cfgFor(cx.model, 'none'), cx.states);
      expect(run.ok).toBe(false);
    }, 240_000);
  }

  it('covers the properties the exhaustive mutant runs leave out', () => {
    const covered = new Set(files.flatMap((f) => (JSON.parse(readFileSync(join(here, 'counterexamples', f), 'utf8')) as Counterexample).violates));
    expect([...covered].sort()).toEqual(['AcceptorMonotonicity', 'Agreement', 'RefinesLog', 'ReplicaConsistency']);
  });
});
