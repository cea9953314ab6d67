/**
 * ClientAnswers (spec/MultiPaxos.tla) is three clauses: AnsweredDecided, AnswersAgree and
 * AnsweredAsExecuted. The spec mutants break it through the last one first, so no sampled
 * state showed the middle one alone, and properties.ts could drop it unseen. Here each clause
 * gets a hand-made state that breaks only it, and the TypeScript property must give the .tla's
 * verdict (explore_eval on the embedded engine) on every state.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { loadTlaChecker } from '../../src/modelcheck/embedded/wasm.js';
import { flatSpecText } from '../../src/explore/engineReplay.js';
import { exploreModel } from '../../src/explore/model.js';
import { STATE_INVARIANTS, boundsOf } from '../../src/explore/properties.js';
import { toTla } from '../../src/trace/replay/tlaCodec.js';
import { cfgText } from '../../src/trace/replay/tlaEngine.js';
import { messageKey } from '../../src/trace/format/keys.js';
import { ExecSeq } from '../../src/trace/spec/execSeq.js';
import { type SpecState, initialState } from '../../src/trace/spec/specState.js';
import type { Proposal, SpecMessage } from '../../src/trace/format/types.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const local = join(ROOT, 'test', 'spec', 'models', 'client-answers.cfg');

describe('ClientAnswers gives the .tla verdict clause by clause', () => {
  it('on hand-made states that break one clause each', () => {
    expect(existsSync(local)).toBe(true);
    const m = exploreModel(loadModel(local));
    const spec = flatSpecText();
    const cfg = cfgText(m.constants, 'Next');
    const bounds = boundsOf(m.cfg);
    const r1: Proposal = { caller: 1, clientId: 1, input: 'op' };
    const r2: Proposal = { caller: 1, clientId: 2, input: 'op' };
    const decision = (slot: number, prop: Proposal): SpecMessage => ({ type: 'Decision', slot, prop });
    const answer = (prop: Proposal, index: number): SpecMessage => ({ type: 'Invoked', replica: 1, prop, index });
    const base = initialState(m.cfg);
    const state = (executed: Proposal[], messages: SpecMessage[]): SpecState => ({
      ...base,
      msgs: new Map(messages.map((x) => [messageKey(x), x])),
      nodes: [base.nodes[0]!, { ...base.nodes[1]!, rExecuted: ExecSeq.of(executed) }],
    });
    const cases: Array<[string, SpecState, boolean]> = [
      ['answered at the index it was executed', state([r1], [decision(1, r1), answer(r1, 1)]), true],
      ['answered at an index no replica reached yet', state([r1], [decision(1, r1), answer(r1, 2)]), true],
      // AnswersAgree alone: index 2 is past every history, so AnsweredAsExecuted says nothing of it.
      ['answered at two indexes', state([r1], [decision(1, r1), answer(r1, 1), answer(r1, 2)]), false],
      ['answered but not decided (AnsweredDecided)', state([], [answer(r1, 1)]), false],
      ['answered where another request was executed (AnsweredAsExecuted)', state([r1, r2], [decision(1, r1), decision(2, r2), answer(r2, 1)]), false],
      // At the last index the replica ran: an off-by-one that stops short of it passed the other cases.
      ['answered at the last index run, where another request was executed (AnsweredAsExecuted)', state([r1, r2], [decision(1, r1), decision(2, r2), answer(r1, 2)]), false],
    ];
    for (const [name, s, expected] of cases) {
      const out = JSON.parse(loadTlaChecker().explore_eval(spec, cfg, '{}', JSON.stringify(toTla(s, m.cfg.N)), 'ClientAnswers')) as { ok: boolean; json?: unknown; error?: string };
      expect(out.ok, out.error).toBe(true);
      expect(out.json, `${name} (.tla)`).toBe(expected);
      expect(STATE_INVARIANTS.ClientAnswers!(bounds, s) === undefined, `${name} (TS)`).toBe(expected);
    }
  }, 60_000);
});
