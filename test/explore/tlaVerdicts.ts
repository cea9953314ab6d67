/**
 * Test helper: the TypeScript state invariants (src/explore/properties.ts) against the .tla's
 * own verdicts (the embedded engine, one call per property: src/explore/engineFilter.ts) on a sample of a model's
 * states. A mutant's sample, taken past its violations, holds states where a property fails.
 */
import { expect } from 'vitest';
import { holdsOnEngine } from '../../src/explore/engineFilter.js';
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
  const states = sample.map((s) => toTla(s, m.cfg.N));
  for (const p of properties) {
    // The .tla's verdicts on the whole sample in one engine call (src/explore/engineFilter.ts).
    const verdicts = holdsOnEngine(specText, cfg, p, states);
    sample.forEach((s, i) => {
      expect(STATE_INVARIANTS[p]!(bounds, s) === undefined, `${p} on state ${i} of ${mutant}'s sample`).toBe(verdicts[i]);
      into[p]!.agree++;
      if (!verdicts[i]) into[p]!.falseSeen++;
    });
  }
  return into;
}
