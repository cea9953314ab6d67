/**
 * JSON values as TLA+ literals, for any spec: strings, naturals, booleans, arrays as sets,
 * objects as records, and sequences either as tla-checker encodes them ({"__tuple": [...]})
 * or as the arrays under field names the caller declares to be sequences.
 */

export function tlaString(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') + '"';
}

const NO_FIELDS: ReadonlySet<string> = new Set();

export function tlaValueLiteral(v: unknown, sequenceFields: ReadonlySet<string> = NO_FIELDS, isSequence = false): string {
  if (typeof v === 'string') return tlaString(v);
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`not a natural number: ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (Array.isArray(v)) {
    const items = v.map((x) => tlaValueLiteral(x, sequenceFields));
    return isSequence ? `<<${items.join(', ')}>>` : `{${items.join(', ')}}`;
  }
  if (v && typeof v === 'object') {
    const tuple = (v as { __tuple?: unknown }).__tuple;
    if (Array.isArray(tuple) && Object.keys(v).length === 1) return tlaValueLiteral(tuple, sequenceFields, true);
    const fields = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${k} |-> ${tlaValueLiteral(x, sequenceFields, sequenceFields.has(k))}`);
    return `[${fields.join(', ')}]`;
  }
  throw new Error(`no TLA+ literal for ${JSON.stringify(v)}`);
}
