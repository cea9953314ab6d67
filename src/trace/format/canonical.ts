/**
 * Canonical JSON text of a spec value: object keys in code-point order, and every array
 * treated as a set (elements sorted by their canonical text, duplicates removed) except the
 * sequences of the spec, `rExecuted`, a Welcome's or snapshot's `executed`, and a long batch's
 * `batch` (its requests run in that order), whose order is kept.
 * Two values are equal in the spec iff their canonical texts are equal.
 */
export const SEQUENCE_KEYS: ReadonlySet<string> = new Set(['rExecuted', 'executed', 'batch']);

export function canonical(value: unknown, isSequence = false): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return isSequence ? '[' + value.map((v) => canonical(v)).join(',') + ']' : canonicalSet(value);
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = obj[k];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += JSON.stringify(k) + ':' + canonical(v, SEQUENCE_KEYS.has(k));
  }
  return out + '}';
}

export function canonicalSet(items: readonly unknown[]): string {
  if (items.length === 0) return '[]';
  const texts = items.map((v) => canonical(v)).sort();
  let out = '[' + texts[0]!;
  for (let i = 1; i < texts.length; i++) if (texts[i] !== texts[i - 1]) out += ',' + texts[i]!;
  return out + ']';
}

/** Sort an array (a set) by canonical text, for writers that want the documented order. */
export function sortedSet<T>(items: readonly T[]): T[] {
  const keyed = items.map((v) => [canonical(v), v] as const);
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: T[] = [];
  for (let i = 0; i < keyed.length; i++) if (i === 0 || keyed[i]![0] !== keyed[i - 1]![0]) out.push(keyed[i]![1]);
  return out;
}
