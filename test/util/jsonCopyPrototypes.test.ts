/**
 * copyJson looks at own keys only, having checked once per copy that the shared prototypes are
 * plain: these are the cases where that shortcut would differ from JSON if it were wrong.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { copyJson } from '../../src/util/jsonCopy.js';

const roundTrip = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
const sameJson = (v: unknown) => expect(JSON.stringify(copyJson(v))).toBe(JSON.stringify(roundTrip(v)));

describe('copyJson against prototypes and hidden toJSON', () => {
  afterEach(() => {
    delete (Object.prototype as { extra?: unknown }).extra;
    delete (Object.prototype as { toJSON?: unknown }).toJSON;
    delete (Array.prototype as { toJSON?: unknown }).toJSON;
  });

  it('calls a non-enumerable own toJSON, as JSON does, and one on an array', () => {
    const hidden = { a: 1 };
    Object.defineProperty(hidden, 'toJSON', { value: () => 'hidden', enumerable: false });
    const list = Object.assign([1, 2], { toJSON: () => 'list' });
    sameJson({ hidden, list });
    expect(copyJson({ hidden, list })).toEqual({ hidden: 'hidden', list: 'list' });
  });

  it('keeps a toJSON key that is not a method as JSON does (dropped when undefined, copied otherwise)', () => {
    sameJson({ toJSON: undefined, b: 1 });
    expect(copyJson({ x: { toJSON: undefined, b: 1 } })).toEqual({ x: { b: 1 } });
    sameJson({ x: { toJSON: 'text', b: 1 } });
  });

  it('copies objects without a prototype as plain objects', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 2, a: [1, { c: 3 }] });
    sameJson({ bare });
    expect(Object.getPrototypeOf((copyJson({ bare }) as { bare: object }).bare)).toBe(Object.prototype);
  });

  it('ignores an enumerable key added to Object.prototype, as JSON does', () => {
    Object.defineProperty(Object.prototype, 'extra', { value: 'inherited', enumerable: true, configurable: true, writable: true });
    const v = { a: 1, b: { c: 'x' } };
    sameJson(v);
    expect(Object.hasOwn(copyJson(v), 'extra')).toBe(false);
  });

  it('calls a toJSON that Object.prototype or Array.prototype lends every value, as JSON does', () => {
    Object.defineProperty(Object.prototype, 'toJSON', { value() { return 'every object'; }, configurable: true, writable: true });
    expect(copyJson({ a: { b: 1 } })).toBe(roundTrip({ a: { b: 1 } }));
    delete (Object.prototype as { toJSON?: unknown }).toJSON;
    Object.defineProperty(Array.prototype, 'toJSON', { value() { return 'every array'; }, configurable: true, writable: true });
    expect(copyJson({ a: [1, 2] })).toEqual(roundTrip({ a: [1, 2] }));
    expect(copyJson({ a: [1, 2] })).toEqual({ a: 'every array' });
  });
});
