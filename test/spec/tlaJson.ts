/**
 * One canonical form for TLA+ values from the two engines' JSON encodings, so a state that
 * TLC wrote (-dumpTrace json: functions over 1..n and sequences as arrays, sets as arrays)
 * can be compared with one tla-checker returns ({"__tuple": [...]}, {"__fn": [[k, v]]}).
 * Arrays are compared as sets (sorted): TLC's encoding does not tell a set from a sequence,
 * and the successor a test looks for is identified by its whole state anyway.
 */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(canonical).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('__tuple' in o) return canonical(o.__tuple);
    if ('__fn' in o) return canonical((o.__fn as [unknown, unknown][]).map(([k, v]) => [k, v]));
    if ('__model' in o) return `model:${String(o.__model)}`;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, canonical(o[k])]));
  }
  return value;
}

export const canonicalText = (value: unknown): string => JSON.stringify(canonical(value));
