/**
 * The parsed lines of a trace, from one file or merged from per-node part files, each with
 * the file and line it came from. Problems with the input itself (not JSON, a truncated last
 * line, an empty line) are thrown as TraceInputError naming file and line.
 */
import { readLines } from './ndjsonReader.js';

export interface Located<T = unknown> { file: string; line: number; value: T }

export class TraceInputError extends Error {
  constructor(readonly file: string, readonly line: number, message: string, readonly pointer?: string) {
    super(message);
  }
}

export function parseLine(file: string, line: number, text: string, terminated: boolean): unknown {
  if (text.trim() === '') throw new TraceInputError(file, line, 'empty line (one JSON value per line expected)');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    if (!terminated) throw new TraceInputError(file, line, 'truncated last line: it is not complete JSON and has no newline');
    throw new TraceInputError(file, line, `not JSON: ${(e as Error).message}`);
  }
  if (!terminated) throw new TraceInputError(file, line, 'truncated last line: no newline at the end of the file');
  return value;
}

/** Every line of one file, parsed. */
export async function* fileValues(file: string): AsyncGenerator<Located> {
  for await (const l of readLines(file)) yield { file, line: l.line, value: parseLine(file, l.line, l.text, l.terminated) };
}

interface Cursor { it: AsyncGenerator<Located>; head: Located | null }

const order = (v: unknown): [number, number, number] => {
  const e = v as { clock?: unknown; node?: unknown; seq?: unknown };
  const num = (x: unknown): number => (typeof x === 'number' ? x : Number.MAX_SAFE_INTEGER);
  return [num(e.clock), num(e.node), num(e.seq)];
};
const before = (a: Located, b: Located): boolean => {
  const x = order(a.value); const y = order(b.value);
  return x[0] !== y[0] ? x[0] < y[0] : x[1] !== y[1] ? x[1] < y[1] : x[2] < y[2];
};

/**
 * Merges per-node traces (each file: a header, then that node's events in its own order)
 * into one sequence ordered by Lamport clock, ties broken by node id. A Lamport order is a
 * linear extension of happens-before, so every receive comes after its send. Yields the
 * headers first (one per file), then the merged events. Memory: one pending event per file.
 */
export async function* mergedValues(files: readonly string[]): AsyncGenerator<Located> {
  const cursors: Cursor[] = [];
  for (const f of files) {
    const it = fileValues(f);
    const first = await it.next();
    if (first.done) throw new TraceInputError(f, 1, 'empty file: a trace starts with a header line');
    yield first.value;
    const second = await it.next();
    cursors.push({ it, head: second.done ? null : second.value });
  }
  for (;;) {
    let best: Cursor | null = null;
    for (const c of cursors) if (c.head && (best === null || before(c.head, best.head!))) best = c;
    if (best === null) return;
    const out = best.head!;
    const next = await best.it.next();
    best.head = next.done ? null : next.value;
    yield out;
  }
}
