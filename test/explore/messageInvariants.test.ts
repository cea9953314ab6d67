/**
 * DecisionsChosen, PromisesReport, PhaseOneFirst, OneValuePerBallot, AdoptionsReport and AcceptsAsAdopted
 * (properties.ts), and the constraints AdoptAfterCompact, NoOpReadopted, RedecidedInBatch,
 * PromiseBeforeCompact, PartsOverTwoSlots, AdoptedOverTwoBallots (constraints.ts) and RaceRescout
 * (raceShapes.ts) give the .tla's verdict (explore_eval on the embedded engine) on hand-made
 * states where each holds and where each fails, each failing state one message or field away
 * from a holding one. The invariants were stated for an outside review's bugs that passed every
 * CI model (CommanderIgnoresSlot, PromiseHighestBallotOnly, PreemptedStaysActive,
 * AdoptIgnoresMark: the spec mutants of test/spec/mutantTable.ts, found by search in
 * test/explore/specMutantSearch.test.ts).
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { loadTlaChecker } from '../../src/modelcheck/embedded/wasm.js';
import { flatSpecText } from '../../src/explore/engineReplay.js';
import { exploreModel } from '../../src/explore/model.js';
import { STATE_INVARIANTS, boundsOf } from '../../src/explore/properties.js';
import { STATE_CONSTRAINTS } from '../../src/explore/constraints.js';
import { toTla } from '../../src/trace/replay/tlaCodec.js';
import { cfgText } from '../../src/trace/replay/tlaEngine.js';
import { messageKey, propKey, pvalueKey } from '../../src/trace/format/keys.js';
import { type NodeSpec, type SpecState, initialState } from '../../src/trace/spec/specState.js';
import type { Ballot, Proposal, SpecMessage } from '../../src/trace/format/types.js';

const SPEC = resolve(import.meta.dirname, '..', '..', 'spec');
const r1: Proposal = { caller: 1, clientId: 1, input: 'op' };
const r2: Proposal = { caller: 2, clientId: 1, input: 'op' };
const b = (num: number, leader: number): Ballot => ({ num, leader });
const b01 = b(0, 1);
const b11 = b(1, 1);

interface Case {
  name: string;
  msgs: SpecMessage[];
  /** Node 1's state, from the initial one. */
  node1?: (x: NodeSpec) => NodeSpec;
  node2?: (x: NodeSpec) => NodeSpec;
  restarts?: number;
  /** The spec's invoked (none if not given). */
  invoked?: Proposal[];
  holds: boolean;
}

/** Each case's verdict by the .tla (the engine) and by properties.ts, on `model`'s constants. */
function verdicts(model: string, name: string, kind: 'invariant' | 'constraint', cases: Case[]): void {
  const m = exploreModel(loadModel(join(SPEC, `${model}.cfg`)));
  const spec = flatSpecText();
  const cfg = cfgText(m.constants, 'Next');
  const bounds = boundsOf(m.cfg);
  const base = initialState(m.cfg);
  const ts = kind === 'invariant' ? (s: SpecState) => STATE_INVARIANTS[name]!(bounds, s) === undefined : (s: SpecState) => STATE_CONSTRAINTS[name]!(bounds, s);
  for (const c of cases) {
    const s: SpecState = {
      ...base,
      msgs: new Map(c.msgs.map((x) => [messageKey(x), x])),
      restarts: c.restarts ?? 0,
      invoked: new Map((c.invoked ?? []).map((p) => [propKey(p), p])),
      nodes: base.nodes.map((x, i) => (i === 1 && c.node1 !== undefined ? c.node1(x) : i === 2 && c.node2 !== undefined ? c.node2(x) : x)),
    };
    const out = JSON.parse(loadTlaChecker().explore_eval(spec, cfg, '{}', JSON.stringify(toTla(s, m.cfg.N)), name)) as { ok: boolean; json?: unknown; error?: string };
    expect(out.ok, out.error).toBe(true);
    expect(out.json, `${c.name} (.tla)`).toBe(c.holds);
    expect(ts(s), `${c.name} (TS)`).toBe(c.holds);
  }
}

const accept = (ballot: Ballot, slot: number, prop: Proposal): SpecMessage => ({ type: 'Accept', ballot, slot, prop });
const yes = (acceptor: number, ballot: Ballot, slot: number): SpecMessage => ({ type: 'Accepted', acceptor, ballot, slot, promised: ballot });
const no = (acceptor: number, ballot: Ballot, slot: number, promised: Ballot): SpecMessage => ({ type: 'Accepted', acceptor, ballot, slot, promised });
const decision = (slot: number, prop: Proposal): SpecMessage => ({ type: 'Decision', slot, prop });
const adopted = (ballot: Ballot, mark = 1): SpecMessage => ({ type: 'Adopted', ballot, pvalues: [], ...(mark === 1 ? {} : { mark }) });

describe('invariants stated for bugs no CI model showed: the TypeScript gives the .tla verdict', () => {
  it('DecisionsChosen (ci-slots: two acceptors, a quorum is both)', () => {
    verdicts('ci-slots', 'DecisionsChosen', 'invariant', [
      { name: 'no Decision', msgs: [accept(b01, 1, r1), yes(1, b01, 1)], holds: true },
      { name: 'a Decision both acceptors voted for', msgs: [accept(b01, 1, r1), yes(1, b01, 1), yes(2, b01, 1), decision(1, r1)], holds: true },
      { name: 'a Decision with one vote at its slot, one at another', msgs: [accept(b01, 1, r1), accept(b01, 2, r2), yes(1, b01, 1), yes(2, b01, 2), decision(1, r1)], holds: false },
      { name: 'a Decision one acceptor refused', msgs: [accept(b01, 1, r1), yes(1, b01, 1), no(2, b01, 1, b(0, 2)), decision(1, r1)], holds: false },
      { name: 'a Decision for another proposal than the one voted for', msgs: [accept(b01, 1, r1), yes(1, b01, 1), yes(2, b01, 1), decision(1, r2)], holds: false },
    ]);
  }, 60_000);

  it('PromisesReport (ci-reproposes: one acceptor, ballots 0.1 and 1.1, two slots)', () => {
    const promise = (accepted: Array<[Ballot, number]>, promised = b11, mark = 1): SpecMessage =>
      ({ type: 'Promise', acceptor: 1, ballot: b11, promised, accepted: accepted.map(([ballot, slot]) => ({ ballot, slot, prop: r1 })), ...(mark === 1 ? {} : { mark }) });
    verdicts('ci-reproposes', 'PromisesReport', 'invariant', [
      { name: 'a Promise reporting the vote below it', msgs: [accept(b01, 1, r1), yes(1, b01, 1), promise([[b01, 1]])], holds: true },
      { name: 'a Promise reporting a higher pvalue of the slot voted in', msgs: [accept(b01, 1, r1), accept(b11, 1, r1), yes(1, b01, 1), yes(1, b11, 1), promise([[b11, 1]], b(1, 2))], holds: true },
      { name: 'a vote at the ballot promised, not reported', msgs: [yes(1, b11, 1), promise([])], holds: true },
      { name: 'a vote below the mark, not reported', msgs: [yes(1, b01, 1), promise([], b11, 2)], holds: true },
      { name: 'a vote below the ballot promised, not reported', msgs: [yes(1, b01, 1), promise([])], holds: false },
      { name: 'two votes, the lower ballot\'s not reported', msgs: [accept(b11, 2, r1), yes(1, b01, 1), yes(1, b11, 2), promise([[b11, 2]], b(1, 2))], holds: false },
      // The second half: what a Promise carries is a vote of its acceptor, for an Accept sent.
      { name: 'a reported pvalue its acceptor voted for, whose Accept was sent', msgs: [accept(b01, 1, r1), yes(1, b01, 1), promise([[b01, 1]])], holds: true },
      { name: 'a reported pvalue relabelled with the ballot promised', msgs: [accept(b01, 1, r1), yes(1, b01, 1), promise([[b11, 1]])], holds: false },
      { name: 'a reported pvalue whose Accept carried another proposal', msgs: [accept(b01, 1, r2), yes(1, b01, 1), promise([[b01, 1]])], holds: false },
    ]);
  }, 60_000);

  it('PhaseOneFirst (ci-preempt: leaders 1 and 2)', () => {
    verdicts('ci-preempt', 'PhaseOneFirst', 'invariant', [
      { name: 'a leader active at its adopted ballot, an Accept there', msgs: [adopted(b01), accept(b01, 1, r1)], node1: (x) => ({ ...x, lActive: true, lBallot: b01 }), holds: true },
      { name: 'a leader active at a ballot no scout adopted', msgs: [adopted(b01)], node1: (x) => ({ ...x, lActive: true, lBallot: b11 }), holds: false },
      { name: 'an Accept at a ballot no scout adopted', msgs: [adopted(b01), accept(b11, 1, r1)], holds: false },
      { name: 'an Accept below its adoption\'s mark', msgs: [adopted(b01, 2), accept(b01, 1, r1)], holds: false },
      { name: 'an Accept at its adoption\'s mark', msgs: [adopted(b01, 2), accept(b01, 2, r1)], holds: true },
      { name: 'an Accept below one adoption\'s mark of its ballot, at another\'s', msgs: [adopted(b01, 2), adopted(b01), accept(b01, 1, r1)], holds: true },
    ]);
  }, 60_000);

  it('OneValuePerBallot (ci-slots: two slots, ballot 0.1; ci-reproposes for 1.1)', () => {
    verdicts('ci-slots', 'OneValuePerBallot', 'invariant', [
      { name: 'one Accept', msgs: [accept(b01, 1, r1)], holds: true },
      { name: 'two Accepts of one ballot, two slots', msgs: [accept(b01, 1, r1), accept(b01, 2, r2)], holds: true },
      { name: 'two Accepts of one ballot and slot, two proposals', msgs: [accept(b01, 1, r1), accept(b01, 1, r2)], holds: false },
    ]);
    verdicts('ci-reproposes', 'OneValuePerBallot', 'invariant', [
      { name: 'two Accepts of one slot, two ballots, two proposals', msgs: [accept(b01, 1, r1), accept(b11, 1, r2)], holds: true },
      { name: 'two ballots, then a second proposal at one of them', msgs: [accept(b01, 1, r1), accept(b11, 1, r2), accept(b11, 1, r1)], holds: false },
    ]);
  }, 60_000);

  it('AdoptionsReport (ci-race: three acceptors, a quorum is two; ci-adopt-mark for marks; ci-promise-parts for parts)', () => {
    const B = b(1, 2);
    const pv = (ballot: Ballot, slot: number, prop: Proposal = r1) => ({ ballot, slot, prop });
    const p1 = pv(b01, 1);
    const promise = (acceptor: number, accepted: ReturnType<typeof pv>[], o: { promised?: Ballot; mark?: number; part?: number; parts?: number } = {}): SpecMessage =>
      ({ type: 'Promise', acceptor, ballot: B, promised: o.promised ?? B, accepted, ...(o.mark === undefined ? {} : { mark: o.mark }), ...(o.parts === undefined ? {} : { part: o.part!, parts: o.parts }) });
    const adoptedOf = (pvalues: ReturnType<typeof pv>[], mark = 1): SpecMessage => ({ type: 'Adopted', ballot: B, pvalues, ...(mark === 1 ? {} : { mark }) });
    verdicts('ci-race', 'AdoptionsReport', 'invariant', [
      { name: 'two empty Promises, an empty Adopted', msgs: [promise(1, []), promise(2, []), adoptedOf([])], holds: true },
      { name: 'one acceptor\'s Promise only', msgs: [promise(1, []), adoptedOf([])], holds: false },
      { name: 'a Promise that preempts does not count', msgs: [promise(1, []), promise(2, [], { promised: b(2, 1) }), adoptedOf([])], holds: false },
      { name: 'a pvalue one acceptor reported, left out, with another quorum reporting none', msgs: [promise(1, [p1]), promise(2, []), promise(3, []), adoptedOf([])], holds: true },
      { name: 'a pvalue the only quorum reported, left out', msgs: [promise(1, [p1]), promise(2, []), adoptedOf([])], holds: false },
      { name: 'a pvalue the quorum reported, carried', msgs: [promise(1, [p1]), promise(2, []), adoptedOf([p1])], holds: true },
      { name: 'a pvalue no Promise reported, carried', msgs: [promise(1, []), promise(2, []), adoptedOf([p1])], holds: false },
      { name: 'a pvalue only an acceptor outside every fitting quorum reported, carried', msgs: [promise(1, [p1, pv(b01, 2)]), promise(2, []), promise(3, []), adoptedOf([p1])], holds: false },
    ]);
    verdicts('ci-adopt-mark', 'AdoptionsReport', 'invariant', [
      { name: 'marks 2 and 1, the Adopted\'s 2', msgs: [promise(1, [], { mark: 2 }), promise(2, [p1]), adoptedOf([p1], 2)], holds: true },
      { name: 'marks 2 and 1, the Adopted\'s 1 (the last counted)', msgs: [promise(1, [], { mark: 2 }), promise(2, [p1]), adoptedOf([p1], 1)], holds: false },
      { name: 'marks 2 and 1, the Adopted\'s 3', msgs: [promise(1, [], { mark: 2 }), promise(2, [p1]), adoptedOf([p1], 3)], holds: false },
    ]);
    const p2 = pv(b01, 2);
    verdicts('ci-promise-parts', 'AdoptionsReport', 'invariant', [
      { name: 'both parts, both pvalues carried', msgs: [promise(1, [p1], { part: 1, parts: 2 }), promise(1, [p2], { part: 2, parts: 2 }), adoptedOf([p1, p2])], holds: true },
      { name: 'part 2 alone', msgs: [promise(1, [p2], { part: 2, parts: 2 }), adoptedOf([p2])], holds: false },
      { name: 'both parts, part 1\'s pvalue left out', msgs: [promise(1, [p1], { part: 1, parts: 2 }), promise(1, [p2], { part: 2, parts: 2 }), adoptedOf([p2])], holds: false },
      { name: 'two Promises\' part 1, one with a pvalue, the other empty, part 1\'s left out', msgs: [promise(1, [p1], { part: 1, parts: 2 }), promise(1, [], { part: 1, parts: 2 }), promise(1, [p2], { part: 2, parts: 2 }), adoptedOf([p2])], holds: true },
    ]);
  }, 60_000);

  it('AcceptsAsAdopted (ci-race: three acceptors, two leaders)', () => {
    const B = b(1, 2);
    const noop: Proposal = { caller: 0, clientId: 0, input: 'noop' };
    const adoptedOf = (pvalues: Array<{ ballot: Ballot; slot: number; prop: Proposal }>, mark = 1): SpecMessage => ({ type: 'Adopted', ballot: B, pvalues, ...(mark === 1 ? {} : { mark }) });
    verdicts('ci-race', 'AcceptsAsAdopted', 'invariant', [
      { name: 'no Accept', msgs: [adoptedOf([{ ballot: b01, slot: 1, prop: noop }])], holds: true },
      { name: 'an Accept at a ballot no scout adopted', msgs: [accept(B, 1, r1)], holds: false },
      { name: 'an Accept for a slot its adoption reported nothing for', msgs: [adoptedOf([]), accept(B, 1, r1)], holds: true },
      { name: 'an Accept carrying the adopted value', msgs: [adoptedOf([{ ballot: b01, slot: 1, prop: noop }]), accept(B, 1, noop)], holds: true },
      { name: 'an Accept carrying its own request over an adopted no-op', msgs: [adoptedOf([{ ballot: b01, slot: 1, prop: noop }]), accept(B, 1, r1)], holds: false },
      { name: 'an Accept carrying the higher ballot\'s value of two', msgs: [adoptedOf([{ ballot: b01, slot: 1, prop: r1 }, { ballot: b11, slot: 1, prop: r2 }]), accept(B, 1, r2)], holds: true },
      { name: 'an Accept carrying the lower ballot\'s value of two', msgs: [adoptedOf([{ ballot: b01, slot: 1, prop: r1 }, { ballot: b11, slot: 1, prop: r2 }]), accept(B, 1, r1)], holds: false },
      { name: 'an Accept carrying the value another slot adopted', msgs: [adoptedOf([{ ballot: b01, slot: 2, prop: r2 }, { ballot: b11, slot: 1, prop: r1 }]), accept(B, 1, r2)], holds: false },
      { name: 'an Accept below its adoption\'s mark', msgs: [adoptedOf([], 2), accept(B, 1, r1)], holds: false },
      { name: 'two adoptions of one ballot, the Accepts following the second', msgs: [adoptedOf([{ ballot: b01, slot: 1, prop: noop }]), adoptedOf([{ ballot: b01, slot: 1, prop: r1 }]), accept(B, 1, r1)], holds: true },
      { name: 'two adoptions of one ballot, two Accepts following one each', msgs: [adoptedOf([{ ballot: b01, slot: 1, prop: r1 }]), adoptedOf([{ ballot: b01, slot: 2, prop: r2 }]), accept(B, 1, r2), accept(B, 2, r1)], holds: false },
    ]);
  }, 60_000);

  it('NoOpReadopted (ci-noop-readopt)', () => {
    const noop: Proposal = { caller: 0, clientId: 0, input: 'noop' };
    const r12: Proposal = { caller: 1, clientId: 2, input: 'op' };
    const b02 = b(0, 2);
    const promise = (acceptor: number, ballot: Ballot, accepted: Array<{ ballot: Ballot; slot: number; prop: Proposal }> = []): SpecMessage => ({ type: 'Promise', acceptor, ballot, promised: ballot, accepted });
    const prepare = (ballot: Ballot): SpecMessage => ({ type: 'Prepare', ballot });
    verdicts('ci-noop-readopt', 'NoOpReadopted', 'constraint', [
      { name: 'the initial state', msgs: [], holds: true },
      { name: 'replica 1 learns a decision', msgs: [], node1: (x) => ({ ...x, rDecisions: new Map([['d', { slot: 2, prop: r12 }]]) }), holds: false },
      { name: 'replica 2 learns slot 2\'s decision', msgs: [], node2: (x) => ({ ...x, rDecisions: new Map([['d', { slot: 2, prop: r12 }]]) }), holds: true },
      { name: 'replica 2 learns slot 1\'s decision', msgs: [], node2: (x) => ({ ...x, rDecisions: new Map([['d', { slot: 1, prop: noop }]]) }), holds: false },
      { name: 'leader 1 holds the no-op for slot 1', msgs: [], node1: (x) => ({ ...x, lProposals: new Map([['p', { slot: 1, prop: noop }]]) }), holds: true },
      { name: 'leader 1 holds a request for slot 1', msgs: [], node1: (x) => ({ ...x, lProposals: new Map([['p', { slot: 1, prop: r1 }]]) }), holds: false },
      { name: 'leader 2, not adopted, holds slot 2', msgs: [], node2: (x) => ({ ...x, lProposals: new Map([['p', { slot: 2, prop: r12 }]]) }), holds: false },
      { name: 'leader 2, adopted, holds slot 2', msgs: [], node2: (x) => ({ ...x, lActive: true, lProposals: new Map([['p', { slot: 2, prop: r12 }]]) }), holds: true },
      { name: 'leader 2 holds the no-op', msgs: [], node2: (x) => ({ ...x, lActive: true, lProposals: new Map([['p', { slot: 1, prop: noop }]]) }), holds: false },
      { name: 'replica 1 proposes request 2 for slot 1', msgs: [], node1: (x) => ({ ...x, rProposals: new Map([['p', { slot: 1, prop: r12 }]]) }), holds: false },
      { name: 'leader 2\'s Prepare before any vote in slot 1', msgs: [prepare(b02)], holds: false },
      { name: 'leader 2\'s Prepare after a vote for leader 1 in slot 1', msgs: [yes(1, b01, 1), prepare(b02)], holds: true },
      { name: 'an acceptor answering one Prepare twice', msgs: [promise(1, b01), promise(1, b01, [{ ballot: b01, slot: 2, prop: r12 }])], holds: false },
      { name: 'an acceptor answering one Accept twice', msgs: [yes(1, b01, 1), no(1, b01, 1, b02)], holds: false },
    ]);
  }, 60_000);

  it('RedecidedInBatch (ci-batch-redecided)', () => {
    const r12: Proposal = { caller: 1, clientId: 2, input: 'op' };
    const noop: Proposal = { caller: 0, clientId: 0, input: 'noop' };
    const batch = (...q: Proposal[]): Proposal => ({ batch: q } as unknown as Proposal);
    const propose = (slot: number, prop: Proposal): SpecMessage => ({ type: 'Propose', slot, prop });
    const prepare = (ballot: Ballot): SpecMessage => ({ type: 'Prepare', ballot });
    verdicts('ci-batch-redecided', 'RedecidedInBatch', 'constraint', [
      { name: 'the initial state', msgs: [], holds: true },
      { name: 'request 1 invoked before the restart', msgs: [], invoked: [r1], holds: true },
      { name: 'request 2 invoked before the restart', msgs: [], invoked: [r12], holds: false },
      { name: 'request 2 invoked after the restart', msgs: [], invoked: [r1, r12], restarts: 1, holds: true },
      { name: 'a Prepare before the restart', msgs: [prepare(b01)], holds: false },
      { name: 'a Prepare after the restart', msgs: [prepare(b11)], restarts: 1, holds: true },
      { name: 'request 1 alone proposed for slot 1', msgs: [propose(1, r1)], holds: true },
      { name: 'request 2 alone proposed for slot 1', msgs: [propose(1, r12)], restarts: 1, holds: false },
      { name: 'the no-op proposed for slot 1', msgs: [propose(1, noop)], holds: false },
      { name: 'a batch proposed for slot 1', msgs: [propose(1, batch(r1, r12))], restarts: 1, holds: false },
      { name: 'the batch of requests 1 and 2 proposed for slot 2', msgs: [propose(2, batch(r1, r12))], restarts: 1, holds: true },
      { name: 'the batch of requests 2 and 1 proposed for slot 2', msgs: [propose(2, batch(r12, r1))], restarts: 1, holds: false },
      { name: 'request 1 alone proposed for slot 2', msgs: [propose(2, r1)], holds: false },
    ]);
  }, 60_000);

  it('PromiseBeforeCompact (ci-snapshot-promise)', () => {
    const promise = (ballot: Ballot): SpecMessage => ({ type: 'Promise', acceptor: 1, ballot, promised: ballot, accepted: [] });
    const snapshot = (x: NodeSpec): NodeSpec => ({ ...x, rSnap: { ...x.rSnap, slot: 2 } });
    verdicts('ci-snapshot-promise', 'PromiseBeforeCompact', 'constraint', [
      { name: 'the initial state', msgs: [], holds: true },
      { name: 'compacted, not restarted', msgs: [], node1: (x) => ({ ...snapshot(x), aMark: 2 }), holds: true },
      { name: 'restarted with no snapshot', msgs: [], restarts: 1, holds: false },
      { name: 'restarted after a snapshot, not compacted', msgs: [], restarts: 1, node1: snapshot, holds: true },
      { name: 'restarted and compacted before a Promise of 1.1', msgs: [promise(b01)], restarts: 1, node1: (x) => ({ ...snapshot(x), aMark: 2 }), holds: false },
      { name: 'restarted and compacted after a Promise of 1.1', msgs: [promise(b11)], restarts: 1, node1: (x) => ({ ...snapshot(x), aMark: 2 }), holds: true },
    ]);
  }, 60_000);

  it('PartsOverTwoSlots (ci-promise-parts-slots)', () => {
    const r12: Proposal = { caller: 1, clientId: 2, input: 'op' };
    const propose = (slot: number, prop: Proposal): SpecMessage => ({ type: 'Propose', slot, prop });
    const holding = (...slots: number[]) => (x: NodeSpec): NodeSpec => ({
      ...x, aBallot: b01, aAccepted: new Map(slots.map((slot) => [pvalueKey({ ballot: b01, slot, prop: slot === 1 ? r1 : r12 }), { ballot: b01, slot, prop: slot === 1 ? r1 : r12 }])),
    });
    verdicts('ci-promise-parts-slots', 'PartsOverTwoSlots', 'constraint', [
      { name: 'the initial state', msgs: [], holds: true },
      { name: 'request 1 proposed for slot 1, request 2 for slot 2', msgs: [propose(1, r1), propose(2, r12)], holds: true },
      { name: 'request 2 proposed for slot 1', msgs: [propose(1, r12)], holds: false },
      { name: 'a yes Accepted', msgs: [yes(1, b01, 1)], holds: true },
      { name: 'a no Accepted', msgs: [no(1, b01, 1, b11)], holds: false },
      { name: 'a no Promise', msgs: [{ type: 'Promise', acceptor: 1, ballot: b01, promised: b11, accepted: [] }], holds: false },
      { name: 'restarted, the acceptor holding slots 1 and 2', msgs: [], restarts: 1, node1: holding(1, 2), holds: true },
      { name: 'restarted, the acceptor holding slot 1 only', msgs: [], restarts: 1, node1: holding(1), holds: false },
      { name: 'restarted, the replica holding a request', msgs: [], restarts: 1, node1: (x) => ({ ...holding(1, 2)(x), rRequests: new Map([[propKey(r1), r1]]) }), holds: false },
      { name: 'not restarted, the replica holding a request', msgs: [], node1: (x) => ({ ...x, rRequests: new Map([[propKey(r1), r1]]) }), holds: true },
    ]);
  }, 60_000);

  it('AdoptedOverTwoBallots (ci-adopt-two-ballots)', () => {
    const r12: Proposal = { caller: 1, clientId: 2, input: 'op' };
    const propose = (slot: number, prop: Proposal): SpecMessage => ({ type: 'Propose', slot, prop });
    const pv = (ballot: Ballot, slot: number) => ({ ballot, slot, prop: slot === 1 ? r1 : r12 });
    const holding = (...pvs: Array<ReturnType<typeof pv>>) => (x: NodeSpec): NodeSpec => ({ ...x, aBallot: b11, aAccepted: new Map(pvs.map((v) => [pvalueKey(v), v])) });
    verdicts('ci-adopt-two-ballots', 'AdoptedOverTwoBallots', 'constraint', [
      { name: 'the initial state', msgs: [], holds: true },
      { name: 'the replica learns a decision', msgs: [], node1: (x) => ({ ...x, rDecisions: new Map([['d', { slot: 1, prop: r1 }]]) }), holds: false },
      { name: 'request 1 proposed for slot 1', msgs: [propose(1, r1)], holds: true },
      { name: 'request 2 proposed for slot 1', msgs: [propose(1, r12)], holds: false },
      { name: 'request 2 proposed for slot 2 before a restart', msgs: [propose(2, r12)], holds: false },
      { name: 'request 2 proposed for slot 2 after one', msgs: [propose(2, r12)], restarts: 1, node1: holding(pv(b01, 1)), holds: true },
      { name: 'a yes Accepted', msgs: [yes(1, b01, 1)], holds: true },
      { name: 'a no Accepted', msgs: [no(1, b01, 1, b11)], holds: false },
      { name: 'restarted once, slot 1 held at 0.1', msgs: [], restarts: 1, node1: holding(pv(b01, 1)), holds: true },
      { name: 'restarted once, slot 1 held at 1.1', msgs: [], restarts: 1, node1: holding(pv(b11, 1)), holds: false },
      { name: 'restarted twice, slot 1 held at 0.1 and slot 2 at 1.1', msgs: [], restarts: 2, node1: holding(pv(b01, 1), pv(b11, 2)), holds: true },
      { name: 'restarted twice, slot 2 not held', msgs: [], restarts: 2, node1: holding(pv(b01, 1)), holds: false },
      { name: 'restarted twice, the replica holding a request', msgs: [], restarts: 2, node1: (x) => ({ ...holding(pv(b01, 1), pv(b11, 2))(x), rRequests: new Map([[propKey(r1), r1]]) }), holds: false },
    ]);
  }, 60_000);

  it('RaceRescout (ci-race-rescout)', () => {
    const b02 = b(0, 2);
    const promise = (acceptor: number, ballot: Ballot, promised = ballot): SpecMessage => ({ type: 'Promise', acceptor, ballot, promised, accepted: [] });
    const prepare = (ballot: Ballot): SpecMessage => ({ type: 'Prepare', ballot });
    const propose = (prop: Proposal): SpecMessage => ({ type: 'Propose', slot: 1, prop });
    const proposed = [propose(r1), propose(r2)];
    const holding = (prop: Proposal, ballot = b01) => (x: NodeSpec): NodeSpec => ({ ...x, lBallot: ballot, lProposals: new Map([['p', { slot: 1, prop }]]) });
    const scouting = (ballot: Ballot, prop: Proposal) => (x: NodeSpec): NodeSpec => ({ ...holding(prop, ballot)(x), scout: { ballot, acks: new Set(), pvalues: new Map(), mark: 1 } });
    verdicts('ci-race-rescout', 'RaceRescout', 'constraint', [
      { name: 'the initial state', msgs: [], holds: true },
      { name: 'replica 1 learns a decision', msgs: [], node1: (x) => ({ ...x, rDecisions: new Map([['d', { slot: 1, prop: r1 }]]) }), holds: false },
      { name: 'leader 1 at ballot 0.1 holds its replica\'s request', msgs: [], node1: holding(r1), holds: true },
      { name: 'leader 1 at ballot 0.1 holds replica 2\'s request', msgs: [], node1: holding(r2), holds: false },
      { name: 'leader 1 at ballot 1.1 holds replica 2\'s request', msgs: [], node1: holding(r2, b11), holds: true },
      { name: 'a Prepare before both requests are proposed', msgs: [propose(r1), prepare(b01)], holds: false },
      { name: 'a Prepare after both are proposed', msgs: [...proposed, prepare(b01)], holds: true },
      { name: 'leader 2\'s Prepare before leader 1\'s Adopted of 0.1', msgs: [...proposed, prepare(b01), prepare(b02)], holds: false },
      { name: 'leader 2\'s Prepare after it', msgs: [...proposed, prepare(b01), adopted(b01), prepare(b02)], holds: true },
      { name: 'leader 2\'s Prepare at ballot 1.2', msgs: [...proposed, adopted(b01), prepare(b(1, 2))], holds: false },
      { name: 'acceptor 2 answers 0.1 yes, then no naming 0.2', msgs: [promise(2, b01), promise(2, b01, b02)], holds: true },
      { name: 'acceptor 2 answers 0.1 yes, then no naming 1.1', msgs: [promise(2, b01), promise(2, b01, b11)], holds: false },
      { name: 'acceptor 2 answers 0.2 twice', msgs: [promise(2, b02), promise(2, b02, b11)], holds: false },
      { name: 'acceptor 1 answers leader 2', msgs: [promise(1, b02)], holds: false },
      { name: 'acceptor 3 answers leader 1', msgs: [promise(3, b01)], holds: false },
      { name: 'acceptor 2 answers one Accept twice', msgs: [yes(2, b01, 1), no(2, b01, 1, b02)], holds: false },
      { name: 'leader 1\'s second scout at 0.1, its Adopted unread', msgs: [adopted(b01)], node1: scouting(b01, r1), holds: true },
      { name: 'leader 2\'s second scout at 0.2, its Adopted unread', msgs: [adopted(b01), adopted(b02)], node2: scouting(b02, r2), holds: false },
      { name: 'leader 1\'s scout at 1.1, its Adopted unread', msgs: [adopted(b11)], node1: scouting(b11, r1), holds: false },
      { name: 'leader 1\'s scout at 0.1 with a Preempted above it unread', msgs: [{ type: 'Preempted', leader: 1, ballot: b02 }], node1: scouting(b01, r1), holds: false },
      { name: 'leader 1\'s scout at 0.1 with no proposal', msgs: [], node1: (x) => ({ ...x, scout: { ballot: b01, acks: new Set(), pvalues: new Map(), mark: 1 } }), holds: false },
    ]);
  }, 60_000);

  it('AdoptAfterCompact (ci-adopt-mark)', () => {
    verdicts('ci-adopt-mark', 'AdoptAfterCompact', 'constraint', [
      { name: 'no restart', msgs: [], holds: true },
      { name: 'a restart before node 1 compacted', msgs: [], restarts: 1, holds: false },
      { name: 'node 1 compacted, node 2 not restarted', msgs: [], restarts: 1, node1: (x) => ({ ...x, aMark: 2 }), holds: false },
      { name: 'node 2 restarted before node 1 compacted', msgs: [], restarts: 1, node2: (x) => ({ ...x, lBallot: b(1, 2) }), holds: false },
      { name: 'node 2 restarted after node 1 compacted', msgs: [], restarts: 1, node1: (x) => ({ ...x, aMark: 2 }), node2: (x) => ({ ...x, lBallot: b(1, 2) }), holds: true },
    ]);
  }, 60_000);
});
