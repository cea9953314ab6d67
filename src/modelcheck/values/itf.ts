/**
 * Informal Trace Format (ITF) values and documents, plus printing them back in TLA+ syntax.
 * Counterexample variables are kept as ITF values everywhere: they are plain JSON, yet keep
 * what JSON loses (big integers, sets versus tuples, functions with non-string keys).
 * A TLC model value (an uninterpreted constant such as `p1`) has no ITF form; it is written
 * as `{"#unserializable": "p1"}` so it is not confused with the string "p1".
 */
import type { Counterexample, Engine } from '../shared/types.js';

export type ItfValue =
  | boolean
  | string
  | { '#bigint': string }
  | { '#set': ItfValue[] }
  | { '#tup': ItfValue[] }
  | { '#map': Array<[ItfValue, ItfValue]> }
  | { '#unserializable': string }
  | { [field: string]: ItfValue };

export interface ItfDocument {
  '#meta': Record<string, unknown>;
  vars: string[];
  states: Array<Record<string, unknown>>;
  loop?: number;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Prints an ITF value in TLA+ syntax, the way TLC prints values. */
export function formatItf(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `<<${v.map(formatItf).join(', ')}>>`;
  if (!isObj(v)) return String(v);
  if ('#bigint' in v) return String(v['#bigint']);
  if ('#unserializable' in v) return String(v['#unserializable']);
  if ('#set' in v && Array.isArray(v['#set'])) return `{${v['#set'].map(formatItf).join(', ')}}`;
  if ('#tup' in v && Array.isArray(v['#tup'])) return `<<${v['#tup'].map(formatItf).join(', ')}>>`;
  if ('#map' in v && Array.isArray(v['#map'])) {
    const pairs = v['#map'] as Array<[unknown, unknown]>;
    if (pairs.length === 0) return '<<>>';
    return `(${pairs.map(([k, x]) => `${formatItf(k)} :> ${formatItf(x)}`).join(' @@ ')})`;
  }
  return `[${Object.entries(v).map(([k, x]) => `${k} |-> ${formatItf(x)}`).join(', ')}]`;
}

/** Builds the ITF document of a counterexample. */
export function counterexampleToItf(
  cex: Counterexample,
  vars: string[],
  meta: { model: string; engine: Engine; violated?: string; verdict: string },
): ItfDocument {
  const doc: ItfDocument = {
    '#meta': {
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      source: `${meta.model}.cfg`,
      description: `${meta.verdict}${meta.violated ? ` ${meta.violated}` : ''} found by ${meta.engine === 'tlc' ? 'TLC' : 'tla-checker'} (npm run check-spec)`,
      ...(meta.violated ? { violated: meta.violated } : {}),
    },
    vars,
    states: cex.states.map((s, index) => ({
      '#meta': s.action !== undefined ? { index, action: s.action } : { index },
      ...s.vars,
    })),
  };
  if (cex.loopTo !== undefined) doc.loop = cex.loopTo;
  return doc;
}

/**
 * Converts a value of TLC's `-dumpTrace json` output to ITF. That JSON writes sets and
 * sequences alike as arrays and model values as strings, so the result is a best guess
 * (arrays become tuples, strings stay strings); prefer the values parsed from TLC's own
 * state printout (tlaValue.ts) where available.
 */
export function tlcJsonToItf(v: unknown): ItfValue {
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return { '#bigint': String(v) };
  if (Array.isArray(v)) return { '#tup': v.map(tlcJsonToItf) };
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, tlcJsonToItf(x)])) as ItfValue;
  return { '#unserializable': String(v) };
}

/**
 * Converts tla-checker's JSON state encoding to ITF: `{"__fn": [[k, v]]}` functions,
 * `{"__model": "a"}` model values, `{"__tuple": [...]}` tuples, arrays for sets, objects for records.
 */
export function embeddedJsonToItf(v: unknown): ItfValue {
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return { '#bigint': String(v) };
  if (Array.isArray(v)) return { '#set': v.map(embeddedJsonToItf) };
  if (isObj(v)) {
    if ('__model' in v) return { '#unserializable': String(v['__model']) };
    if ('__tuple' in v && Array.isArray(v['__tuple'])) return { '#tup': v['__tuple'].map(embeddedJsonToItf) };
    if ('__fn' in v && Array.isArray(v['__fn'])) {
      const pairs = (v['__fn'] as Array<[unknown, unknown]>).map(([k, x]): [ItfValue, ItfValue] => [embeddedJsonToItf(k), embeddedJsonToItf(x)]);
      return { '#map': pairs };
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, embeddedJsonToItf(x)])) as ItfValue;
  }
  return { '#unserializable': String(v) };
}
