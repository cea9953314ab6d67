/**
 * What a node refuses that the message schemas cannot say (src/protocol/validate.ts): ids
 * outside this cluster, leader 0 outside the bottom ballot, caller 0 outside the no-op, a
 * Welcome whose outputs or part fields do not add up, a batch with more input than an acceptor
 * can log, a ballot, slot or mark a node could not go past with safe integers, and the size bounds a host that skips the schemas still applies. Each case passes the schema, so only the code's own check can
 * refuse it; each has a twin one change away that is accepted, so the test cannot pass by
 * refusing everything.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, MAX_BALLOT_NUM, MAX_BATCH_INPUT, MAX_SLOT } from '../../src/protocol/limits.js';
import type { Message } from '../../src/protocol/messages.js';
import { messageSchemas } from '../../src/protocol/schemas.js';
import { checkEnvelope, checkMessage, wireSizeProblem } from '../../src/protocol/validate.js';

const PEERS = [1, 2, 3];
const B = { num: 2, leader: 1 };
const BOTTOM = { num: 0, leader: 0 };
const req = (caller: number) => ({ caller, clientId: 1, input: 'x' });
const NOOP = { caller: 0, clientId: 0, input: 'noop' };

/** [what, refused message, the phrase of its reason, the accepted twin]. */
const CASES: ReadonlyArray<readonly [string, Record<string, unknown>, RegExp, Record<string, unknown>]> = [
  ['a Prepare for the bottom ballot', { type: 'Prepare', ballot: BOTTOM }, /leader 0 only in the bottom ballot/, { type: 'Prepare', ballot: B }],
  ['a ballot of leader 0 above the bottom', { type: 'Accepted', acceptor: 2, ballot: B, slot: 1, promised: { num: 3, leader: 0 } }, /promised .*leader 0 only in the bottom ballot/,
    { type: 'Accepted', acceptor: 2, ballot: B, slot: 1, promised: BOTTOM }],
  ['caller 0 with a request that is not the no-op', { type: 'Accept', ballot: B, slot: 1, prop: { caller: 0, clientId: 0, input: 'x' } }, /caller 0 is only for the no-op/,
    { type: 'Accept', ballot: B, slot: 1, prop: NOOP }],
  ['a ballot number over the most a node takes from a peer', { type: 'Prepare', ballot: { num: MAX_BALLOT_NUM + 1, leader: 2 } }, /ballot\.num 4503599627370497 is over 4503599627370496/,
    { type: 'Prepare', ballot: { num: MAX_BALLOT_NUM, leader: 2 } }],
  ['a promised ballot number over it', { type: 'Accepted', acceptor: 2, ballot: B, slot: 1, promised: { num: Number.MAX_SAFE_INTEGER, leader: 3 } }, /promised\.num 9007199254740991 is over/,
    { type: 'Accepted', acceptor: 2, ballot: B, slot: 1, promised: { num: MAX_BALLOT_NUM, leader: 3 } }],
  ['a Decision for a slot over the most a node takes from a peer', { type: 'Decision', slot: MAX_SLOT + 1, prop: req(2) }, /slot 4503599627370497 is over 4503599627370496/,
    { type: 'Decision', slot: MAX_SLOT, prop: req(2) }],
  ['a Welcome at a slot over it', welcome({ slot: Number.MAX_SAFE_INTEGER }), /slot 9007199254740991 is over/, welcome({ slot: MAX_SLOT })],
  ['a CatchUp from a slot over it', { type: 'CatchUp', replica: 2, slot: MAX_SLOT + 1 }, /slot 4503599627370497 is over/, { type: 'CatchUp', replica: 2, slot: MAX_SLOT }],
  ['a Promise with a mark over it', { type: 'Promise', acceptor: 2, ballot: B, promised: B, accepted: [], mark: MAX_SLOT + 1 }, /mark 4503599627370497 is over/,
    { type: 'Promise', acceptor: 2, ballot: B, promised: B, accepted: [], mark: MAX_SLOT }],
  ['an Adopted pvalue at a slot over it', { type: 'Adopted', ballot: B, pvalues: [{ ballot: B, slot: MAX_SLOT + 1, prop: req(3) }] }, /pvalues\/0\/slot 4503599627370497 is over/,
    { type: 'Adopted', ballot: B, pvalues: [{ ballot: B, slot: MAX_SLOT, prop: req(3) }] }],
  ['an Accepted from an acceptor outside the cluster', { type: 'Accepted', acceptor: 9, ballot: B, slot: 1, promised: B }, /acceptor 9 is not a node of this cluster/,
    { type: 'Accepted', acceptor: 3, ballot: B, slot: 1, promised: B }],
  ['an Adopted pvalue whose request comes from outside the cluster', { type: 'Adopted', ballot: B, pvalues: [{ ballot: B, slot: 1, prop: req(9) }] }, /pvalues\/0\/prop\.caller 9/,
    { type: 'Adopted', ballot: B, pvalues: [{ ballot: B, slot: 1, prop: req(3) }] }],
  ['a Promise pvalue whose request comes from outside the cluster', { type: 'Promise', acceptor: 2, ballot: B, promised: B, accepted: [{ ballot: B, slot: 1, prop: req(9) }] }, /accepted\/0\/prop\.caller 9/,
    { type: 'Promise', acceptor: 2, ballot: B, promised: B, accepted: [{ ballot: B, slot: 1, prop: req(2) }] }],
  ['a Welcome whose history holds a request from outside the cluster', welcome({ executed: [req(9)], outputs: ['"o"'] }), /executed\/0\.caller 9/,
    welcome({ executed: [req(1)], outputs: ['"o"'] })],
  ['a Welcome decision from outside the cluster', welcome({ decisions: [{ slot: 1, prop: req(9) }] }), /decisions\/0\/prop\.caller 9/,
    welcome({ decisions: [{ slot: 1, prop: req(2) }] })],
  ['a whole Welcome with an output more than its history', welcome({ executed: [], outputs: ['"o"'] }), /1 outputs for 0 executed requests/, welcome({ executed: [], outputs: [] })],
  ['a whole Welcome with an output fewer than its history', welcome({ executed: [req(1), req(2)], outputs: ['"o"'] }), /1 outputs for 2 executed requests/,
    welcome({ executed: [req(1), req(2)], outputs: ['"o"', '"p"'] })],
  ['a Welcome part past its count', welcome({ part: 3, parts: 2, app: '{"a', outputs: [] }), /part: 3 of 2/, welcome({ part: 2, parts: 2, app: '{"a', outputs: [] })],
  // A batch whose inputs total more than an acceptor can log in one record, wherever it travels.
  ...([
    ['an Accept', (b: unknown) => ({ type: 'Accept', ballot: B, slot: 1, prop: b }), /prop\/batch: its inputs total 65537 UTF-16 units/],
    ['a Propose', (b: unknown) => ({ type: 'Propose', slot: 1, prop: b }), /prop\/batch: its inputs total 65537/],
    ['a Decision', (b: unknown) => ({ type: 'Decision', slot: 1, prop: b }), /prop\/batch: its inputs total 65537/],
    ['a Promise', (b: unknown) => ({ type: 'Promise', acceptor: 2, ballot: B, promised: B, accepted: [{ ballot: B, slot: 1, prop: b }] }), /accepted\/0\/prop\/batch: its inputs total 65537/],
    ['an Adopted', (b: unknown) => ({ type: 'Adopted', ballot: B, pvalues: [{ ballot: B, slot: 1, prop: b }] }), /pvalues\/0\/prop\/batch: its inputs total 65537/],
    ['a Welcome', (b: unknown) => welcome({ decisions: [{ slot: 1, prop: b }] }), /decisions\/0\/prop\/batch: its inputs total 65537/],
  ] as const).map(([what, message, reason]) => [`${what} whose batch carries more input than an acceptor can log`, message(bigBatch(MAX_BATCH_INPUT + 1)), reason, message(bigBatch(MAX_BATCH_INPUT))] as const),
];

/** Three requests whose inputs total `units` UTF-16 units. */
function bigBatch(units: number): { batch: Array<{ caller: number; clientId: number; input: string }> } {
  const third = Math.floor(units / 3);
  return { batch: [units - 2 * third, third, third].map((n, i) => ({ caller: 2, clientId: i + 1, input: 'y'.repeat(n) })) };
}

function welcome(w: { executed?: unknown[]; outputs?: unknown[]; decisions?: unknown[]; part?: number; parts?: number; app?: unknown; slot?: number }): Record<string, unknown> {
  return {
    type: 'Welcome', node: 3, slot: w.slot ?? 2, decisions: w.decisions ?? [], executed: w.executed ?? [],
    state: { app: w.app ?? { x: 1 }, outputs: w.outputs ?? [] },
    ...(w.part === undefined ? {} : { part: w.part, parts: w.parts }),
  };
}

describe('a node refuses what the schemas admit but the cluster cannot have sent', () => {
  it.each(CASES)('%s', (_what, refused, reason, twin) => {
    // The schema admits both: the refusal is the code's.
    const schema = messageSchemas().validator(refused.type as Message['type']);
    expect(schema(refused), JSON.stringify(schema.errors)).toBe(true);
    const r = checkMessage(refused, PEERS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
    expect(checkMessage(twin, PEERS)).toMatchObject({ ok: true });
  });
});

describe('the size bounds of a host that skips the schemas', () => {
  const big = (n: number) => Array.from({ length: n }, () => null);
  it('refuses a Welcome with more outputs, decisions or history than a peer would take, and takes one at the bound', () => {
    const max = DEFAULT_LIMITS.maxWelcomeDecisions;
    const w = (outputs: number, executed: number, decisions: number) =>
      ({ type: 'Welcome', node: 3, slot: 2, decisions: big(decisions), executed: big(executed), state: { app: {}, outputs: big(outputs) } }) as unknown as Message;
    expect(wireSizeProblem(w(max + 1, 0, 0))).toMatch(/state\/outputs: must NOT have more than 100000 items/);
    expect(wireSizeProblem(w(0, max + 1, 0))).toMatch(/executed: must NOT have more than/);
    expect(wireSizeProblem(w(0, 0, max + 1))).toMatch(/decisions: must NOT have more than/);
    expect(wireSizeProblem(w(max, max, max))).toBeUndefined();
  });
});

describe('an envelope whose message names a sender or addressee other than the envelope\'s', () => {
  const B2 = { num: 2, leader: 2 };
  /** [what, message from node 2 to node 1 naming another node, its twin naming the envelope's]. */
  const FORGED: ReadonlyArray<readonly [string, Record<string, unknown>, Record<string, unknown>]> = [
    ['a Promise signed as acceptor 3', { type: 'Promise', acceptor: 3, ballot: B2, promised: B2, accepted: [] }, { type: 'Promise', acceptor: 2, ballot: B2, promised: B2, accepted: [] }],
    ['an Accepted signed as acceptor 3', { type: 'Accepted', acceptor: 3, ballot: B2, slot: 1, promised: B2 }, { type: 'Accepted', acceptor: 2, ballot: B2, slot: 1, promised: B2 }],
    ['a Join for node 3', { type: 'Join', node: 3 }, { type: 'Join', node: 2 }],
    ['an Invoked from replica 3', { type: 'Invoked', replica: 3, prop: req(1), index: 1 }, { type: 'Invoked', replica: 2, prop: req(1), index: 1 }],
    ['a CatchUp for replica 3', { type: 'CatchUp', replica: 3, slot: 1 }, { type: 'CatchUp', replica: 2, slot: 1 }],
    ['a Welcome for node 3', { ...welcome({}), node: 3 }, { ...welcome({}), node: 1 }],
  ];
  it.each(FORGED)('refuses %s, takes its twin', (_what, forged, twin) => {
    expect(checkMessage(forged, PEERS)).toMatchObject({ ok: true });
    const r = checkEnvelope({ from: 2, to: 1, clock: 1, message: forged }, 1, PEERS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/is not its sender, node 2|addressed to node 3's replica, this is node 1/);
    expect(checkEnvelope({ from: 2, to: 1, clock: 1, message: twin }, 1, PEERS)).toMatchObject({ ok: true });
  });
});

describe('an envelope as the node keeps it', () => {
  it('is a private copy: the transport changing what it handed over changes nothing the roles see', () => {
    const raw = { from: 2, to: 1, clock: 4, message: { type: 'Accept', ballot: { num: 2, leader: 2 }, slot: 1, prop: req(2) } };
    const r = checkEnvelope(raw, 1, PEERS);
    expect(r.ok).toBe(true);
    raw.message.ballot.num = 99;
    raw.message.prop.input = 'changed';
    if (r.ok) expect(r.value.message).toEqual({ type: 'Accept', ballot: { num: 2, leader: 2 }, slot: 1, prop: req(2) });
  });
});
