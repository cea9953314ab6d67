import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Node } from '../../src/node/node.js';
import { DEFAULT_LIMITS, MAX_BALLOT_NUM, MAX_BATCH_INPUT, MAX_BATCH_REQUESTS, MAX_INPUT_LENGTH } from '../../src/protocol/limits.js';
import { checkMessage } from '../../src/protocol/validate.js';
import { encodeFrame } from '../../src/storage/frame.js';
import { checkRecord, encodeRecord } from '../../src/storage/record.js';
import type { DurableRecord } from '../../src/storage/types.js';
import { counter } from '../roles/fake-host.js';

function memberNode() {
  const logs: string[] = [];
  const node = new Node(1, [1, 2, 3], { durable: undefined, log: (l) => logs.push(l) }, { stateMachine: counter });
  node.start();
  return { node, logs };
}
const B = { num: 1, leader: 2 };
const P = { caller: 2, clientId: 1, input: 'x' };
const env = (message: unknown, extra: Record<string, unknown> = {}) => ({ from: 2, to: 1, clock: 3, message, ...extra });
const pvalues = (n: number) => Array.from({ length: n }, (_, i) => ({ ballot: B, slot: i + 1, prop: P }));
/** A batch of `n` requests from node 2 whose inputs (of character `c`) total `units` UTF-16 units, the first taking the remainder. */
function batchOf(n: number, units: number, c: string, clientId0 = 1) {
  const each = Math.floor(units / n);
  return { batch: Array.from({ length: n }, (_, i) => ({ caller: 2, clientId: clientId0 + i, input: c.repeat(i === 0 ? units - each * (n - 1) : each) })) };
}

/** [what is wrong, the input, a fragment the logged reason must contain] */
const malformed: [string, unknown, string][] = [
  ['not an object', 'hello', 'envelope: expected an object'],
  ['null', null, 'envelope: expected an object, got null'],
  ['an array', [1, 2], 'envelope: expected an object, got an array'],
  ['an unknown envelope field', { ...env({ type: 'Prepare', ballot: B }), extra: 1 }, 'unexpected property "extra"'],
  ['a fractional sender', env({ type: 'Prepare', ballot: B }, { from: 2.5 }), 'envelope/from'],
  ['a negative clock', env({ type: 'Prepare', ballot: B }, { clock: -1 }), 'envelope/clock'],
  ['the wrong `to`', env({ type: 'Prepare', ballot: B }, { to: 2 }), 'envelope/to: addressed to node 2, this is node 1'],
  ['a sender outside the cluster', env({ type: 'Prepare', ballot: B }, { from: 9 }), 'envelope/from: 9 is not another node'],
  ['itself as sender', env({ type: 'Prepare', ballot: B }, { from: 1 }), 'envelope/from: 1'],
  ['a message that is not an object', env(42), 'message: expected an object'],
  ['an unknown message type', env({ type: 'Nominate', ballot: B }), 'unknown message type "Nominate"'],
  ['a missing type', env({ ballot: B }), 'unknown message type undefined'],
  ['a missing field', env({ type: 'Accept', ballot: B, slot: 1 }), "Accept message: must have required property 'prop'"],
  ['a string where a number belongs', env({ type: 'Prepare', ballot: { num: '1', leader: 2 } }), 'Prepare message/ballot/num: must be integer'],
  ['slot 0', env({ type: 'Decision', slot: 0, prop: P }), 'Decision message/slot: must be >= 1'],
  ['an extra field', env({ type: 'Join', node: 2, admin: true }), 'must NOT have additional properties (admin)'],
  ['an input beyond maxInputLength', env({ type: 'Propose', slot: 1, prop: { ...P, input: 'x'.repeat(DEFAULT_LIMITS.maxInputLength + 1) } }), 'Propose message/prop/input: must NOT have more than 65536 characters'],
  ['more pvalues than maxPValues', env({ type: 'Promise', acceptor: 2, ballot: B, promised: B, accepted: pvalues(DEFAULT_LIMITS.maxPValues + 1) }), `Promise message/accepted: must NOT have more than ${DEFAULT_LIMITS.maxPValues} items`],
  ['a ballot led by a node outside the cluster', env({ type: 'Prepare', ballot: { num: 1, leader: 7 } }), 'ballot.leader 7 is not a node of this cluster'],
  ['a ballot led by node 0 above <<0, 0>>', env({ type: 'Accept', ballot: { num: 3, leader: 0 }, slot: 1, prop: P }), 'leader 0 only in the bottom ballot'],
  ['caller 0 that is not the no-op', env({ type: 'Decision', slot: 1, prop: { caller: 0, clientId: 5, input: 'x' } }), 'caller 0 is only for the no-op'],
  ['an Invoked for the no-op', env({ type: 'Invoked', replica: 1, prop: { caller: 0, clientId: 0, input: 'noop' }, index: 1 }), 'Invoked message/prop/caller: must be >= 1'],
  ['a node-local Preempted from another node', env({ type: 'Preempted', leader: 1, ballot: B }), 'Preempted message: node-local'],
  ['a node-local Invoke from another node', env({ type: 'Invoke', replica: 1, prop: P }), 'Invoke message: node-local'],
  // An acceptor's hint to its own replica: taken from a peer, it would turn the replica to any
  // leader the peer names, with no ballot to check it against.
  ['a node-local Accepting from another node', env({ type: 'Accepting', leader: 3 }), 'Accepting message: node-local'],
  ['a node-local Adopted from another node', env({ type: 'Adopted', ballot: { num: 1, leader: 1 }, pvalues: [] }), 'Adopted message: node-local'],
  ['a Welcome with two decisions for one slot', env({ type: 'Welcome', node: 1, slot: 2, decisions: [{ slot: 1, prop: P }, { slot: 1, prop: { ...P, clientId: 2 } }], executed: [], state: { app: 0, outputs: [] } }), 'two decisions for slot 1'],
  // Not neighbours: a check that assumes the sender sorted its decisions by slot lets this in (a reviewer's bug).
  ['a Welcome whose two decisions for one slot are apart', env({ type: 'Welcome', node: 1, slot: 4, decisions: [{ slot: 1, prop: P }, { slot: 2, prop: P }, { slot: 1, prop: { ...P, clientId: 2 } }], executed: [], state: { app: 0, outputs: [] } }), 'two decisions for slot 1'],
  ['an Accept whose batch carries more input than an acceptor can log', env({ type: 'Accept', ballot: B, slot: 1, prop: batchOf(2, MAX_BATCH_INPUT + 1, 'x') }),
    `Accept message: prop/batch: its inputs total ${MAX_BATCH_INPUT + 1} UTF-16 units, over the ${MAX_BATCH_INPUT}`],
  // A leader adopting both would have to pick one of two batches its ballot never proposed together.
  ['a Promise with two batches for one ballot and slot', env({ type: 'Promise', acceptor: 2, ballot: B, promised: B, accepted: [{ ballot: B, slot: 1, prop: P }, { ballot: B, slot: 2, prop: P }, { ballot: B, slot: 1, prop: { ...P, clientId: 2 } }] }),
    'accepted: two pvalues of one ballot for slot 1 with different batches'],
  ['a Welcome whose outputs do not match executed', env({ type: 'Welcome', node: 1, slot: 2, decisions: [], executed: [P], state: { app: 0, outputs: [] } }), 'state/outputs: 0 outputs for 1 executed'],
];

describe('a Node receiving invalid input', () => {
  it.each(malformed)('drops, counts and logs %s', (_what, input, reason) => {
    const { node, logs } = memberNode();
    const before = node.specState();

    const out = node.receive(input);

    expect(out).toEqual({ durable: [], messages: [], timers: [], results: [] });
    expect(node.stats.invalidMessages).toBe(1);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain('dropped invalid input');
    expect(logs[0]).toContain(reason);
    expect(node.specState()).toEqual(before);
  });

  it('accepts the same messages once they are well formed', () => {
    const { node, logs } = memberNode();

    const out = node.receive(env({ type: 'Prepare', ballot: B }));

    expect(logs).toEqual([]);
    expect(node.stats.invalidMessages).toBe(0);
    expect(out.messages.map((m) => m.message.type)).toEqual(['Promise']);
  });

  it('accepts the largest values the schemas and the batch bound admit, and logs each in one record', () => {
    // Each at its worst for the record's size: every input unit a control character (JSON
    // writes it as 6 bytes), and, in the batch, as many requests as a batch holds, with the
    // longest client ids (their digits count too).
    const worst = '\u0001';
    const longest = Number.MAX_SAFE_INTEGER - MAX_BATCH_REQUESTS;
    const values = [
      { caller: 2, clientId: Number.MAX_SAFE_INTEGER, input: worst.repeat(MAX_INPUT_LENGTH) },
      batchOf(MAX_BATCH_REQUESTS, MAX_BATCH_INPUT, worst, longest),
      batchOf(2, MAX_BATCH_INPUT, worst, longest),
    ];
    for (const [i, prop] of values.entries()) {
      const { node, logs } = memberNode();
      const out = node.receive(env({ type: 'Accept', ballot: B, slot: i + 1, prop }));
      expect(logs).toEqual([]);
      expect(out.messages.map((m) => m.message.type)).toEqual(['Accepted']);
      const accept = out.durable.find((r) => r.kind === 'accept');
      expect(accept).toBeDefined();
      // What the log writes: one frame, which refuses a payload over MAX_RECORD_BYTES.
      expect(encodeFrame(encodeRecord(accept!)).length).toBeGreaterThan(MAX_INPUT_LENGTH * 6);
    }
  });

  it('follows a peer\'s ballot up to MAX_BALLOT_NUM with ballots its log can hold, and refuses one over it', () => {
    // A ballot at the end of the schemas' range made the leader move to one past it, 2^53: not
    // a safe integer, so its durable record was refused and a real node stopped.
    const run = (num: number) => {
      const { node, logs } = memberNode();
      const records: DurableRecord[] = [];
      let timers: Array<{ name: string; key?: string }> = [];
      const absorb = (out: ReturnType<Node['receive']>) => { records.push(...out.durable); timers.push(...out.timers); };
      absorb(node.receive(env({ type: 'Prepare', ballot: { num, leader: 2 } })));
      absorb(node.receive(env({ type: 'Propose', slot: 1, prop: P })));
      for (let i = 0; i < 3; i++) {
        const due = timers;
        timers = [];
        for (const t of due) absorb(node.fireTimer(t.name, t.key));
      }
      for (const r of records) expect(checkRecord(r)).toMatchObject({ ok: true });
      return { records, logs };
    };
    const at = run(MAX_BALLOT_NUM);
    expect(at.records).toContainEqual({ kind: 'promise', ballot: { num: MAX_BALLOT_NUM, leader: 2 } });
    expect(at.records).toContainEqual({ kind: 'leaderBallot', ballot: { num: MAX_BALLOT_NUM + 1, leader: 1 } });
    const over = run(MAX_BALLOT_NUM + 1);
    expect(over.logs.join('\n')).toContain(`Prepare message: ballot.num ${MAX_BALLOT_NUM + 1} is over ${MAX_BALLOT_NUM}`);
    expect(over.records.some((r) => r.kind === 'promise' && r.ballot.num > MAX_BALLOT_NUM)).toBe(false);
  });

  it('never throws on arbitrary JSON, and never changes state for it', () => {
    const { node } = memberNode();
    const before = node.specState();
    const anything = fc.oneof(
      fc.jsonValue(),
      fc.record({ from: fc.integer({ min: 2, max: 3 }), to: fc.constant(1), clock: fc.nat(), message: fc.jsonValue() }),
      fc.record({
        from: fc.constant(2), to: fc.constant(1), clock: fc.nat(),
        message: fc.record({ type: fc.constantFrom('Prepare', 'Accept', 'Promise', 'Welcome', 'Decision'), ballot: fc.jsonValue(), slot: fc.jsonValue(), prop: fc.jsonValue() }, { requiredKeys: ['type'] }),
      }),
    );

    fc.assert(fc.property(anything, (input) => {
      node.receive(input);
    }), { numRuns: 200 });

    const after = node.specState();
    expect(after.rSlotOut).toBe(before.rSlotOut);
    expect(node.stats.invalidMessages).toBeGreaterThan(150);
  });

  it('drops, without crashing, a Welcome whose parts each pass but repeat a slot between them', () => {
    // Each part is a valid message on its own; only the assembled Welcome decides slot 1 twice.
    const { node, logs } = memberNode();
    const text = JSON.stringify({ app: 0, outputs: [] });
    const part = (i: number, clientId: number) => env({ type: 'Welcome', node: 1, slot: 3, part: i, parts: 2,
      decisions: [{ slot: 1, prop: { ...P, clientId } }], executed: [], state: { app: i === 1 ? text.slice(0, 5) : text.slice(5), outputs: [] } });
    node.receive(part(1, 1));
    expect(() => node.receive(part(2, 2))).not.toThrow();
    expect(node.specState().rSlotOut).toBe(1);
    expect(logs.join('\n')).toContain('two decisions for slot 1');
  });

  it('refuses a Welcome that repeats a slot wherever the repeat stands, and no Welcome whose slots are distinct, in any order', () => {
    const welcome = (slots: number[]) => ({ type: 'Welcome', node: 1, slot: 100, decisions: slots.map((slot, i) => ({ slot, prop: { ...P, clientId: i + 1 } })), executed: [], state: { app: 0, outputs: [] } });
    const distinct = fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 12 });
    fc.assert(fc.property(distinct, fc.nat(), fc.nat(), (slots, which, at) => {
      expect(checkMessage(welcome(slots), [1, 2, 3])).toMatchObject({ ok: true });
      const repeated = slots[which % slots.length]!;
      const withRepeat = [...slots.slice(0, at % (slots.length + 1)), repeated, ...slots.slice(at % (slots.length + 1))];
      expect(checkMessage(welcome(withRepeat), [1, 2, 3])).toEqual({ ok: false, reason: `Welcome message: decisions: two decisions for slot ${repeated}` });
    }), { numRuns: 300 });
  });
});
