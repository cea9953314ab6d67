/**
 * holdsOnEngine (src/explore/engineFilter.ts), one engine call for a predicate on many states,
 * against explore_eval state by state: the same verdicts, on states where the predicate holds
 * and where it does not; and a clear error for what it cannot answer.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { loadTlaChecker } from '../../src/modelcheck/embedded/wasm.js';
import { holdsOnEngine } from '../../src/explore/engineFilter.js';
import { flatSpecText } from '../../src/explore/engineReplay.js';
import { explore } from '../../src/explore/explorer.js';
import { exploreModel } from '../../src/explore/model.js';
import { toTla } from '../../src/trace/replay/tlaCodec.js';
import { cfgText, exploreNext } from '../../src/trace/replay/tlaEngine.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('holdsOnEngine', () => {
  const m = exploreModel(loadModel(join(ROOT, 'spec', 'ci-race.cfg')));
  const spec = flatSpecText();
  const cfg = cfgText(m.constants, 'Next');
  // Successors of sampled states: the search kept only the states RaceShape allows, their successors are both.
  const sample = explore({ cfg: m.cfg, invariants: {}, constraints: m.constraints, sample: { size: 12, seed: 3 } }).sample;
  const states = sample.flatMap((s) => exploreNext(spec, cfg, toTla(s, m.cfg.N)).map((t) => t.state));

  it('gives explore_eval\'s verdict on every state, in their order, with both verdicts among them', () => {
    const verdicts = holdsOnEngine(spec, cfg, 'RaceShape', states);
    const one = states.map((s) => (JSON.parse(loadTlaChecker().explore_eval(spec, cfg, '{}', JSON.stringify(s), 'RaceShape')) as { json: unknown }).json);
    expect(verdicts).toEqual(one);
    expect(verdicts).toContain(true);
    expect(verdicts).toContain(false);
    // In another order, the verdicts follow their states.
    expect(holdsOnEngine(spec, cfg, 'RaceShape', [...states].reverse())).toEqual([...one].reverse());
  }, 120_000);

  it('tells apart two states that differ only in a ghost variable', () => {
    const s = states[0]!;
    expect(holdsOnEngine(spec, cfg, 'refines', [{ ...s, refines: true }, { ...s, refines: false }])).toEqual([true, false]);
    expect(holdsOnEngine(spec, cfg, 'monotone', [{ ...s, monotone: false }, { ...s, monotone: true }])).toEqual([false, true]);
  }, 120_000);

  it('throws on what it cannot answer: a predicate that is not a Boolean, or a cfg without INIT Init', () => {
    expect(() => holdsOnEngine(spec, cfg, 'restarts', states.slice(0, 2))).toThrow();
    expect(() => holdsOnEngine(spec, cfg.replace('INIT Init', 'INIT Other'), 'RaceShape', states.slice(0, 2))).toThrow(/no line "INIT Init"/);
    expect(holdsOnEngine(spec, cfg, 'RaceShape', [])).toEqual([]);
  }, 120_000);
});
