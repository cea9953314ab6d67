/**
 * A quick test that two values have the same canonical JSON text (statemachines/digest.ts
 * canonicalJson), without building either text. The client-level checks compare every output
 * a replica reports (on each execution, in each answer) with the one the application gave:
 * a walk of two small objects, not two texts per comparison.
 *
 * It is sufficient, not necessary: true means the texts are equal; false means "maybe not",
 * and the caller compares the texts (NaN against NaN, say, is false here and equal there).
 * test/trace/client/sameJson.test.ts checks that on random values.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const x = a[i] as unknown; const y = b[i] as unknown;
      // canonicalJson maps over an array: a hole stays a hole, where undefined writes null.
      if (x === undefined || y === undefined) { if (x !== y || (i in a) !== (i in b)) return false; continue; }
      if (!sameJson(x, y)) return false;
    }
    return true;
  }
  if (Array.isArray(b)) return false;
  // Own enumerable keys whose value is not undefined: the ones canonicalJson writes.
  const ra = a as Record<string, unknown>; const rb = b as Record<string, unknown>;
  let written = 0;
  for (const k of Object.keys(ra)) {
    const x = ra[k];
    if (x === undefined) continue;
    written++;
    if (!Object.hasOwn(rb, k) || !sameJson(x, rb[k])) return false;
  }
  for (const k of Object.keys(rb)) if (rb[k] !== undefined) written--;
  return written === 0;
}
