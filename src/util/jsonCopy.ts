/**
 * A deep copy of a JSON-shaped value that equals `JSON.parse(JSON.stringify(value))`, several
 * times faster than that round trip and than structuredClone on small plain objects (the
 * simulator copies every message it delivers, so that no two nodes share one object).
 *
 * Plain objects and arrays are copied by hand; anything JSON treats specially below the
 * top level (a toJSON method, a non-plain prototype such as a Date or Map) falls back to the
 * round trip for that subtree, so the result is the same in every case.
 */
export function copyJson<T>(value: T): T {
  const copied = copyValue(value);
  if (copied === undefined) throw new TypeError('copyJson: the value has no JSON form (undefined, a function or a symbol)');
  return copied as T;
}

function copyValue(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      // JSON writes NaN and the infinities as null, and -0 as 0.
      return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
    case 'object':
      if (v === null) return null;
      if (Array.isArray(v)) return copyArray(v);
      if (isPlainWithoutToJson(v)) return copyObject(v as Record<string, unknown>);
      return roundTrip(v);
    case 'bigint':
      return roundTrip(v); // throws, as JSON.stringify does
    default:
      return undefined; // undefined, functions, symbols: no JSON form
  }
}

function copyArray(a: readonly unknown[]): unknown[] {
  if (Object.getPrototypeOf(a) !== Array.prototype || 'toJSON' in a) return roundTrip(a) as unknown[];
  const out = new Array<unknown>(a.length);
  for (let i = 0; i < a.length; i++) {
    const c = copyValue(a[i]);
    out[i] = c === undefined ? null : c; // JSON writes a missing array element as null
  }
  return out;
}

function copyObject(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in o) {
    if (!Object.prototype.hasOwnProperty.call(o, key)) continue;
    const c = copyValue(o[key]);
    if (c === undefined) continue;
    // Assigning "__proto__" would set the prototype; JSON.parse makes it an own property.
    if (key === '__proto__') Object.defineProperty(out, key, { value: c, enumerable: true, writable: true, configurable: true });
    else out[key] = c;
  }
  return out;
}

function isPlainWithoutToJson(o: object): boolean {
  const proto = Object.getPrototypeOf(o) as unknown;
  return (proto === Object.prototype || proto === null) && !('toJSON' in o);
}

function roundTrip(v: unknown): unknown {
  const text = JSON.stringify(v);
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}
