/**
 * The explorer on batches (issue 12, "Batching, specified"): ci-batch's count (both engines
 * count 2,953), the four batch mutants (found by search and confirmed on the .tla in
 * test/explore/specMutantSearch.test.ts), the same mutants changing nothing when every batch is one request (BatchMax = 1), and the
 * batch-aware properties of properties.ts giving the .tla's verdict on states with batches.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { loadTlaChecker } from '../../src/modelcheck/embedded/wasm.js';
import { explore } from '../../src/explore/explorer.js';
import { flatSpecText } from '../../src/explore/engineReplay.js';
import { exploreModel } from '../../src/explore/model.js';
import { sampledConformance } from '../../src/explore/sampledConformance.js';
import { type SpecState, initialState, longBatch } from '../../src/trace/spec/specState.js';
import { STATE_INVARIANTS, boundsOf } from '../../src/explore/properties.js';
import { toTla } from '../../src/trace/replay/tlaCodec.js';
import { messageKey, propKey, slotPropKey } from '../../src/trace/format/keys.js';
import { waitingBatches } from '../../src/trace/spec/fastSpec.js';
import type { Proposal, SlotProp, SpecMessage } from '../../src/trace/format/types.js';
import { cfgText } from '../../src/trace/replay/tlaEngine.js';
import { expectTlaVerdicts } from './tlaVerdicts.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const modelPath = (name: string): string => {
  const local = join(ROOT, 'test', 'spec', 'models', `${name}.cfg`);
  return existsSync(local) ? local : join(ROOT, 'spec', `${name}.cfg`);
};

/** The batch mutants (found by search in test/spec/mutants.test.ts and test/explore/specMutantSearch.test.ts). */
const BATCH_MUTANTS = ['DedupeWholeBatch', 'ExecuteBatchAnyOrder', 'LeaderSplitsBatch', 'AnswerBatchLastIndex', 'AnswerIndexInBatch'];

describe('explorer on batches', () => {
  it('finds the 2,953 states of ci-batch that both engines count; every property holds; a batch of two is decided and executed', () => {
    const m = exploreModel(loadModel(modelPath('ci-batch')));
    expect(m.cfg.bounds.batchMax).toBe(2);
    const r = explore({ cfg: m.cfg, invariants: m.invariants, stepProperties: m.stepProperties, checkDeadlock: m.checkDeadlock, sample: { size: 3000, seed: 1 } });
    expect(r.verdict).toBe('pass');
    expect(r.distinct).toBe(2_953);
    const both = r.sample.filter((s) => [...s.msgs.values()].some((x) => x.type === 'Decision' && longBatch(x.prop) !== undefined)
      && [1, 2].every((n) => s.nodes[n]!.rExecuted.length === 2));
    expect(both.length).toBeGreaterThan(0);
  }, 120_000);

  it('with batches of one request (BatchMax = 1) every batch mutant is the correct spec: ci-normal keeps its 6,739 states and its properties', () => {
    for (const mutant of BATCH_MUTANTS) {
      const m = exploreModel(loadModel(modelPath('ci-normal')), { mutant });
      expect(m.cfg.bounds.batchMax).toBe(1);
      const r = explore({ cfg: m.cfg, mutant, invariants: m.invariants, stepProperties: m.stepProperties, checkDeadlock: m.checkDeadlock });
      expect(r.verdict, mutant).toBe('pass');
      expect(r.distinct, mutant).toBe(6_739);
    }
  }, 120_000);
});

describe('a replica proposes 1 to Min(waiting, BatchMax) of its waiting requests', () => {
  // The code bounds a batch by count and bytes, so it may propose fewer requests than wait:
  // the spec and the encoding must offer every size, not only Min(waiting, BatchMax).
  it('with two waiting and BatchMax = 2: each request alone and both in either order, on the encoding and the .tla', () => {
    const m = exploreModel(loadModel(modelPath('ci-batch')));
    const a: Proposal = { caller: 1, clientId: 1, input: 'op' };
    const b: Proposal = { caller: 1, clientId: 2, input: 'op' };
    const base = initialState(m.cfg);
    const s: SpecState = { ...base, nodes: [base.nodes[0]!, { ...base.nodes[1]!, rRequests: new Map([[propKey(a), a], [propKey(b), b]]) }, base.nodes[2]!] };
    const offered = waitingBatches(m.cfg, s.nodes[1]!).map((x) => JSON.stringify(longBatch(x) ?? [x])).sort();
    expect(offered).toEqual([[a], [a, b], [b], [b, a]].map((q) => JSON.stringify(q)).sort());
    const out = JSON.parse(loadTlaChecker().explore_eval(flatSpecText(), cfgText(m.constants, 'Next'), '{}', JSON.stringify(toTla(s, 2)),
      'Cardinality(WaitingBatches(1)) = 4 /\\ \\A r \\in rRequests[1] : IsWaitingBatch(1, r)')) as { ok: boolean; json?: unknown; error?: string };
    expect(out.ok, out.error).toBe(true);
    expect(out.json).toBe(true);
    // With BatchMax = 1 (every other model): each waiting request alone, as before batching.
    expect(waitingBatches({ ...m.cfg, bounds: { ...m.cfg.bounds, batchMax: 1 } }, s.nodes[1]!)).toHaveLength(2);
  });
});

describe('batch properties give the .tla verdict', () => {
  const PROPERTIES = ['TypeOK', 'Validity', 'ReplicaConsistency', 'ClientAnswers'];
  const spec = flatSpecText();
  const seen: Record<string, { agree: number; falseSeen: number }> = {};
  for (const p of PROPERTIES) seen[p] = { agree: 0, falseSeen: 0 };

  // A mutant's search run past its violations (no invariant stops it) holds both kinds of states.
  for (const mutant of ['ExecuteBatchAnyOrder', 'LeaderSplitsBatch', 'AnswerBatchLastIndex']) {
    it(`on a sample of ${mutant}'s states (ci-batch)`, () => {
      const m = exploreModel(loadModel(modelPath('ci-batch')), { mutant });
      const sample = explore({ cfg: m.cfg, mutant, sample: { size: 50, seed: 5 } }).sample;
      expect(sample.length).toBe(50);
      // The mutant's actions (mutantSteps.ts) are the .tla's with the same Mutant on these states too.
      expect(sampledConformance(m, sample).mismatches).toEqual([]);
      expectTlaVerdicts(m, mutant, sample, PROPERTIES, seen);
    }, 120_000);
  }

  it('saw Validity, ReplicaConsistency and ClientAnswers both hold and fail', () => {
    for (const p of ['Validity', 'ReplicaConsistency', 'ClientAnswers']) {
      expect(seen[p]!.falseSeen, p).toBeGreaterThan(0);
      expect(seen[p]!.falseSeen, p).toBeLessThan(seen[p]!.agree);
    }
  });

  it('on hand-made snapshots with batches: order inside a batch, a request in two batches, no-ops (SnapshotsSound)', () => {
    const m = exploreModel(loadModel(modelPath('ci-batch')));
    const constants = { ...m.constants, CheckpointNodes: [1], MaxSlot: 3 };
    const cfg = cfgText(constants, 'Next');
    const bounds = boundsOf({ ...m.cfg, bounds: { ...m.cfg.bounds, maxSlot: 3 } });
    const a: Proposal = { caller: 1, clientId: 1, input: 'op' };
    const b: Proposal = { caller: 1, clientId: 2, input: 'op' };
    const noop: Proposal = { caller: 0, clientId: 0, input: 'noop' };
    const batch = (...q: Proposal[]): Proposal => ({ batch: q } as unknown as Proposal);
    const base = initialState(m.cfg);
    const state = (decided: Proposal[], executed: Proposal[]): SpecState => {
      const rDecisions = new Map<string, SlotProp>(decided.map((prop, i) => [slotPropKey({ slot: i + 1, prop }), { slot: i + 1, prop }]));
      const w: SpecMessage = { type: 'Welcome', node: 2, slot: decided.length + 1, decisions: [], executed };
      return { ...base, msgs: new Map([[messageKey(w), w]]), nodes: [base.nodes[0]!, { ...base.nodes[1]!, rDecisions }, base.nodes[2]!] };
    };
    const cases: Array<[string, SpecState, boolean]> = [
      ['a batch in order', state([batch(a, b)], [a, b]), true],
      ['a batch swapped', state([batch(a, b)], [b, a]), false],
      ['a batch half executed', state([batch(a, b)], [a]), false],
      ['alone, then in a batch', state([a, batch(a, b)], [a, b]), true],
      ['alone, then in a batch, executed twice', state([a, batch(b, a)], [a, b, a]), false],
      ['in a batch, then alone', state([batch(b, a), a], [b, a]), true],
      ['in a batch, then alone, in the later order', state([batch(b, a), a], [a, b]), false],
      ['a no-op, then a batch', state([noop, batch(b, a)], [b, a]), true],
    ];
    for (const [name, s, expected] of cases) {
      const out = JSON.parse(loadTlaChecker().explore_eval(spec, cfg, '{}', JSON.stringify(toTla(s, 2)), 'SnapshotsSound')) as { ok: boolean; json?: unknown; error?: string };
      expect(out.ok, out.error).toBe(true);
      expect(out.json, `${name} (.tla)`).toBe(expected);
      expect(STATE_INVARIANTS.SnapshotsSound!(bounds, s) === undefined, `${name} (TS)`).toBe(expected);
    }
  });
});
