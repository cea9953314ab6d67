/**
 * Agreement, Validity, ReplicaConsistency, TypeOK's batches, SnapshotsSound, HistoriesSound,
 * NothingNeededDiscarded and RefinesLog in properties.ts give the .tla's verdict (explore_eval
 * on the embedded engine) on hand-made states where each holds and where each fails. The
 * sampled comparisons (tlaVerdicts.ts) and the mutant searches see only the failures the spec
 * mutants reach: an Agreement blind to the no-op, a Validity that checks a batch's first
 * request only or ignores its order, a prefix check that skips the last entry, duplicates
 * found by client id alone, a step that chooses two slots at once, all passed them.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { loadTlaChecker } from '../../src/modelcheck/embedded/wasm.js';
import { tlaValueLiteral } from '../../src/modelcheck/values/tlaLiteral.js';
import { explore } from '../../src/explore/explorer.js';
import { flatSpecText, replayOnEngine } from '../../src/explore/engineReplay.js';
import { type ExploreModel, exploreModel } from '../../src/explore/model.js';
import { RefinesLog, STATE_INVARIANTS, boundsOf } from '../../src/explore/properties.js';
import { toTla } from '../../src/trace/replay/tlaCodec.js';
import { cfgText } from '../../src/trace/replay/tlaEngine.js';
import { messageKey, propKey, slotPropKey } from '../../src/trace/format/keys.js';
import { ExecSeq } from '../../src/trace/spec/execSeq.js';
import type { Step } from '../../src/trace/spec/fastSpec.js';
import { type NodeSpec, type SpecState, NOOP, initialState } from '../../src/trace/spec/specState.js';
import type { Proposal, SlotProp, SpecMessage } from '../../src/trace/format/types.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const model = (name: string): ExploreModel => exploreModel(loadModel(join(ROOT, 'spec', `${name}.cfg`)));

const a: Proposal = { caller: 1, clientId: 1, input: 'op' };
const b: Proposal = { caller: 1, clientId: 2, input: 'op' };
/** Caller 2's first request: the same client id as a, another request. */
const c: Proposal = { caller: 2, clientId: 1, input: 'op' };
const batch = (...q: Proposal[]): Proposal => ({ batch: q } as unknown as Proposal);
const decision = (slot: number, prop: Proposal): SpecMessage => ({ type: 'Decision', slot, prop });
const propose = (slot: number, prop: Proposal): SpecMessage => ({ type: 'Propose', slot, prop });
const decided = (...xs: SlotProp[]) => new Map(xs.map((x) => [slotPropKey(x), x]));

/** A state of model m: Init with these messages, invoked requests and node edits. */
function state(m: ExploreModel, opts: { msgs?: SpecMessage[]; invoked?: Proposal[]; nodes?: Record<number, (x: NodeSpec) => NodeSpec> }): SpecState {
  const base = initialState(m.cfg);
  return {
    ...base,
    msgs: new Map((opts.msgs ?? []).map((x) => [messageKey(x), x])),
    invoked: new Map((opts.invoked ?? []).map((p) => [propKey(p), p])),
    nodes: base.nodes.map((x, i) => (i > 0 && opts.nodes?.[i] ? opts.nodes[i]!(x) : x)),
  };
}

/** The .tla's value of `expr` in state s (explore_eval). */
function onTla(m: ExploreModel, s: SpecState, expr: string): unknown {
  const out = JSON.parse(loadTlaChecker().explore_eval(flatSpecText(), cfgText(m.constants, 'Next'), '{}', JSON.stringify(toTla(s, m.cfg.N)), expr)) as { ok: boolean; json?: unknown; error?: string };
  expect(out.ok, out.error).toBe(true);
  return out.json;
}

/** Every case: the .tla gives the expected verdict, and so does the TypeScript property. */
function verdicts(m: ExploreModel, property: string, cases: Array<[string, SpecState, boolean]>): void {
  const bounds = boundsOf(m.cfg);
  for (const [name, s, expected] of cases) {
    expect(onTla(m, s, property), `${name} (.tla)`).toBe(expected);
    expect(STATE_INVARIANTS[property]!(bounds, s) === undefined, `${name} (TS)`).toBe(expected);
  }
}

describe('state invariants give the .tla verdict on hand-made states', () => {
  it('Agreement: a slot decided as the no-op and as a request, or two ways at a replica only', () => {
    const m = model('ci-slots');
    const atNode = (n: number, d: SlotProp) => ({ [n]: (x: NodeSpec) => ({ ...x, rDecisions: decided(d) }) });
    verdicts(m, 'Agreement', [
      ['two slots, two requests', state(m, { msgs: [decision(1, a), decision(2, c)] }), true],
      ['a Decision and a replica agree', state(m, { msgs: [decision(1, a)], nodes: atNode(2, { slot: 1, prop: a }) }), true],
      ['slot 1 decided as a and as c', state(m, { msgs: [decision(1, a), decision(1, c)] }), false],
      // A no-op is a value like any other: a gap filled at one replica and a request at another disagree.
      ['slot 1 decided as the no-op and as a', state(m, { msgs: [decision(1, NOOP), decision(1, a)] }), false],
      // AllDecided is the Decisions and every node's rDecisions: each node's are read.
      ['replica 1 learnt c where a was decided', state(m, { msgs: [decision(1, a)], nodes: atNode(1, { slot: 1, prop: c }) }), false],
      ['replica 2 learnt c where a was decided', state(m, { msgs: [decision(1, a)], nodes: atNode(2, { slot: 1, prop: c }) }), false],
      ['the replicas learnt two values, no Decision sent', state(m, { nodes: { ...atNode(1, { slot: 1, prop: a }), ...atNode(2, { slot: 1, prop: c }) } }), false],
    ]);
  }, 60_000);

  it('Validity: every request of a decided batch invoked, and the batch proposed as it is', () => {
    const m = model('ci-batch');
    verdicts(m, 'Validity', [
      ['a batch proposed and both invoked', state(m, { msgs: [propose(1, batch(a, b)), decision(1, batch(a, b))], invoked: [a, b] }), true],
      ['the no-op, proposed by nobody', state(m, { msgs: [decision(1, NOOP)] }), true],
      // Not only the first request of a batch: the second must have been invoked too.
      ['a batch whose second request nobody invoked', state(m, { msgs: [propose(1, batch(a, b)), decision(1, batch(a, b))], invoked: [a] }), false],
      ['a batch whose first request nobody invoked', state(m, { msgs: [propose(1, batch(a, b)), decision(1, batch(a, b))], invoked: [b] }), false],
      // "As it proposed it": the order of a batch is what replicas execute.
      ['a batch decided in the other order than proposed', state(m, { msgs: [propose(1, batch(a, b)), decision(1, batch(b, a))], invoked: [a, b] }), false],
      ['a request decided alone, proposed only in a batch', state(m, { msgs: [propose(1, batch(a, b)), decision(1, a)], invoked: [a, b] }), false],
    ]);
  }, 60_000);

  it('ReplicaConsistency: histories prefixes of one another to their last entry, duplicates by caller and id', () => {
    const m = model('ci-slots');
    const ran = (h1: Proposal[], h2: Proposal[]) => state(m, { nodes: {
      1: (x) => ({ ...x, rExecuted: ExecSeq.of(h1) }), 2: (x) => ({ ...x, rExecuted: ExecSeq.of(h2) }) } });
    verdicts(m, 'ReplicaConsistency', [
      ['one history a prefix of the other', ran([a], [a, c]), true],
      ['nothing run at one replica', ran([], [c]), true],
      // a and c share client id 1 but are two callers' requests (ReqId is caller and id).
      ['two callers\' requests with one client id', ran([a, c], [a, c]), true],
      // Each one's only entry differs: the last (here the only) index must be compared.
      ['one entry each, different', ran([a], [c]), false],
      ['the last entry differs', ran([a, c], [a, a]), false],
      ['the same requests in two orders', ran([a, c], [c, a]), false],
      ['a request run twice', ran([a, a], [a, a]), false],
    ]);
  }, 60_000);

  it('TypeOK: a long batch holds 2..BatchMax distinct requests', () => {
    const m = model('ci-batch');
    const decidedAs = (prop: Proposal) => state(m, { msgs: [decision(1, prop)] });
    verdicts(m, 'TypeOK', [
      ['a batch of two', decidedAs(batch(a, b)), true],
      ['one request', decidedAs(a), true],
      // A batch of one request is written as that request (BatchOf): [batch |-> <<a>>] is no Proposal.
      ['a batch of one', decidedAs(batch(a)), false],
      ['an empty batch', decidedAs(batch()), false],
      ['a batch with one request twice', decidedAs(batch(a, a)), false],
    ]);
  }, 60_000);

  it('SnapshotsSound and HistoriesSound: a request decided in two slots is executed once', () => {
    const m = model('ci-checkpoint');
    const slots = decided({ slot: 1, prop: a }, { slot: 2, prop: a });
    const snapshot = (executed: Proposal[]) => state(m, { nodes: { 1: (x) => ({ ...x, rDecisions: slots, rSnap: { slot: 3, executed: ExecSeq.of(executed) } }) } });
    const history = (executed: Proposal[]) => state(m, { nodes: { 1: (x) => ({ ...x, rDecisions: slots, rSlotIn: 3, rSlotOut: 3, rExecuted: ExecSeq.of(executed) }) } });
    verdicts(m, 'SnapshotsSound', [
      ['executed once', snapshot([a]), true],
      ['executed twice, one after the other', snapshot([a, a]), false],
    ]);
    verdicts(m, 'HistoriesSound', [
      ['executed once', history([a]), true],
      ['executed twice, one after the other', history([a, a]), false],
    ]);
  }, 60_000);

  it('NothingNeededDiscarded: every slot below a leader\'s mark is decided, the last one too', () => {
    const m = model('ci-checkpoint');
    const leaderMark = (mark: number, msgs: SpecMessage[]) => state(m, { msgs, nodes: { 1: (x) => ({ ...x, lMark: mark }) } });
    verdicts(m, 'NothingNeededDiscarded', [
      ['mark 2, slot 1 decided', leaderMark(2, [decision(1, a)]), true],
      ['mark 2, slot 1 undecided', leaderMark(2, []), false],
      ['mark 3, slot 1 decided, slot 2 undecided', state(m, { msgs: [decision(1, a)], nodes: { 1: (x) => ({ ...x, lMark: 3 }) } }), false],
    ]);
  }, 60_000);
});

describe('NothingNeededDiscarded by search', () => {
  // The mutant table has the embedded engine search AdoptMarkFromSlotIn; check-fast --mutant
  // runs the explorer, which must find it too (298 states), its trace a behaviour of the .tla.
  it('the explorer finds AdoptMarkFromSlotIn on ci-checkpoint, and the engine confirms it', () => {
    const m = exploreModel(loadModel(join(ROOT, 'spec', 'ci-checkpoint.cfg')), { mutant: 'AdoptMarkFromSlotIn', only: ['NothingNeededDiscarded'] });
    const r = explore({ cfg: m.cfg, mutant: m.mutant, invariants: m.invariants, checkDeadlock: false });
    expect(r.verdict).toBe('violation');
    expect(r.violation!.property).toBe('NothingNeededDiscarded');
    expect(r.violation!.detail).toMatch(/^leader \d's mark is \d, but slot \d is not decided$/);
    expect(replayOnEngine(r.violation!, m.constants)).toMatchObject({ ok: true });
  }, 120_000);
});

describe('RefinesLog gives IsLogStep\'s verdict on hand-made steps', () => {
  it('one new entry per step; a second entry, or a second value for a chosen slot, breaks it', () => {
    const m = model('ci-slots');
    const before = state(m, { msgs: [decision(1, a)] });
    const step = (...sent: SpecMessage[]): Step => ({ action: 'CommanderReceiveAccepted', n: 1, node: before.nodes[1]!, sent });
    // The .tla's SendAll: refines' = refines /\ (no new Decision \/ IsLogStep(ChosenIn(msgs), ChosenIn(msgs \cup M))).
    const literal = (msgs: SpecMessage[]): string => tlaValueLiteral(toTla(state(m, { msgs }), m.cfg.N).msgs);
    const onSpec = (sent: SpecMessage[]): unknown => onTla(m, before,
      `LET M == ${literal(sent)} IN (\\A x \\in M : x.type # "Decision" \\/ x \\in msgs) \\/ IsLogStep(ChosenIn(msgs), ChosenIn(msgs \\cup M))`);
    const cases: Array<[string, SpecMessage[], boolean]> = [
      ['no Decision', [], true],
      ['a Decision sent again', [decision(1, a)], true],
      ['slot 2 chosen', [decision(2, c)], true],
      ['slot 1 chosen again as c', [decision(1, c)], false],
      // LogSpec adds one entry a step: two new slots at once is no step of it.
      ['slots 2 and 3 chosen in one step', [decision(2, c), decision(3, a)], false],
      ['slot 2 chosen, and slot 1 again as c, in one step', [decision(2, c), decision(1, c)], false],
      ['slot 2 chosen two ways in one step', [decision(2, c), decision(2, a)], false],
    ];
    for (const [name, sent, expected] of cases) {
      expect(onSpec(sent), `${name} (.tla)`).toBe(expected);
      expect(RefinesLog(boundsOf(m.cfg), before, step(...sent)) === undefined, `${name} (TS)`).toBe(expected);
    }
  }, 60_000);
});
