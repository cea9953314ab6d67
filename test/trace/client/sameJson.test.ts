/**
 * sameJson is the client checks' quick output comparison: true must mean equal canonical texts
 * (else a wrong output would pass), and a value must equal its own parsed copy (else every
 * comparison would fall back to the texts and the walk would save nothing).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/statemachines/digest.js';
import { sameJson } from '../../../src/trace/client/sameJson.js';

/** A value and a near copy: one leaf changed, a key added or removed, or an array grown. */
const nearCopy = (v: unknown, seed: number): unknown => {
  const copy = JSON.parse(JSON.stringify(v ?? null)) as unknown;
  const edit = (x: unknown, depth: number): unknown => {
    if (Array.isArray(x)) {
      if (x.length === 0 || seed % 5 === 0) return [...x, seed];
      const i = seed % x.length; const out = x.slice(); out[i] = edit(x[i], depth + 1); return out;
    }
    if (x !== null && typeof x === 'object') {
      const keys = Object.keys(x);
      if (keys.length === 0 || seed % 4 === 0) return { ...x, [`k${seed}`]: seed };
      const k = keys[seed % keys.length]!;
      if (seed % 7 === 0) { const out: Record<string, unknown> = { ...x }; delete out[k]; return out; }
      return { ...x, [k]: edit((x as Record<string, unknown>)[k], depth + 1) };
    }
    return typeof x === 'number' ? x + 1 : typeof x === 'string' ? x + 'x' : x === null ? 0 : !x;
  };
  return edit(copy, 0);
};

describe('sameJson', () => {
  it('true only when the canonical texts are equal (random values, with undefined, NaN, -0, holes)', () => {
    fc.assert(fc.property(fc.anything({ withNullPrototype: true, withSparseArray: true }), fc.anything({ withSparseArray: true }), (a, b) => {
      if (sameJson(a, b)) expect(canonicalJson(a)).toBe(canonicalJson(b));
    }), { numRuns: 2000 });
  });

  it('a near copy: equal exactly when its text is', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.nat(), (v, seed) => {
      const w = nearCopy(v, seed);
      expect(sameJson(v, w)).toBe(canonicalJson(v) === canonicalJson(w));
    }), { numRuns: 3000 });
  });

  it('a value equals its own parsed copy, whatever the key order', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const reordered = JSON.parse(canonicalJson(v)) as unknown;
      expect(sameJson(v, JSON.parse(JSON.stringify(v)))).toBe(true);
      expect(sameJson(reordered, v)).toBe(true);
    }), { numRuns: 2000 });
  });

  it('the cases a walk could get wrong', () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true); // canonicalJson leaves undefined out
    expect(sameJson({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(sameJson([undefined], [null])).toBe(false); // texts equal ([null]), but the walk says "maybe not"
    expect(canonicalJson([undefined])).toBe(canonicalJson([null]));
    expect(sameJson([, 1], [undefined, 1])).toBe(false); // a hole is written as nothing, undefined as null
    expect(sameJson([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(sameJson({ x: [1, { y: 'z' }] }, { x: [1, { y: 'z' }] })).toBe(true);
  });
});
