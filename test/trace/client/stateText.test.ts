/**
 * StateTexts builds each state's canonical text from the last one's: along any sequence of
 * states (lists that grow, shrink, change in the middle, or are changed in place by the
 * application) every text and digest must be canonicalJson's and stateDigest's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, stateDigest } from '../../../src/statemachines/digest.js';
import { StateTexts } from '../../../src/trace/client/stateText.js';
import { appStateMachine } from '../../../src/trace/replay/apps.js';
import { type TrackedState, tagInput } from '../../../src/sim/tracking.js';
import type { StateMachine } from '../../../src/node/api.js';

type Op = { kind: 'append'; id: string } | { kind: 'set'; at: number; id: string } | { kind: 'drop'; count: number }
  | { kind: 'inPlace'; at: number; id: string } | { kind: 'entry'; key: string; value: unknown };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('append' as const), id: fc.string({ maxLength: 4 }) }) },
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), id: fc.string({ maxLength: 4 }) }),
  fc.record({ kind: fc.constant('drop' as const), count: fc.nat({ max: 3 }) }),
  fc.record({ kind: fc.constant('inPlace' as const), at: fc.nat(), id: fc.string({ maxLength: 4 }) }),
  fc.record({ kind: fc.constant('entry' as const), key: fc.constantFrom('a', 'b', 'history', 'z'), value: fc.jsonValue({ maxDepth: 2 }) }),
);

describe('StateTexts', () => {
  it('gives canonicalJson of every state along random edits (copies and in-place changes)', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const texts = new StateTexts();
      let history: string[] = [];
      let app: Record<string, unknown> = { entries: {} };
      for (const o of ops) {
        if (o.kind === 'append') history = [...history, o.id];
        else if (o.kind === 'set' && history.length > 0) { history = history.slice(); history[o.at % history.length] = o.id; }
        else if (o.kind === 'drop') history = history.slice(0, Math.max(0, history.length - o.count));
        else if (o.kind === 'inPlace' && history.length > 0) history[o.at % history.length] = o.id; // the same array, changed
        else if (o.kind === 'entry') app = { ...app, [o.key]: o.value };
        const state = { app, history, also: { history: history.slice(0, 2) } };
        expect(texts.text(state)).toBe(canonicalJson(state));
      }
    }), { numRuns: 500 });
  });

  it("gives stateDigest of the tracked key-value store's states (as older traces digest them), request after request", () => {
    const sm = appStateMachine({ name: 'kv', tracked: true }) as StateMachine<TrackedState<unknown>>;
    const texts = new StateTexts();
    let state = sm.initial();
    for (let i = 1; i <= 300; i++) {
      [state] = sm.apply(state, tagInput(`1:${i}`, JSON.stringify({ op: 'set', key: `k${i % 7}`, value: `v${i}` })));
      const whole = { app: state.app, history: state.history };
      expect(texts.digest(whole)).toBe(stateDigest(whole));
      expect(sm.digest!(state)).toBe(stateDigest(whole));
    }
  });
});
