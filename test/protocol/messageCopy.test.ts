/**
 * copyMessage is copyJson with fast paths: on every message, usual or not, its copy must be
 * copyJson's (same JSON text, hence same keys in the same order) and share no object with
 * the original.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/protocol/messages.js';
import { copyMessage } from '../../src/protocol/messageCopy.js';
import { copyJson } from '../../src/util/jsonCopy.js';

const num = fc.oneof(fc.integer({ min: -3, max: 1000 }), fc.constantFrom(-0, Number.NaN, Infinity, 0.5));
const ballot = fc.record({ num, leader: num });
const proposal = fc.record({ caller: num, clientId: num, input: fc.string({ maxLength: 8 }) });
const batch = fc.oneof(proposal, fc.record({ batch: fc.array(proposal, { minLength: 2, maxLength: 4 }) }));
const output = fc.oneof(fc.jsonValue(), fc.constant(undefined));

const usual = fc.oneof(
  fc.record({ type: fc.constantFrom('Propose', 'Decision'), slot: num, prop: batch }),
  fc.record({ type: fc.constant('Accept'), ballot, slot: num, prop: batch }),
  fc.record({ type: fc.constant('Accepted'), acceptor: num, ballot, slot: num, promised: ballot }),
  fc.record({ type: fc.constant('Invoke'), replica: num, prop: proposal }),
  fc.record({ type: fc.constant('Invoked'), replica: num, prop: proposal, index: num, output }),
  fc.record({ type: fc.constant('Active'), ballot }),
  fc.record({ type: fc.constant('Active'), ballot, slot: num }),
  fc.record({ type: fc.constant('CatchUp'), replica: num, slot: num }),
);

/** Makes a message unusual somewhere: a key more or less, keys reordered, a prototype, a toJSON. */
function oddly(m: Record<string, unknown>, how: number): unknown {
  const nested = Object.values(m).find((v) => typeof v === 'object' && v !== null) as Record<string, unknown> | undefined;
  switch (how) {
    case 0: return m;
    case 1: return { ...m, extra: 1 };
    case 2: return Object.fromEntries(Object.entries(m).reverse());
    case 3: { const { type: _t, ...rest } = m; return { ...rest, type: m.type }; }
    case 4: return Object.assign(Object.create(null) as object, m);
    case 5: return { ...m, toJSON: () => 'replaced' };
    case 6: if (nested) nested['more'] = [1]; return m;
    case 7: if (nested) Object.setPrototypeOf(nested, { inherited: 1 }); return m;
    default: return { ...m, slot: undefined };
  }
}

describe('copyMessage', () => {
  it('copies every message as copyJson does, and shares no object with it', () => {
    fc.assert(
      fc.property(usual, fc.integer({ min: 0, max: 8 }), (m, how) => {
        const message = oddly(m as Record<string, unknown>, how) as Message;
        const expected = JSON.stringify(copyJson(message));
        const copy = copyMessage(message);
        expect(JSON.stringify(copy)).toBe(expected);
        expect(copy).toStrictEqual(copyJson(message)); // -0 too, which JSON text writes as 0
        expect(copy).not.toBe(message);
        const prop = (message as { prop?: unknown }).prop;
        if (typeof prop === 'object' && prop !== null) expect((copy as { prop?: unknown }).prop).not.toBe(prop);
      }),
      { seed: 17, numRuns: 2000 },
    );
  });

  it('copies a batch deeply: changing the copy leaves the original alone', () => {
    const original = { type: 'Decision', slot: 3, prop: { batch: [{ caller: 1, clientId: 1, input: 'a' }, { caller: 2, clientId: 1, input: 'b' }] } } as const;
    const copy = copyMessage(original as Message) as unknown as { prop: { batch: { input: string }[] } };
    copy.prop.batch[0]!.input = 'changed';
    expect(original.prop.batch[0].input).toBe('a');
  });
});

describe('copyMessage of an Invoked', () => {
  it("copies the output deeply: the receiver changing it leaves the replica's kept output alone", () => {
    // The replica keeps each output to answer a repeated Invoke; in one process the requester
    // hands the copy to its client, who may change it.
    const output = { ok: true, op: 'get', key: 'k', value: 'v', nested: { list: [1, 2] } };
    const original = { type: 'Invoked', replica: 2, prop: { caller: 1, clientId: 1, input: 'x' }, index: 1, output } as const;
    const copy = copyMessage(original as unknown as Message) as unknown as { output: typeof output };
    expect(copy.output).toEqual(output);
    expect(copy.output).not.toBe(output);
    copy.output.value = 'changed';
    copy.output.nested.list.push(3);
    expect(output).toEqual({ ok: true, op: 'get', key: 'k', value: 'v', nested: { list: [1, 2] } });
  });
});
