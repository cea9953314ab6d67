/**
 * Test helper: the TypeScript state invariants (src/explore/properties.ts) against the .tla's
 * own verdicts (explore_eval on the embedded engine), state by state, on a sample of a model's
 * states. A mutant's sample, taken past its violations, holds states where a property fails.
 */
import { expect } from 'vitest';
import { loadTlaChecker } from '../../src/modelcheck/embedded/wasm.js';
import { flatSpecText } from '../../src/explore/engineReplay.js';
import type { ExploreModel } from '../../src/explore/model.js';
import { STATE_INVARIANTS, boundsOf } from '../../src/explore/properties.js';
import { toTla } from '../../src/trace/replay/tlaCodec.js';
import { cfgText } from '../../src/trace/replay/tlaEngine.js';
import type { SpecState } from '../../src/trace/spec/specState.js';

/** Per property: on how many states both agreed, and on how many of them it was false. */
export type Verdicts = Record<string, { agree: number; falseSeen: number }>;

let specText: string | undefined;

/** Asserts every property gives the .tla's verdict on every state of `sample`; adds them up in `into`. */
export function expectTlaVerdicts(m: ExploreModel, mutant: string, sample: readonly SpecState[], properties: readonly string[], into: Verdicts = {}): Verdicts {
  specText ??= flatSpecText();
  const bounds = boundsOf(m.cfg, mutant);
  const cfg = cfgText(m.constants, 'Next');
  for (const p of properties) into[p] ??= { agree: 0, falseSeen: 0 };
  for (const s of sample) {
    const state = JSON.stringify(toTla(s, m.cfg.N));
    for (const p of properties) {
      const out = JSON.parse(loadTlaChecker().explore_eval(specText, cfg, '{}', state, p)) as { ok: boolean; json?: unknown; error?: string };
      expect(out.ok, out.error).toBe(true);
      expect(STATE_INVARIANTS[p]!(bounds, s) === undefined, `${p} on a state of ${mutant}`).toBe(out.json);
      into[p]!.agree++;
      if (out.json === false) into[p]!.falseSeen++;
    }
  }
  return into;
}
