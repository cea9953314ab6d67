/**
 * tla-checker's whole reachable state graph (`export_dot: true, dot_mode: "full"`): asking the
 * engine for it, and reading it back line by line. The DOT it writes is one line per item:
 *
 *   s0 [label="msgs={}\naBallot=<<...>>\n...\nrefines=true"];   a state, `var=value` per line
 *   s0 -> s1 [label="ActionName"];                                one transition
 *
 * Values are TLA+ text (parsed with parseTlaValue into ITF), except that booleans are printed
 * in lower case. Reading is a generator over lines, so a 100 MB graph never has to be held
 * twice; every error names the line. Parsed values are shared between states: read-only.
 */
import type { ItfValue } from '../values/itf.js';
import { parseTlaValue } from '../values/tlaValue.js';
import type { TlaChecker } from './wasm.js';

export type GraphVars = Record<string, ItfValue>;

export type GraphItem =
  | { kind: 'state'; id: string; vars: GraphVars; line: number }
  | { kind: 'edge'; from: string; to: string; action: string; line: number };

export class StateGraphError extends Error {
  constructor(readonly line: number, detail: string) {
    super(`state graph line ${line}: ${detail}`);
    this.name = 'StateGraphError';
  }
}

const HEADER = /^\s*(?:strict\s+)?digraph\s+[\w"]*\s*\{\s*$/;
// Graph-wide attribute lines the engine writes before the nodes (rankdir=TB; node [shape=box]).
const ATTRIBUTE = /^\s*(?:\w+\s*=\s*[\w".]+|(?:graph|node|edge)\s*\[.*\])\s*;?\s*$/;
const STATE = /^\s*(\w+)\s*\[label="((?:[^"\\]|\\.)*)"(?:\s*,[^\]]*)?\]\s*;?\s*$/;
const EDGE = /^\s*(\w+)\s*->\s*(\w+)\s*\[label="((?:[^"\\]|\\.)*)"(?:\s*,[^\]]*)?\]\s*;?\s*$/;

/** The label's text with DOT escapes undone; `\n` (and `\l`, `\r`) separate lines. */
function unescapeLabel(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' || c === 'l' || c === 'r' ? '\n' : c));
}

/** The engine prints TRUE/FALSE as true/false; parseTlaValue would take them for model values. */
function fixBooleans(v: ItfValue): ItfValue {
  if (typeof v !== 'object' || v === null) return v;
  if ('#unserializable' in v && typeof v['#unserializable'] === 'string') {
    const w = v['#unserializable'];
    return w === 'true' ? true : w === 'false' ? false : v;
  }
  if ('#set' in v && Array.isArray(v['#set'])) return { '#set': v['#set'].map(fixBooleans) };
  if ('#tup' in v && Array.isArray(v['#tup'])) return { '#tup': v['#tup'].map(fixBooleans) };
  if ('#map' in v && Array.isArray(v['#map'])) {
    return { '#map': (v['#map'] as Array<[ItfValue, ItfValue]>).map(([k, x]): [ItfValue, ItfValue] => [fixBooleans(k), fixBooleans(x)]) };
  }
  if ('#bigint' in v) return v;
  const out: Record<string, ItfValue> = {};
  for (const [k, x] of Object.entries(v as Record<string, ItfValue>)) out[k] = fixBooleans(x);
  return out;
}

/** Parsed value texts: most variables repeat from state to state (shared, so read-only). */
export type ValueCache = Map<string, ItfValue>;
const CACHE_LIMIT = 200_000;

/** The variables of one state label (`var=value` lines). */
export function parseStateLabel(label: string, line: number, cache: ValueCache = new Map()): GraphVars {
  const vars: GraphVars = {};
  for (const part of unescapeLabel(label).split('\n')) {
    const m = /^\s*([A-Za-z_]\w*)\s*=(.*)$/s.exec(part);
    if (!m) throw new StateGraphError(line, `expected var=value in the state label, got ${JSON.stringify(part.slice(0, 80))}`);
    if (m[1]! in vars) throw new StateGraphError(line, `variable ${m[1]} twice in one state`);
    const text = m[2]!;
    const hit = cache.get(text);
    if (hit !== undefined) { vars[m[1]!] = hit; continue; }
    try {
      const v = fixBooleans(parseTlaValue(text));
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(text, v);
      vars[m[1]!] = v;
    } catch (e) {
      throw new StateGraphError(line, `variable ${m[1]}: ${(e as Error).message.slice(0, 300)}`);
    }
  }
  return vars;
}

/**
 * The states and edges of a DOT state graph, in file order. Checks the frame (header, closing
 * brace, nothing after it) and that no state id repeats; edges may name states defined later,
 * so whether every edge's ends exist is for the consumer (parseStateGraph checks it).
 */
export function* readStateGraph(lines: Iterable<string>): Generator<GraphItem> {
  let lineNo = 0;
  let opened = false;
  let closed = false;
  const ids = new Set<string>();
  const cache: ValueCache = new Map();
  for (const raw of lines) {
    lineNo++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '' || /^\s*(\/\/|#)/.test(text)) continue;
    if (closed) throw new StateGraphError(lineNo, 'text after the closing }');
    if (!opened) {
      if (!HEADER.test(text)) throw new StateGraphError(lineNo, `expected "digraph ... {", got ${JSON.stringify(text.slice(0, 80))}`);
      opened = true;
      continue;
    }
    if (/^\s*\}\s*$/.test(text)) { closed = true; continue; }
    const e = EDGE.exec(text);
    if (e) {
      yield { kind: 'edge', from: e[1]!, to: e[2]!, action: unescapeLabel(e[3]!), line: lineNo };
      continue;
    }
    const s = STATE.exec(text);
    if (s) {
      if (ids.has(s[1]!)) throw new StateGraphError(lineNo, `state ${s[1]} defined twice`);
      ids.add(s[1]!);
      yield { kind: 'state', id: s[1]!, vars: parseStateLabel(s[2]!, lineNo, cache), line: lineNo };
      continue;
    }
    if (ATTRIBUTE.test(text)) continue;
    throw new StateGraphError(lineNo, `not a state, an edge or a graph attribute: ${JSON.stringify(text.slice(0, 120))}`);
  }
  if (!opened) throw new StateGraphError(lineNo, 'empty input: no "digraph ... {" line');
  if (!closed) throw new StateGraphError(lineNo, 'the graph has no closing } (truncated?)');
}

/** The lines of a string, without splitting it all at once. */
export function* linesOf(text: string): Generator<string> {
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) { yield text.slice(start); return; }
    yield text.slice(start, nl);
    start = nl + 1;
  }
}

export interface StateGraph {
  states: Map<string, GraphVars>;
  edges: Array<{ from: string; to: string; action: string }>;
}

/** A whole (small) graph in memory; an edge to or from an undefined state is an error. */
export function parseStateGraph(text: string): StateGraph {
  const g: StateGraph = { states: new Map(), edges: [] };
  const edgeLines: number[] = [];
  for (const item of readStateGraph(linesOf(text))) {
    if (item.kind === 'state') g.states.set(item.id, item.vars);
    else { g.edges.push({ from: item.from, to: item.to, action: item.action }); edgeLines.push(item.line); }
  }
  g.edges.forEach((e, i) => {
    for (const end of [e.from, e.to]) if (!g.states.has(end)) throw new StateGraphError(edgeLines[i]!, `edge names undefined state ${end}`);
  });
  return g;
}

/**
 * A graph state in tla-checker's JSON encoding (the inverse of itf.ts's embeddedJsonToItf):
 * sets as arrays, tuples as {"__tuple"}, functions as {"__fn"}, model values as {"__model"}.
 * This is what explore_next takes and what src/trace/replay/tlaCodec.ts's fromTla reads.
 */
export function itfToEmbeddedJson(v: ItfValue): unknown {
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if ('#bigint' in v && typeof v['#bigint'] === 'string') {
    const n = Number(v['#bigint']);
    if (!Number.isSafeInteger(n)) throw new Error(`integer ${v['#bigint']} does not fit tla-checker's JSON`);
    return n;
  }
  if ('#set' in v && Array.isArray(v['#set'])) return v['#set'].map(itfToEmbeddedJson);
  if ('#tup' in v && Array.isArray(v['#tup'])) return { __tuple: v['#tup'].map(itfToEmbeddedJson) };
  if ('#map' in v && Array.isArray(v['#map'])) {
    return { __fn: (v['#map'] as Array<[ItfValue, ItfValue]>).map(([k, x]) => [itfToEmbeddedJson(k), itfToEmbeddedJson(x)]) };
  }
  if ('#unserializable' in v && typeof v['#unserializable'] === 'string') return { __model: v['#unserializable'] };
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, ItfValue>)) out[k] = itfToEmbeddedJson(x);
  return out;
}

export function stateToEmbeddedJson(vars: GraphVars): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) out[k] = itfToEmbeddedJson(v);
  return out;
}

export interface EngineStateGraph { dot: string; statesExplored: number; seconds: number }

/**
 * Runs a full check of a flattened module and returns its whole state graph. Deadlock is
 * allowed (the graph, not the verdict, is wanted); a failed check is an error, since the
 * graph would then stop at the violation.
 */
export function engineStateGraph(checker: TlaChecker, flatSpec: string, cfgText: string): EngineStateGraph {
  const t0 = performance.now();
  const out = checker.check_spec_with_options(flatSpec, JSON.stringify({
    cfg_source: cfgText, max_states: 5_000_000, max_depth: 100_000, allow_deadlock: true, export_dot: true, dot_mode: 'full',
  }));
  const r = JSON.parse(out) as { success?: boolean; states_explored?: number; dot?: string; error_message?: string };
  if (r.success !== true) throw new Error(`tla-checker: the model check failed: ${r.error_message ?? out.slice(0, 300)}`);
  if (typeof r.dot !== 'string' || typeof r.states_explored !== 'number') throw new Error('tla-checker returned no state graph (export_dot unsupported?)');
  return { dot: r.dot, statesExplored: r.states_explored, seconds: (performance.now() - t0) / 1000 };
}
