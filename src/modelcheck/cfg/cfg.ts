/**
 * Parser and printer for TLC model configuration files (`.cfg`), plus the metadata comments
 * this project puts on a model's first lines (`\* module: X`, `\* ci: true`, `\* engines: ...`,
 * `\* expect: ...`).
 */
import type { Engine } from '../shared/types.js';

export interface ModelMeta {
  module?: string;
  ci?: boolean;
  engines?: Engine[];
  expect?: { kind: 'pass' } | { kind: 'violation'; property: string };
  /**
   * `\* states: N`: the distinct states the model has. check-spec starts the largest models
   * first (the run ends with small ones side by side, not one large one alone) and fails a run
   * that passes with another count (the spec's state space changed: say so in the cfg).
   */
  states?: number;
}

export interface ConstantEntry {
  name: string;
  /** `Name = value`: the value's source text. */
  value?: string;
  /** `Name <- Op`: the substituted operator's source text. */
  substitution?: string;
}

export interface TlcConfig {
  specification?: string;
  init?: string;
  next?: string;
  invariants: string[];
  properties: string[];
  constants: ConstantEntry[];
  constraints: string[];
  actionConstraints: string[];
  symmetry?: string;
  view?: string;
  alias?: string;
  postcondition?: string;
  checkDeadlock?: boolean;
  meta: ModelMeta;
}

/** A cfg that cannot be used; the message names the file and line. */
export class CfgError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'CfgError';
  }
}

interface Token {
  text: string;
  kind: 'word' | 'number' | 'string' | 'punct';
  line: number;
  start: number;
  end: number;
}

const KEYWORDS = new Set([
  'SPECIFICATION', 'INIT', 'NEXT', 'INVARIANT', 'INVARIANTS', 'PROPERTY', 'PROPERTIES',
  'CONSTANT', 'CONSTANTS', 'CONSTRAINT', 'CONSTRAINTS', 'ACTION_CONSTRAINT', 'ACTION_CONSTRAINTS',
  'SYMMETRY', 'VIEW', 'ALIAS', 'POSTCONDITION', 'CHECK_DEADLOCK',
]);

const PUNCT = ['<<', '>>', '|->', '<-', ':>', '@@', '..', '{', '}', '[', ']', '(', ')', ',', '=', '-', ':', '!', '\\'];

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') { line++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (text.startsWith('\\*', i)) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (text.startsWith('(*', i)) {
      const startLine = line;
      let depth = 0;
      while (i < text.length) {
        if (text.startsWith('(*', i)) { depth++; i += 2; continue; }
        if (text.startsWith('*)', i)) { depth--; i += 2; if (depth === 0) break; continue; }
        if (text[i] === '\n') line++;
        i++;
      }
      if (depth !== 0) throw new CfgError(file, startLine, 'unterminated comment "(*"');
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i]!)) i++;
      tokens.push({ text: text.slice(start, i), kind: 'word', line, start, end: i });
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < text.length && /[0-9A-Za-z_]/.test(text[i]!)) i++;
      tokens.push({ text: text.slice(start, i), kind: /^[0-9]+$/.test(text.slice(start, i)) ? 'number' : 'word', line, start, end: i });
      continue;
    }
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') i++;
        if (text[i] === '\n') throw new CfgError(file, line, 'unterminated string');
        i++;
      }
      if (i >= text.length) throw new CfgError(file, line, 'unterminated string');
      i++;
      tokens.push({ text: text.slice(start, i), kind: 'string', line, start, end: i });
      continue;
    }
    const p = PUNCT.find((q) => text.startsWith(q, i));
    if (p === undefined) throw new CfgError(file, line, `unexpected character ${JSON.stringify(c)}`);
    i += p.length;
    tokens.push({ text: p, kind: 'punct', line, start, end: i });
  }
  return tokens;
}

/** Reads `\* key: value` comments from the leading comment block of a cfg. */
export function parseMeta(text: string, file = '<cfg>'): ModelMeta {
  const meta: ModelMeta = {};
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!.trim();
    if (raw === '') continue;
    if (!raw.startsWith('\\*')) break; // metadata lives only in the leading comment block
    const m = /^\\\*\s*(module|ci|engines|expect|states)\s*:\s*(.*?)\s*$/.exec(raw);
    if (!m) continue;
    const key = m[1]!;
    const value = m[2]!;
    const lineNo = n + 1;
    if (key === 'module') {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) throw new CfgError(file, lineNo, `bad module name ${JSON.stringify(value)}`);
      meta.module = value;
    } else if (key === 'ci') {
      if (value !== 'true' && value !== 'false') throw new CfgError(file, lineNo, `"ci:" must be true or false, got ${JSON.stringify(value)}`);
      meta.ci = value === 'true';
    } else if (key === 'engines') {
      const engines = value.split(',').map((e) => e.trim()).filter((e) => e !== '');
      for (const e of engines) {
        if (e !== 'embedded' && e !== 'tlc') throw new CfgError(file, lineNo, `unknown engine ${JSON.stringify(e)} (expected embedded or tlc)`);
      }
      if (engines.length === 0) throw new CfgError(file, lineNo, '"engines:" lists no engine');
      meta.engines = engines as Engine[];
    } else if (key === 'states') {
      if (!/^\d{1,3}(,\d{3})*$|^\d+$/.test(value)) throw new CfgError(file, lineNo, `"states:" must be a count of distinct states (digits, commas between thousands), got ${JSON.stringify(value)}`);
      meta.states = Number(value.replace(/,/g, ''));
    } else {
      const v = /^violation\s+([A-Za-z_][A-Za-z0-9_]*)$/.exec(value);
      if (value === 'pass') meta.expect = { kind: 'pass' };
      else if (v) meta.expect = { kind: 'violation', property: v[1]! };
      else throw new CfgError(file, lineNo, `"expect:" must be "pass" or "violation <PropertyName>", got ${JSON.stringify(value)}`);
    }
  }
  return meta;
}

/** Parses a TLC cfg. `file` is only used in error messages (cfg text may come from no file). */
export function parseCfg(text: string, file = '<cfg>'): TlcConfig {
  const cfg: TlcConfig = {
    invariants: [], properties: [], constants: [], constraints: [], actionConstraints: [],
    meta: parseMeta(text, file),
  };
  const toks = tokenize(text, file);
  let i = 0;
  const lastLine = toks.length > 0 ? toks[toks.length - 1]!.line : 1;
  const isKeyword = (t: Token | undefined) => t !== undefined && t.kind === 'word' && KEYWORDS.has(t.text);
  // TLC would read a misspelt keyword after a list (INVARIANTZ) as one more name; an all-caps word
  // at the start of a line is taken to be meant as a keyword, so the typo is reported.
  const startsSection = (t: Token) => t.kind === 'word' && /^[A-Z][A-Z_]+$/.test(t.text) && (t.start === 0 || text[t.start - 1] === '\n');
  const listItem = (t: Token | undefined) => t !== undefined && t.kind === 'word' && !isKeyword(t) && !startsSection(t);
  const expectName = (kw: Token): string => {
    const t = toks[i];
    if (t === undefined || t.kind !== 'word' || isKeyword(t)) {
      throw new CfgError(file, t?.line ?? kw.line, `${kw.text} needs a name${t ? `, got ${JSON.stringify(t.text)}` : ''}`);
    }
    i++;
    return t.text;
  };
  const names = (): string[] => {
    const out: string[] = [];
    while (listItem(toks[i])) out.push(toks[i++]!.text);
    return out;
  };
  /** Reads one value: a token or a bracketed group, joined by `:>`/`@@`/`..` (function and range literals). */
  const readValue = (owner: Token): string => {
    const first = toks[i];
    if (first === undefined) throw new CfgError(file, owner.line, `constant ${owner.text} has no value`);
    const start = first.start;
    let end = first.end;
    for (;;) {
      const t = toks[i];
      if (t === undefined) throw new CfgError(file, owner.line, `constant ${owner.text} has no value`);
      if (['{', '<<', '[', '('].includes(t.text)) {
        const stack: string[] = [];
        do {
          const u = toks[i];
          if (u === undefined) throw new CfgError(file, t.line, `unbalanced ${JSON.stringify(t.text)} in the value of ${owner.text}`);
          if (['{', '<<', '[', '('].includes(u.text)) stack.push(u.text);
          else if (['}', '>>', ']', ')'].includes(u.text)) {
            const open = stack.pop();
            const match: Record<string, string> = { '}': '{', '>>': '<<', ']': '[', ')': '(' };
            if (open !== match[u.text]) throw new CfgError(file, u.line, `unexpected ${JSON.stringify(u.text)} in the value of ${owner.text}`);
          }
          end = u.end;
          i++;
        } while (stack.length > 0);
      } else if (t.kind === 'punct' && t.text !== '-') {
        throw new CfgError(file, t.line, `unexpected ${JSON.stringify(t.text)} in the value of ${owner.text}`);
      } else {
        if (t.text === '-') { i++; }
        const u = toks[i];
        if (u === undefined || u.kind === 'punct') throw new CfgError(file, t.line, `bad value for ${owner.text}`);
        end = u.end;
        i++;
      }
      const join = toks[i];
      if (join && (join.text === ':>' || join.text === '@@' || join.text === '..')) { i++; continue; }
      return text.slice(start, end);
    }
  };
  // A constant may be named in capitals at the start of its line (`MAX = 3`), as TLC allows: what
  // follows it (`=` or `<-`) tells it from a misspelt keyword.
  const constantAt = (j: number) => listItem(toks[j])
    || (toks[j]?.kind === 'word' && !isKeyword(toks[j]) && ['=', '<-'].includes(toks[j + 1]?.text ?? ''));
  const constants = () => {
    while (constantAt(i)) {
      const nameTok = toks[i++]!;
      const op = toks[i];
      if (op?.text === '=') {
        i++;
        // `N =` and nothing before the next assignment or section: the value is missing on N's
        // own line (reading on would take the next constant's name as N's value).
        const v = toks[i];
        const startsNext = v !== undefined && v.kind === 'word' && v.line !== op.line
          && (isKeyword(v) || startsSection(v) || ['=', '<-'].includes(toks[i + 1]?.text ?? ''));
        if (v === undefined || startsNext) throw new CfgError(file, op.line, `constant ${nameTok.text} has no value after "="`);
        cfg.constants.push({ name: nameTok.text, value: readValue(nameTok) });
      } else if (op?.text === '<-') {
        i++;
        // `Name <- Op` or `Name <- [Module] Op`
        let subst = '';
        if (toks[i]?.text === '[') {
          const mod = toks[i + 1];
          if (toks[i + 2]?.text !== ']' || mod === undefined) throw new CfgError(file, nameTok.line, `bad substitution for ${nameTok.text}`);
          subst = `[${mod.text}] `;
          i += 3;
        }
        const target = toks[i];
        if (target === undefined || target.kind !== 'word') throw new CfgError(file, nameTok.line, `substitution for ${nameTok.text} needs an operator name`);
        i++;
        cfg.constants.push({ name: nameTok.text, substitution: subst + target.text });
      } else {
        throw new CfgError(file, op?.line ?? nameTok.line, `constant ${nameTok.text} needs "= value" or "<- Operator"`);
      }
    }
  };
  while (i < toks.length) {
    const kw = toks[i]!;
    if (!isKeyword(kw)) {
      throw new CfgError(file, kw.line, `unknown keyword ${JSON.stringify(kw.text)} (expected one of ${[...KEYWORDS].join(', ')})`);
    }
    i++;
    switch (kw.text) {
      case 'SPECIFICATION': cfg.specification = expectName(kw); break;
      case 'INIT': cfg.init = expectName(kw); break;
      case 'NEXT': cfg.next = expectName(kw); break;
      case 'VIEW': cfg.view = expectName(kw); break;
      case 'ALIAS': cfg.alias = expectName(kw); break;
      case 'POSTCONDITION': cfg.postcondition = expectName(kw); break;
      case 'SYMMETRY': cfg.symmetry = expectName(kw); break;
      case 'INVARIANT': case 'INVARIANTS': cfg.invariants.push(...names()); break;
      case 'PROPERTY': case 'PROPERTIES': cfg.properties.push(...names()); break;
      case 'CONSTRAINT': case 'CONSTRAINTS': cfg.constraints.push(...names()); break;
      case 'ACTION_CONSTRAINT': case 'ACTION_CONSTRAINTS': cfg.actionConstraints.push(...names()); break;
      case 'CONSTANT': case 'CONSTANTS': constants(); break;
      case 'CHECK_DEADLOCK': {
        const v = toks[i];
        if (v?.text !== 'TRUE' && v?.text !== 'FALSE') throw new CfgError(file, v?.line ?? kw.line, 'CHECK_DEADLOCK must be TRUE or FALSE');
        cfg.checkDeadlock = v.text === 'TRUE';
        i++;
        break;
      }
    }
  }
  if (cfg.specification === undefined && cfg.init === undefined) {
    throw new CfgError(file, lastLine, 'no SPECIFICATION and no INIT: the model does not say what to check');
  }
  if (cfg.specification === undefined && cfg.next === undefined) {
    throw new CfgError(file, lastLine, 'INIT without NEXT');
  }
  return cfg;
}

/** Prints a cfg back to text (metadata comments first), e.g. after overriding constants. */
export function printCfg(cfg: TlcConfig): string {
  const out: string[] = [];
  const m = cfg.meta;
  if (m.module !== undefined) out.push(`\\* module: ${m.module}`);
  if (m.ci !== undefined) out.push(`\\* ci: ${m.ci}`);
  if (m.engines !== undefined) out.push(`\\* engines: ${m.engines.join(',')}`);
  if (m.expect !== undefined) out.push(`\\* expect: ${m.expect.kind === 'pass' ? 'pass' : `violation ${m.expect.property}`}`);
  if (cfg.specification !== undefined) out.push(`SPECIFICATION ${cfg.specification}`);
  if (cfg.init !== undefined) out.push(`INIT ${cfg.init}`);
  if (cfg.next !== undefined) out.push(`NEXT ${cfg.next}`);
  if (cfg.constants.length > 0) {
    out.push('CONSTANTS');
    for (const c of cfg.constants) out.push(c.value !== undefined ? `  ${c.name} = ${c.value}` : `  ${c.name} <- ${c.substitution ?? ''}`);
  }
  for (const inv of cfg.invariants) out.push(`INVARIANT ${inv}`);
  for (const p of cfg.properties) out.push(`PROPERTY ${p}`);
  for (const c of cfg.constraints) out.push(`CONSTRAINT ${c}`);
  for (const c of cfg.actionConstraints) out.push(`ACTION_CONSTRAINT ${c}`);
  if (cfg.symmetry !== undefined) out.push(`SYMMETRY ${cfg.symmetry}`);
  if (cfg.view !== undefined) out.push(`VIEW ${cfg.view}`);
  if (cfg.alias !== undefined) out.push(`ALIAS ${cfg.alias}`);
  if (cfg.postcondition !== undefined) out.push(`POSTCONDITION ${cfg.postcondition}`);
  if (cfg.checkDeadlock !== undefined) out.push(`CHECK_DEADLOCK ${cfg.checkDeadlock ? 'TRUE' : 'FALSE'}`);
  return out.join('\n') + '\n';
}

/** Returns the cfg with `Name = value` set for each override (replacing or adding the assignment). */
export function withConstants(cfg: TlcConfig, overrides: Record<string, string>): TlcConfig {
  const constants = cfg.constants.map((c) => (c.name in overrides ? { name: c.name, value: overrides[c.name]! } : c));
  for (const [name, value] of Object.entries(overrides)) {
    if (!constants.some((c) => c.name === name)) constants.push({ name, value });
  }
  return { ...cfg, constants };
}
