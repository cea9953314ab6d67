/**
 * The fingerprint of an encoded state (StateCodec.fingerprintOf) over its set of messages: the
 * explorer keeps one state per fingerprint, so two message sets that share one would merge two
 * states and skip the successors of one. The CI models' counts cannot show a message left out
 * of the hash: there the messages mostly follow from the nodes' variables. Here the nodes are
 * fixed and only the messages change, including sets of one message and sets of equal size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StateCodec } from '../../src/explore/stateCodec.js';
import { messageKey } from '../../src/trace/format/keys.js';
import type { SpecMessage } from '../../src/trace/format/types.js';
import { type SpecState, initialState } from '../../src/trace/spec/specState.js';

const base = initialState({ N: 2, Window: 1, bounds: {} });
const withMessages = (ms: readonly SpecMessage[]): SpecState => ({ ...base, msgs: new Map(ms.map((m) => [messageKey(m), m])) });
/** Prepares of six ballots, and two Joins: small enough that random sets overlap often. */
const POOL: SpecMessage[] = [
  ...[0, 1, 2].flatMap((num) => [1, 2].map((leader): SpecMessage => ({ type: 'Prepare', ballot: { num, leader } }))),
  { type: 'Join', node: 1 },
  { type: 'Join', node: 2 },
];

describe('state fingerprints over the message set', () => {
  it('tells apart two states whose one message differs (same nodes, same number of messages)', () => {
    const codec = new StateCodec(2);
    const fp = (s: SpecState): string => codec.fingerprintOf(codec.encode(s)).join(':');
    const singles = POOL.map((m) => fp(withMessages([m])));
    expect(new Set(singles).size).toBe(POOL.length);
    // Two messages, one of them changed: the first, then the last.
    expect(fp(withMessages([POOL[0]!, POOL[5]!]))).not.toBe(fp(withMessages([POOL[1]!, POOL[5]!])));
    expect(fp(withMessages([POOL[0]!, POOL[5]!]))).not.toBe(fp(withMessages([POOL[0]!, POOL[6]!])));
  });

  it('gives equal message sets one fingerprint and different ones different fingerprints, whatever order they were interned in', () => {
    const subset = fc.uniqueArray(fc.integer({ min: 0, max: POOL.length - 1 }), { maxLength: POOL.length });
    fc.assert(fc.property(subset, subset, fc.boolean(), (a, b, reversed) => {
      const codec = new StateCodec(2);
      // Interning order decides the ids: the fingerprint must not depend on it.
      for (const m of reversed ? [...POOL].reverse() : POOL) codec.encode(withMessages([m]));
      const fp = (ids: number[]): string => codec.fingerprintOf(codec.encode(withMessages(ids.map((i) => POOL[i]!)))).join(':');
      const same = [...a].sort().join() === [...b].sort().join();
      expect(fp(a) === fp(b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(same);
    }), { numRuns: 300 });
  });
});
