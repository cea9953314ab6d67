/**
 * The replay's shortcuts for canonical keys must give exactly the keys' answers:
 * sameMessage(a, b) is a stand-in for messageKey(a) === messageKey(b), and commanderSpecKey
 * for commanderKey. Small value domains make equal and nearly equal pairs common; a slot's value
 * is a request or a long batch (two batches have no caller or input of their own to compare).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SpecMessage } from '../../src/trace/format/types.js';
import { commanderKey, messageKey } from '../../src/trace/format/keys.js';
import { sameMessage, sameMessages } from '../../src/trace/replay/sameMessage.js';
import { commanderSpecKey } from '../../src/trace/spec/specState.js';

const small = fc.integer({ min: 0, max: 2 });
const ballot = fc.record({ num: small, leader: small });
const prop = fc.record({ caller: small, clientId: small, input: fc.constantFrom('a', 'b', '"q"', 'noop') });
// What a slot decides: a request, or a long batch of requests in order (spec "Batches").
const value = fc.oneof(prop, fc.record({ batch: fc.array(prop, { minLength: 2, maxLength: 3 }) })) as unknown as typeof prop;
const pvalue = fc.record({ ballot, slot: small, prop: value });
const message: fc.Arbitrary<SpecMessage> = fc.oneof(
  fc.record({ type: fc.constant('Prepare' as const), ballot }),
  fc.record({ type: fc.constant('Promise' as const), acceptor: small, ballot, promised: ballot, accepted: fc.array(pvalue, { maxLength: 2 }) }),
  fc.record({ type: fc.constant('Accept' as const), ballot, slot: small, prop: value }),
  fc.record({ type: fc.constant('Accepted' as const), acceptor: small, ballot, slot: small, promised: ballot }),
  fc.record({ type: fc.constant('Decision' as const), slot: small, prop: value }),
  fc.record({ type: fc.constant('Propose' as const), slot: small, prop: value }),
  fc.record({ type: fc.constant('Adopted' as const), ballot, pvalues: fc.array(pvalue, { maxLength: 2 }) }),
  fc.record({ type: fc.constant('Preempted' as const), leader: small, ballot }),
  fc.record({ type: fc.constant('Invoke' as const), replica: small, prop }),
  fc.record({ type: fc.constant('Invoked' as const), replica: small, prop, index: small }),
  fc.record({ type: fc.constant('Join' as const), node: small }),
  fc.record({ type: fc.constant('Welcome' as const), node: small, slot: small, decisions: fc.array(fc.record({ slot: small, prop: value }), { maxLength: 2 }), executed: fc.array(prop, { maxLength: 2 }) }),
  // Part i of two (a one-part Welcome leaves both fields out: test below).
  fc.record({ type: fc.constant('Welcome' as const), node: small, slot: small, part: fc.integer({ min: 1, max: 2 }), parts: fc.constant(2), decisions: fc.array(fc.record({ slot: small, prop: value }), { maxLength: 2 }), executed: fc.array(prop, { maxLength: 2 }) }),
);
/** Messages whose sets sameMessage does not compare: it answers false, and the caller compares keys. For every other message, equal keys make sameMessage true (a Welcome's decisions in any order included). */
const SET_HOLDING = new Set(['Promise', 'Adopted']);

describe('sameMessage stands in for comparing message keys', () => {
  it('equal messages have equal keys, and a message without sets equals its copy', () => {
    fc.assert(fc.property(message, message, (a, b) => {
      if (sameMessage(a, b)) expect(messageKey(a)).toBe(messageKey(b));
      // Without sets, equal keys mean equal messages: the shortcut is taken whenever it can be.
      if (!SET_HOLDING.has(a.type) && messageKey(a) === messageKey(b)) expect(sameMessage(a, b)).toBe(true);
      expect(sameMessage(a, structuredClone(a))).toBe(!SET_HOLDING.has(a.type));
    }), { numRuns: 5000 });
  });

  it('a message with any one field changed is not the same, and its key differs too', () => {
    // Every leaf of the message, changed in a copy: a field sameMessage forgot would pass here.
    const leaves = (v: unknown, path: string[] = []): string[][] =>
      v !== null && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k])) : [path];
    fc.assert(fc.property(message, (a) => {
      for (const path of leaves(a)) {
        if (path[path.length - 1] === 'type') continue;
        const b = structuredClone(a) as unknown as Record<string, unknown>;
        let o = b;
        for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
        const last = path[path.length - 1]!;
        o[last] = typeof o[last] === 'number' ? (o[last] as number) + 1 : `${String(o[last])}x`;
        const c = b as unknown as SpecMessage;
        expect(sameMessage(a, c), `${a.type} with ${path.join('.')} changed`).toBe(false);
        expect(messageKey(a) === messageKey(c)).toBe(false);
      }
    }), { numRuns: 1000 });
  });

  it('a one-part Welcome is the same with part and parts written as 1 or left out, as its key', () => {
    const w: SpecMessage = { type: 'Welcome', node: 1, slot: 2, decisions: [{ slot: 1, prop: { caller: 1, clientId: 1, input: 'a' } }], executed: [{ caller: 1, clientId: 1, input: 'a' }] };
    const written = { ...w, part: 1, parts: 1 } as SpecMessage;
    expect(messageKey(written)).toBe(messageKey(w));
    expect([sameMessage(written, w), sameMessage(w, written)]).toEqual([true, true]);
    // Named by length (not yet resolved from the sender's history): never the same without keys.
    const named = { ...w, executed: { historyLength: 1 } } as unknown as SpecMessage;
    expect(sameMessage(named, named)).toBe(false);
  });

  it('sameMessages compares lists in order and length', () => {
    fc.assert(fc.property(fc.array(message, { maxLength: 3 }), fc.array(message, { maxLength: 3 }), (a, b) => {
      const same = sameMessages(a, b);
      if (same) expect(a.map(messageKey)).toEqual(b.map(messageKey));
      expect(sameMessages(a, [...a, ...b])).toBe(b.length === 0 && a.every((m) => !SET_HOLDING.has(m.type)));
    }), { numRuns: 2000 });
  });
});

describe('commanderSpecKey', () => {
  it('is commanderKey of the commander with its acks as a list', () => {
    const acks = fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { maxLength: 5 });
    fc.assert(fc.property(ballot, small, prop, acks, (b, slot, p, as) => {
      expect(commanderSpecKey({ ballot: b, slot, prop: p, acks: new Set(as) })).toBe(commanderKey({ ballot: b, slot, prop: p, acks: as }));
    }), { numRuns: 2000 });
  });
});
