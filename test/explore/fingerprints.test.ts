/**
 * FingerprintSet (src/explore/fingerprints.ts): a fingerprint is its two 32-bit words, both of
 * them. The explorer's counts cannot show a set that merges fingerprints sharing one word: a
 * search of thousands of states rarely has two whose well-mixed halves agree, so these are made
 * to agree on purpose, and to meet in one slot (one probe run) of the table.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FingerprintSet } from '../../src/explore/fingerprints.js';

/** Adds every fingerprint twice: new the first time, seen the second, and found afterwards. */
function expectDistinct(f: FingerprintSet, fps: ReadonlyArray<readonly [number, number]>): void {
  const before = f.size;
  for (const [hi, lo] of fps) {
    expect(f.has(hi, lo), `${hi}:${lo} before it is added`).toBe(false);
    expect(f.add(hi, lo), `${hi}:${lo} added the first time`).toBe(true);
    expect(f.add(hi, lo), `${hi}:${lo} added again`).toBe(false);
  }
  for (const [hi, lo] of fps) expect(f.has(hi, lo), `${hi}:${lo} after all are added`).toBe(true);
  expect(f.size).toBe(before + fps.length);
}

// The slot is (lo ^ hi * 0x9e3779b1) & mask: low words that differ only above the mask's bits
// share the slot of their high word, so one run of probes goes past all of them.
const SLOTS = 1 << 10;
const MASK = SLOTS - 1;
const slotOf = (hi: number, lo: number): number => (lo ^ Math.imul(hi, 0x9e3779b1)) & MASK;

describe('FingerprintSet', () => {
  it('tells apart fingerprints with one high word, in one slot', () => {
    const f = new FingerprintSet(SLOTS);
    const fps = Array.from({ length: 100 }, (_, k) => [7, ((k + 1) << 16) >>> 0] as const);
    expect(new Set(fps.map(([hi, lo]) => slotOf(hi, lo))).size).toBe(1);
    expectDistinct(f, fps);
  });

  it('tells apart fingerprints with one high word whose probe runs cross', () => {
    // lo = 0..99 fill a block of 100 slots; lo + 2^16 starts at the same slots as lo and
    // probes past entries of its high word to the end of the block.
    const f = new FingerprintSet(SLOTS);
    const block = Array.from({ length: 100 }, (_, lo) => [0xdeadbeef, lo] as const);
    expectDistinct(f, block);
    expectDistinct(f, block.map(([hi, lo]) => [hi, lo + (1 << 16)] as const));
  });

  it('tells apart fingerprints with one low word, and ones with different words in one slot', () => {
    const f = new FingerprintSet(SLOTS);
    expectDistinct(f, Array.from({ length: 100 }, (_, hi) => [hi + 1, 12345] as const));
    // For each high word the low word that sends it to slot 5.
    const sameSlot = Array.from({ length: 100 }, (_, k) => {
      const hi = (0x1000 + k) >>> 0;
      return [hi, (5 ^ Math.imul(hi, 0x9e3779b1)) >>> 0] as const;
    });
    expect(new Set(sameSlot.map(([hi, lo]) => slotOf(hi, lo)))).toEqual(new Set([5]));
    expectDistinct(f, sameSlot);
  });

  it('keeps them apart as it grows', () => {
    // From one slot: every insertion past the first doubles or probes, and growing re-inserts all.
    const f = new FingerprintSet(1);
    const fps = [...Array.from({ length: 500 }, (_, k) => [3, (k << 12) >>> 0] as const), ...Array.from({ length: 500 }, (_, k) => [k, 3] as const)];
    expectDistinct(f, fps);
    expect(f.bytes).toBeGreaterThanOrEqual(2 * 8 * f.size);
  });

  it('stores the all-zero fingerprint as 0:1 (zero marks an empty slot)', () => {
    const f = new FingerprintSet(4);
    expect(f.add(0, 0)).toBe(true);
    expect(f.has(0, 1)).toBe(true);
    expect(f.add(0, 1)).toBe(false);
    expect(f.add(1, 0)).toBe(true);
    expect(f.add(0, 2)).toBe(true);
    expect(f.size).toBe(3);
  });

  it('answers as a Set of 64-bit keys does, on fingerprints that share words and slots', () => {
    // Few distinct words (and low words differing only in high bits), so that fingerprints
    // share a word, a slot and a probe run often; a small first table so that it grows.
    const word = fc.oneof(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 7 }).map((k) => (k << 24) >>> 0),
      fc.integer({ min: 0, max: 0xffffffff }),
    );
    fc.assert(fc.property(fc.array(fc.tuple(word, word), { maxLength: 300 }), fc.integer({ min: 0, max: 6 }), (fps, log2) => {
      const f = new FingerprintSet(1 << log2);
      const model = new Set<bigint>();
      // The set's one conflation: 0:0 is 0:1.
      const key = (hi: number, lo: number): bigint => (BigInt(hi) << 32n) | BigInt(hi === 0 && lo === 0 ? 1 : lo);
      for (const [hi, lo] of fps) {
        expect(f.has(hi, lo)).toBe(model.has(key(hi, lo)));
        expect(f.add(hi, lo)).toBe(!model.has(key(hi, lo)));
        model.add(key(hi, lo));
        expect(f.size).toBe(model.size);
      }
      for (const [hi, lo] of fps) {
        expect(f.has(hi, lo)).toBe(true);
        // A neighbour of each (the other word changed) is in the set only if the model has it.
        const [hi1, lo1] = [(hi ^ 1) >>> 0, (lo ^ 1) >>> 0];
        expect(f.has(hi, lo1)).toBe(model.has(key(hi, lo1)));
        expect(f.has(hi1, lo)).toBe(model.has(key(hi1, lo)));
      }
    }), { numRuns: 300 });
  });
});
