/**
 * The fast TypeScript replay and the embedded spec (tla-checker) agree event by event on
 * real simulator traces, and the TS keys are the canonical JSON texts.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkTrace } from '../../src/trace/replay/check.js';
import { canonical } from '../../src/trace/format/canonical.js';
import { WELCOME_HISTORY_TEXT_MAX, messageKey, propKey, pvalueKey, sameRequest, seqKey, slotPropKey, ballotKey } from '../../src/trace/format/keys.js';
import type { Proposal, SpecMessage } from '../../src/trace/format/types.js';

const EXAMPLES = new URL('../../traces/examples/', import.meta.url).pathname;

describe('embedded spec oracle', () => {
  it('replays the whole crash-restart golden trace in step with the fast oracle', async () => {
    const v = await checkTrace({ name: 'crash-restart', files: [`${EXAMPLES}crash-restart.ndjson`] }, { embedded: true });
    expect(v.failure).toBeUndefined();
    expect(v.embeddedEvents).toBe(v.events);
  }, 300_000);

  it('replays a golden trace through the embedded spec alone', async () => {
    const v = await checkTrace({ name: 'normal', files: [`${EXAMPLES}normal.ndjson`] }, { fast: false, embedded: true, embeddedMaxEvents: 60 });
    expect(v.failure).toBeUndefined();
    expect(v.embeddedEvents).toBe(60);
  }, 300_000);
});

const nat = fc.nat(1000);
const prop = fc.record({ caller: fc.nat(9), clientId: nat, input: fc.string() });
const ballot = fc.record({ num: nat, leader: fc.nat(9) });
const pvalue = fc.record({ ballot, slot: fc.integer({ min: 1, max: 1000 }), prop });
const slotProp = fc.record({ slot: fc.integer({ min: 1, max: 1000 }), prop });
const message: fc.Arbitrary<SpecMessage> = fc.oneof(
  fc.record({ type: fc.constant('Prepare' as const), ballot }),
  fc.record({ type: fc.constant('Promise' as const), acceptor: fc.nat(9), ballot, promised: ballot, accepted: fc.array(pvalue, { maxLength: 4 }) }),
  fc.record({ type: fc.constant('Accepted' as const), acceptor: fc.nat(9), ballot, slot: nat, promised: ballot }),
  fc.record({ type: fc.constant('Welcome' as const), node: fc.nat(9), slot: nat, decisions: fc.array(slotProp, { maxLength: 4 }), executed: fc.array(prop, { maxLength: 4 }) }),
  fc.record({ type: fc.constant('Invoked' as const), replica: fc.integer({ min: 1, max: 3 }), prop, index: fc.integer({ min: 1, max: 5 }) }),
);

describe('keys', () => {
  it('the hand-written keys equal the canonical JSON text', () => {
    fc.assert(fc.property(prop, ballot, pvalue, slotProp, (p, b, pv, d) => {
      expect(propKey(p)).toBe(canonical(p));
      expect(ballotKey(b)).toBe(canonical(b));
      expect(pvalueKey(pv)).toBe(canonical(pv));
      expect(slotPropKey(d)).toBe(canonical(d));
    }));
    fc.assert(fc.property(message, (m) => { expect(messageKey(m)).toBe(canonical(m)); }));
  });

  it('sameRequest holds exactly when two requests have one key (the shortcut the replay takes for comparing keys)', () => {
    // Pairs drawn from a small pool, so that equal requests (and ones differing in one field) are common.
    const small = fc.record({ caller: fc.integer({ min: 1, max: 2 }), clientId: fc.integer({ min: 1, max: 2 }), input: fc.constantFrom('a', 'b', '"a"') });
    fc.assert(fc.property(small, small, (a, b) => { expect(sameRequest(a, b)).toBe(propKey(a) === propKey(b)); }));
    fc.assert(fc.property(prop, prop, (a, b) => { expect(sameRequest(a, b)).toBe(propKey(a) === propKey(b)); }));
  });

  it('a Welcome part with a long history is keyed by the SHA-256 of its history text: equal parts one key, any change another', () => {
    const long = (n: number, at = -1): Proposal[] => Array.from({ length: n }, (_, i) => ({ caller: 1, clientId: i + 1, input: i === at ? 'changed' : `{"op":"deposit","amount":${i}}` }));
    const welcome = (executed: Proposal[]): SpecMessage => ({ type: 'Welcome', node: 2, slot: 90, part: 2, parts: 3, decisions: [], executed });
    const key = messageKey(welcome(long(80)));
    expect(seqKey(long(80)).length).toBeGreaterThan(WELCOME_HISTORY_TEXT_MAX);
    const digest = createHash('sha256').update(seqKey(long(80))).digest('base64');
    expect(key).toBe(canonical({ ...welcome([]), executed: `sha256:${digest}` }));
    expect(messageKey(welcome(long(80)))).toBe(key);
    // One array asked again (the key is remembered by array), and equal arrays asked in turn.
    const kept = long(80);
    expect([messageKey(welcome(kept)), messageKey(welcome(kept)), messageKey(welcome(long(80, 5))), messageKey(welcome(kept))]).toEqual([key, key, messageKey(welcome(long(80, 5))), key]);
    for (const other of [long(81), long(80, 0), long(80, 79), long(80).reverse()]) expect(messageKey(welcome(other))).not.toBe(key);
    // A short history keeps its text: the key is the message's canonical JSON, as for every other message.
    expect(messageKey(welcome(long(3)))).toBe(canonical(welcome(long(3))));
  });

  it('canonical text ignores key order and set order, but not sequence order', () => {
    expect(canonical({ b: [3, 1, 1], a: { y: 1, x: 2 } })).toBe('{"a":{"x":2,"y":1},"b":[1,3]}');
    expect(canonical({ rExecuted: [3, 1] })).toBe('{"rExecuted":[3,1]}');
    expect(canonical({ executed: [3, 1], decisions: [3, 1] })).toBe('{"decisions":[1,3],"executed":[3,1]}');
  });
});

describe('trace file sizes', () => {
  it('golden traces stay small enough to keep in the repository', () => {
    for (const f of ['normal', 'leader-change', 'crash-restart']) expect(readFileSync(`${EXAMPLES}${f}.ndjson`).length).toBeLessThan(600_000);
  });
});
