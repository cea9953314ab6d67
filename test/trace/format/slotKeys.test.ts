/**
 * The keys of slot-numbered values come from a cache (src/trace/format/slotKeys.ts) that
 * reuses a key only when every field its text depends on is equal. Values drawn from small
 * pools, one after another, so that most share a slot and differ in one field: each key must
 * still be the value's canonical text.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonical } from '../../../src/trace/format/canonical.js';
import { commanderKey, messageKey, pvalueKey, slotPropKey } from '../../../src/trace/format/keys.js';
import { commanderSpecKey } from '../../../src/trace/spec/specState.js';
import { nodeMask } from '../../../src/trace/format/slotKeys.js';
import type { CommanderState, SpecMessage } from '../../../src/trace/format/types.js';

const small = (max: number): fc.Arbitrary<number> => fc.integer({ min: 0, max });
const slot = fc.integer({ min: 1, max: 2 });
const prop = fc.record({ caller: fc.integer({ min: 1, max: 2 }), clientId: fc.integer({ min: 1, max: 2 }), input: fc.constantFrom('a', 'b') });
const ballot = fc.record({ num: small(1), leader: fc.integer({ min: 1, max: 2 }) });
// Acks as traces write them, and some a cache cannot number (above 30, negative: built each time).
const acks = fc.array(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constantFrom(31, 40, -1)), { maxLength: 4 });

type Keyed = { kind: 'pvalue' | 'slotProp' | 'commander' | 'commanderSpec' | 'message'; value: Record<string, unknown> };
const keyed: fc.Arbitrary<Keyed> = fc.oneof(
  fc.record({ ballot, slot, prop }).map((value) => ({ kind: 'pvalue' as const, value })),
  fc.record({ slot, prop }).map((value) => ({ kind: 'slotProp' as const, value })),
  fc.record({ ballot, slot, prop, acks }).map((value) => ({ kind: 'commander' as const, value })),
  fc.record({ ballot, slot, prop, acks }).map((value) => ({ kind: 'commanderSpec' as const, value })),
  fc.record({ type: fc.constant('Accept'), ballot, slot, prop }).map((value) => ({ kind: 'message' as const, value })),
  // Slots a table cannot number by slot and acceptor (1.5 x 64 + 0 = 1 x 64 + 32) are built each time.
  fc.record({ type: fc.constant('Accepted'), acceptor: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constantFrom(0, 32, 70)), ballot,
    slot: fc.oneof(slot, fc.constant(1.5)), promised: ballot })
    .map((value) => ({ kind: 'message' as const, value })),
  fc.record({ type: fc.constant('Decision'), slot, prop }).map((value) => ({ kind: 'message' as const, value })),
  fc.record({ type: fc.constant('Propose'), slot, prop }).map((value) => ({ kind: 'message' as const, value })),
);

function keyOf(k: Keyed): string {
  const v = k.value as never;
  switch (k.kind) {
    case 'pvalue': return pvalueKey(v);
    case 'slotProp': return slotPropKey(v);
    case 'commander': return commanderKey(v);
    case 'commanderSpec': {
      const c = k.value as unknown as CommanderState;
      return commanderSpecKey({ ...c, acks: new Set(c.acks) });
    }
    case 'message': return messageKey(k.value as unknown as SpecMessage);
  }
}

describe('slot keys', () => {
  it('a key taken from the cache is the canonical text of the value asked for', () => {
    fc.assert(fc.property(fc.array(keyed, { minLength: 1, maxLength: 40 }), (values) => {
      for (const k of values) expect(keyOf(k)).toBe(canonical(k.value));
    }), { numRuns: 500 });
  });

  it('nodeMask numbers the sets of nodes 0..30 one to one, and refuses any other', () => {
    expect(nodeMask([])).toBe(0);
    expect(nodeMask([3, 1, 3])).toBe(nodeMask([1, 3]));
    expect(nodeMask([30])).toBe(2 ** 30);
    fc.assert(fc.property(fc.uniqueArray(small(30)), fc.uniqueArray(small(30)), (a, b) => {
      expect(nodeMask(a) === nodeMask(b)).toBe(canonical(a) === canonical(b));
    }));
    for (const bad of [[31], [-1], [1.5], [1, 2 ** 40]]) expect(nodeMask(bad)).toBe(-1);
  });
});
