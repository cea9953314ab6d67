/**
 * Names what a counterexample violates when the checker that found it did not say: distributed
 * TLC prints "The behavior up to this point is" and the states, but neither the invariant nor
 * "deadlock". The last state is evaluated on the embedded engine: the first invariant of the
 * cfg that is false there is the one TLC stopped at; none false and no successor, with deadlock
 * checking on, is a deadlock.
 */
import { printCfg, type TlcConfig } from '../cfg/cfg.js';
import { exploreCfg } from '../tla/nextActions.js';
import { stateToEmbeddedJson, type GraphVars } from '../embedded/stateGraph.js';
import type { Counterexample } from '../shared/types.js';
import { loadTlaChecker } from '../embedded/wasm.js';

export type Naming =
  | { named: true; verdict: 'invariant'; violated: string }
  | { named: true; verdict: 'deadlock' }
  | { named: false; why: string };

/** `spec` must be one self-contained module (flattened), as the embedded engine reads it. */
export function nameCounterexample(spec: string, cfg: TlcConfig, cex: Counterexample): Naming {
  const last = cex.states.at(-1);
  if (last === undefined) return { named: false, why: 'the counterexample has no states' };
  const tc = loadTlaChecker();
  const cfgText = printCfg(exploreCfg(spec, cfg));
  try {
    // The values came from TLC's printout (tlaValue.ts), which writes them as ITF.
    const state = JSON.stringify(stateToEmbeddedJson(last.vars as GraphVars));
    const inv = JSON.parse(tc.explore_invariants(spec, cfgText, '{}', state)) as { ok: boolean; error?: string; invariants?: Array<{ name: string; holds: boolean }> };
    if (!inv.ok || !inv.invariants) return { named: false, why: `the embedded engine could not evaluate the invariants in the last state: ${inv.error ?? 'no answer'}` };
    const broken = inv.invariants.find((i) => !i.holds);
    if (broken) return { named: true, verdict: 'invariant', violated: broken.name };
    if (cfg.checkDeadlock !== false) {
      const next = JSON.parse(tc.explore_next(spec, cfgText, '{}', state)) as { ok: boolean; transitions?: unknown[] };
      if (next.ok && next.transitions?.length === 0) return { named: true, verdict: 'deadlock' };
    }
    return { named: false, why: 'every invariant holds in its last state (a property of the behaviour, which only plain TLC names)' };
  } catch (e) {
    return { named: false, why: `the embedded engine failed on the last state: ${(e as Error).message}` };
  }
}
