/**
 * PromiseCoversAccepted (ci-normal) and ProposalsAhead (ci-restart, ci-checkpoint,
 * ci-welcome-parts) in properties.ts give the .tla's verdict (explore_eval on the embedded
 * engine) on hand-made states where each holds and where each fails. They were added for bugs
 * no CI model showed, now the spec mutants AcceptKeepsPromise (an acceptor accepts without
 * raising its promise) and WelcomeOverProposals (a replica installs a Welcome over pending
 * proposals), found by search in test/explore/specMutantSearch.test.ts.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { loadTlaChecker } from '../../src/modelcheck/embedded/wasm.js';
import { flatSpecText } from '../../src/explore/engineReplay.js';
import { exploreModel } from '../../src/explore/model.js';
import { STATE_INVARIANTS, boundsOf } from '../../src/explore/properties.js';
import { toTla } from '../../src/trace/replay/tlaCodec.js';
import { cfgText } from '../../src/trace/replay/tlaEngine.js';
import { pvalueKey, slotPropKey } from '../../src/trace/format/keys.js';
import { type NodeSpec, type SpecState, initialState } from '../../src/trace/spec/specState.js';
import type { Ballot, Proposal, PValue, SlotProp } from '../../src/trace/format/types.js';

const SPEC = resolve(import.meta.dirname, '..', '..', 'spec');
const r1: Proposal = { caller: 1, clientId: 1, input: 'op' };
const b = (num: number, leader: number): Ballot => ({ num, leader });

function verdicts(model: string, property: string, cases: Array<[string, (n: NodeSpec) => NodeSpec, boolean]>): void {
  const m = exploreModel(loadModel(join(SPEC, `${model}.cfg`)));
  const spec = flatSpecText();
  const cfg = cfgText(m.constants, 'Next');
  const bounds = boundsOf(m.cfg);
  const base = initialState(m.cfg);
  for (const [name, edit, expected] of cases) {
    const s: SpecState = { ...base, nodes: base.nodes.map((x, i) => (i === 1 ? edit(x) : x)) };
    const out = JSON.parse(loadTlaChecker().explore_eval(spec, cfg, '{}', JSON.stringify(toTla(s, m.cfg.N)), property)) as { ok: boolean; json?: unknown; error?: string };
    expect(out.ok, out.error).toBe(true);
    expect(out.json, `${name} (.tla)`).toBe(expected);
    expect(STATE_INVARIANTS[property]!(bounds, s) === undefined, `${name} (TS)`).toBe(expected);
  }
}

const pvalues = (...xs: PValue[]) => new Map(xs.map((x) => [pvalueKey(x), x]));
const proposals = (...xs: SlotProp[]) => new Map(xs.map((x) => [slotPropKey(x), x]));

describe('invariants added for bugs no CI model showed: the TypeScript gives the .tla verdict', () => {
  it('PromiseCoversAccepted', () => {
    verdicts('ci-normal', 'PromiseCoversAccepted', [
      ['nothing accepted', (x) => x, true],
      ['accepted at the ballot promised', (x) => ({ ...x, aBallot: b(0, 1), aAccepted: pvalues({ ballot: b(0, 1), slot: 1, prop: r1 }) }), true],
      ['accepted below the ballot promised', (x) => ({ ...x, aBallot: b(1, 1), aAccepted: pvalues({ ballot: b(0, 1), slot: 1, prop: r1 }) }), true],
      ['accepted with nothing promised', (x) => ({ ...x, aAccepted: pvalues({ ballot: b(0, 1), slot: 1, prop: r1 }) }), false],
      ['accepted above the ballot promised, same number', (x) => ({ ...x, aBallot: b(0, 1), aAccepted: pvalues({ ballot: b(0, 2), slot: 1, prop: r1 }) }), false],
    ]);
  }, 60_000);

  it('ProposalsAhead', () => {
    verdicts('ci-restart', 'ProposalsAhead', [
      ['no proposal', (x) => x, true],
      ['a proposal at the next slot to execute', (x) => ({ ...x, rProposals: proposals({ slot: 1, prop: r1 }) }), true],
      ['a proposal at the slot just executed', (x) => ({ ...x, rSlotOut: 2, rProposals: proposals({ slot: 1, prop: r1 }) }), false],
    ]);
  }, 60_000);
});
