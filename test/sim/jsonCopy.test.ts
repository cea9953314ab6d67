import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyJson } from '../../src/util/jsonCopy.js';

const roundTrip = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
/** Compares by JSON text and by key order (toEqual ignores key order and -0 vs 0 in places). */
const sameJson = (a: unknown, b: unknown) => expect(JSON.stringify(a)).toBe(JSON.stringify(b));

describe('copyJson', () => {
  it('equals the JSON round trip on arbitrary JSON-like values, and shares no object with the original', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true, withBoxedValues: true, withDate: true }), (v) => {
        if (JSON.stringify(v) === undefined) return;
        const c = copyJson(v);
        sameJson(c, roundTrip(v));
        expect(c).toStrictEqual(roundTrip(v));
        if (typeof v === 'object' && v !== null) expect(c).not.toBe(v);
      }),
      { seed: 12, numRuns: 500 },
    );
  });

  it('copies deeply: changing the copy leaves the original alone', () => {
    const original = { type: 'Accept', ballot: { num: 3, leader: 2 }, pvalue: { slot: 7, proposal: ['a', 'b'] } };
    const c = copyJson(original);
    c.ballot.num = 99;
    c.pvalue.proposal.push('x');
    expect(original).toEqual({ type: 'Accept', ballot: { num: 3, leader: 2 }, pvalue: { slot: 7, proposal: ['a', 'b'] } });
  });

  it('does what JSON does with the values it treats specially', () => {
    const v = { a: undefined, b: [undefined, () => 1, NaN, -0, Infinity], d: new Date(0), t: { toJSON: () => 'T' }, ['__proto__']: 5 };
    Object.defineProperty(v, '__proto__', { value: { x: 1 }, enumerable: true });
    sameJson(copyJson(v), roundTrip(v));
    expect(Object.getPrototypeOf(copyJson(v))).toBe(Object.prototype);
    expect(Object.is((copyJson([-0]) as number[])[0], 0)).toBe(true);
    expect(() => copyJson(undefined)).toThrow(TypeError);
    expect(() => copyJson({ n: 1n })).toThrow(TypeError);
  });
});
