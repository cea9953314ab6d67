/**
 * Parser for TLA+ values as model checkers print them (TLC's state printout, tla-checker's
 * text trace): `0`, `-3`, `"s"`, `TRUE`, `v1` (model value), `{...}`, `<<...>>`,
 * `[f |-> ...]`, `(k :> v @@ ...)`. The result is an ITF value (see itf.ts).
 */
import type { ItfValue } from './itf.js';

export class ValueSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueSyntaxError';
  }
}

const SYMBOLS = ['<<', '>>', '|->', ':>', '@@', '..', '{', '}', '[', ']', '(', ')', ','];

function tokenize(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw new ValueSyntaxError(`unterminated string in ${JSON.stringify(text)}`);
      out.push(text.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    const num = /^-?[0-9]+/.exec(text.slice(i));
    if (num && (c !== '-' || out.length === 0 || SYMBOLS.includes(out[out.length - 1]!))) {
      out.push(num[0]);
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (word) { out.push(word[0]); i += word[0].length; continue; }
    const sym = SYMBOLS.find((s) => text.startsWith(s, i));
    if (sym === undefined) throw new ValueSyntaxError(`unexpected ${JSON.stringify(c)} in value ${JSON.stringify(text)}`);
    out.push(sym);
    i += sym.length;
  }
  return out;
}

/** Parses one printed TLA+ value into ITF. */
export function parseTlaValue(text: string): ItfValue {
  const toks = tokenize(text);
  let i = 0;
  const peek = () => toks[i];
  const take = (want?: string): string => {
    const t = toks[i];
    if (t === undefined) throw new ValueSyntaxError(`value ended early: ${JSON.stringify(text)}`);
    if (want !== undefined && t !== want) throw new ValueSyntaxError(`expected ${want}, got ${t} in ${JSON.stringify(text)}`);
    i++;
    return t;
  };
  const list = (close: string): ItfValue[] => {
    const items: ItfValue[] = [];
    if (peek() === close) { i++; return items; }
    for (;;) {
      items.push(value());
      const t = take();
      if (t === close) return items;
      if (t !== ',') throw new ValueSyntaxError(`expected , or ${close}, got ${t} in ${JSON.stringify(text)}`);
    }
  };
  const atom = (): ItfValue => {
    const t = take();
    if (t === '{') return { '#set': list('}') };
    if (t === '<<') return { '#tup': list('>>') };
    if (t === '(') {
      const v = value();
      take(')');
      return v;
    }
    if (t === '[') {
      const rec: Record<string, ItfValue> = {};
      if (peek() === ']') { i++; return rec; }
      for (;;) {
        const field = take();
        take('|->');
        rec[field] = value();
        const sep = take();
        if (sep === ']') return rec;
        if (sep !== ',') throw new ValueSyntaxError(`expected , or ] in record, got ${sep}`);
      }
    }
    if (/^-?[0-9]+$/.test(t)) return { '#bigint': String(BigInt(t)) };
    if (t.startsWith('"')) return JSON.parse(t) as string;
    if (t === 'TRUE') return true;
    if (t === 'FALSE') return false;
    if (/^[A-Za-z_]/.test(t)) return { '#unserializable': t };
    throw new ValueSyntaxError(`unexpected ${t} in ${JSON.stringify(text)}`);
  };
  // `a..b` (an integer range, expanded to a set): `..` binds tighter than `:>`, so a range may
  // stand wherever an atom does in a function literal.
  const rangeOrAtom = (): ItfValue => {
    const first = atom();
    if (peek() !== '..') return first;
    i++;
    const hi = atom();
    const lo = first as { '#bigint'?: string };
    const h = hi as { '#bigint'?: string };
    if (lo['#bigint'] === undefined || h['#bigint'] === undefined) throw new ValueSyntaxError(`bad range in ${JSON.stringify(text)}`);
    const items: ItfValue[] = [];
    for (let n = BigInt(lo['#bigint']); n <= BigInt(h['#bigint']); n++) items.push({ '#bigint': String(n) });
    return { '#set': items };
  };
  // `k :> v @@ k2 :> v2` (a function literal).
  const value = (): ItfValue => {
    const first = rangeOrAtom();
    if (peek() !== ':>') return first;
    const pairs: Array<[ItfValue, ItfValue]> = [];
    let key = first;
    for (;;) {
      take(':>');
      pairs.push([key, rangeOrAtom()]);
      if (peek() !== '@@') return { '#map': pairs };
      i++;
      key = rangeOrAtom();
    }
  };
  const v = value();
  if (i !== toks.length) throw new ValueSyntaxError(`unexpected ${toks[i]} after value in ${JSON.stringify(text)}`);
  return v;
}

/**
 * Parses a state printed as `/\ x = 1\n/\ y = {}` (TLC) or `  x = 1\n  y = {}` (tla-checker);
 * a value may continue on following lines.
 */
export function parseStateText(text: string): Record<string, ItfValue> {
  const entries: Array<[string, string]> = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (line.trim() === '') continue;
    const m = /^\s*(?:\/\\\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s?(.*)$/.exec(line);
    // A new variable starts with `/\ name =` (TLC) or a two-space indent (tla-checker); anything else continues a value.
    const startsVar = m !== null && (/^\s*\/\\/.test(line) || /^ {0,2}[A-Za-z_]/.test(line));
    if (m && startsVar) entries.push([m[1]!, m[2]!]);
    else if (entries.length > 0) entries[entries.length - 1]![1] += '\n' + line;
    else throw new ValueSyntaxError(`cannot read state line ${JSON.stringify(line)}`);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, parseTlaValue(v)]));
}
