/**
 * Reading a trace for the picture: one file, or the per-node part files of one run merged
 * exactly as the checker merges them (so that a rejected file:line is the event drawn).
 * Unlike the checker, reading goes on past a bad line: a rejected trace is the one people
 * most want to look at. Unreadable lines become notes on the page, not events.
 */
import { basename } from 'node:path';
import { LineReader, LineTooLongError } from '../trace/format/ndjsonReader.js';
import { initialState, nodeToJson } from '../trace/spec/specState.js';
import type { ViewEvent, ViewRun } from './types.js';
import { ViewerInputError } from './types.js';

/** A page holds every event in memory twice (text and columns): a million is about 600 MB of trace. */
export const MAX_EVENTS = 1_000_000;
/** Notes listed on the page; beyond this only a count. */
const MAX_NOTES = 50;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const intOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);

/** The action an event names; a line of a kind the viewer does not know still gets a label. */
function actionOf(v: Obj): string {
  for (const k of ['action', 'kind', 'type']) if (typeof v[k] === 'string' && v[k] !== '') return v[k] as string;
  return '(no action)';
}

export function toViewEvent(value: Obj, text: string | undefined, file: number, line: number): ViewEvent {
  return {
    node: intOrNull(value.node), clock: intOrNull(value.clock), seq: intOrNull(value.seq),
    action: actionOf(value), raw: value, ...(text !== undefined ? { text } : {}), file, line,
  };
}

class Notes {
  readonly list: string[] = [];
  private dropped = 0;
  add(s: string): void {
    if (this.list.length < MAX_NOTES) this.list.push(s); else this.dropped++;
  }
  done(): string[] {
    return this.dropped > 0 ? [...this.list, `... and ${this.dropped} more`] : this.list;
  }
}

interface FileContents { header: Obj | null; events: ViewEvent[] }

function readFile(path: string, fileIndex: number, notes: Notes, budget: { left: number; limit: number }): FileContents {
  const out: FileContents = { header: null, events: [] };
  let reader: LineReader;
  try {
    reader = new LineReader(path);
  } catch (e) {
    throw new ViewerInputError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    for (;;) {
      let l;
      try {
        l = reader.next();
      } catch (e) {
        if (!(e instanceof LineTooLongError)) throw e;
        notes.add(`${path}:${e.line}: ${e.message}; the rest of the file is not shown`);
        break;
      }
      if (l === null) break;
      let value: unknown;
      try {
        value = JSON.parse(l.text);
      } catch {
        notes.add(`${path}:${l.line}: ${l.text.trim() === '' ? 'empty line' : 'not JSON'} (not shown)`);
        continue;
      }
      if (!isObj(value)) { notes.add(`${path}:${l.line}: not a JSON object (not shown)`); continue; }
      if (value.kind === 'header') {
        if (l.line === 1) out.header = value;
        else notes.add(`${path}:${l.line}: a second header line (not shown)`);
        continue;
      }
      if (l.line === 1) notes.add(`${path}:1: the first line is not a trace header`);
      if (budget.left <= 0) { notes.add(`${path}:${l.line}: more than ${budget.limit} events; the rest are not shown`); break; }
      budget.left--;
      out.events.push(toViewEvent(value, l.text, fileIndex, l.line));
    }
  } finally {
    reader.close();
  }
  return out;
}

/** The checker's merge key (src/trace/format/lines.ts): Lamport clock, then node, then seq; absent = last. */
function mergeKey(e: ViewEvent): [number, number, number] {
  const num = (x: number | null): number => (x === null ? Number.MAX_SAFE_INTEGER : x);
  return [num(e.clock), num(e.node), num(e.seq)];
}
function before(a: ViewEvent, b: ViewEvent): boolean {
  const x = mergeKey(a); const y = mergeKey(b);
  return x[0] !== y[0] ? x[0] < y[0] : x[1] !== y[1] ? x[1] < y[1] : x[2] < y[2];
}

/**
 * Merges per-node event lists as the checker's MergedValues does: repeatedly take the
 * smallest head (first list wins a tie). For lists each in increasing clock order this is
 * the order by (clock, node, seq); for a part file out of order it still matches the checker.
 */
export function mergeByClock(lists: readonly ViewEvent[][]): ViewEvent[] {
  const pos = lists.map(() => 0);
  const out: ViewEvent[] = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      const head = lists[i]![pos[i]!];
      if (head !== undefined && (best < 0 || before(head, lists[best]![pos[best]!]!))) best = i;
    }
    if (best < 0) return out;
    out.push(lists[best]![pos[best]!++]!);
  }
}

/** The cluster's node ids from a header, if it names them. */
function headerNodes(header: Obj | null): number[] {
  const nodes = isObj(header?.cluster) ? (header.cluster as Obj).nodes : undefined;
  return Array.isArray(nodes) ? nodes.filter((n): n is number => Number.isSafeInteger(n)) : [];
}

function subtitleOf(header: Obj | null): string | undefined {
  if (header === null) return undefined;
  const parts: string[] = [];
  if (typeof header.runId === 'string') parts.push(header.runId);
  if (header.seed !== undefined) parts.push(`seed ${String(header.seed)}`);
  const spec = isObj(header.spec) ? header.spec : undefined;
  if (spec && isObj(spec.constants)) parts.push(Object.entries(spec.constants).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' '));
  if (typeof header.generator === 'string') parts.push(`by ${header.generator}`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** Each node's spec state at Init, as trace JSON: what a compact trace's first delta applies to. */
export function initialStatesFor(nodes: readonly number[]): Record<number, unknown> {
  const N = Math.max(0, ...nodes);
  if (N === 0 || N > 10_000) return {};
  const init = initialState({ N, Window: 1, bounds: {} });
  const out: Record<number, unknown> = {};
  for (const n of nodes) if (n >= 1 && n <= N) out[n] = nodeToJson(init, n, []);
  return out;
}

/** One trace (a file, or the part files of one run) as a ViewRun, in the order the checker replays it. */
export function readTrace(name: string, files: readonly string[], maxEvents = MAX_EVENTS): ViewRun {
  const notes = new Notes();
  // Each file may give the limit (a part file's events interleave with the others'); the merge is cut to it.
  const contents = files.map((f, i) => readFile(f, i, notes, { left: maxEvents, limit: maxEvents }));
  const events = contents.length === 1 ? contents[0]!.events : mergeByClock(contents.map((c) => c.events));
  if (contents.length > 1 && events.length > maxEvents) {
    const first = events[maxEvents]!;
    notes.add(`${files[first.file!]}:${first.line}: more than ${maxEvents} events; the rest are not shown`);
    events.length = maxEvents;
  }
  const header = contents.find((c) => c.header !== null)?.header ?? null;
  const nodes = headerNodes(header);
  const extra = new Set<number>();
  for (const e of events) if (e.node !== null && !nodes.includes(e.node)) extra.add(e.node);
  nodes.push(...[...extra].sort((a, b) => a - b));
  return {
    kind: 'trace', title: basename(name), files: [...files], nodes, events,
    initialStates: initialStatesFor(nodes.filter((n) => !extra.has(n))), notes: notes.done(),
    ...(subtitleOf(header) !== undefined ? { subtitle: subtitleOf(header) } : {}),
  };
}
