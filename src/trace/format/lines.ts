/**
 * The parsed lines of a trace, from one file or merged from per-node part files, each with
 * the file and line it came from. Problems with the input itself (not JSON, a truncated last
 * line, an empty line) are thrown as TraceInputError naming file and line.
 */
import { LineReader, LineTooLongError } from './ndjsonReader.js';

export interface Located<T = unknown> { file: string; line: number; value: T }

export class TraceInputError extends Error {
  constructor(readonly file: string, readonly line: number, message: string, readonly pointer?: string) {
    super(message);
  }
}

export function parseLine(file: string, line: number, text: string, terminated: boolean): unknown {
  // An event line starts with '{': the whitespace test is only for the rest.
  if (text.charCodeAt(0) !== 0x7b && text.trim() === '') throw new TraceInputError(file, line, 'empty line (one JSON value per line expected)');
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

/** Parsed lines, pulled one at a time (synchronous: nothing in checking a line waits). */
export interface ValueSource {
  next(): Located | null;
  /** Releases the files early (a source read to its end has closed them). */
  close(): void;
}

/**
 * The value FileValues gives for the last line of a PART file when it has no newline: the
 * process died while writing it (a writer hands each line to the OS whole, then acts), so it
 * reads as a crash of that node at its last whole event, not as an input error. In any other
 * file a truncated last line stays an error.
 */
export interface CutLine { kind: 'cut'; bytes: number }
export const isCutLine = (v: unknown): v is CutLine => typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'cut';

/** Every line of one file, parsed. */
export class FileValues implements ValueSource {
  private readonly lines: LineReader;
  /** The header (line 1) names a node: this is a part file. */
  private isPart = false;
  constructor(readonly file: string) {
    this.lines = new LineReader(file);
  }
  next(): Located | null {
    let l;
    try {
      l = this.lines.next();
    } catch (e) {
      if (e instanceof LineTooLongError) throw new TraceInputError(this.file, e.line, e.message);
      throw e;
    }
    if (l === null) return null;
    if (!l.terminated && this.isPart) {
      const cut: CutLine = { kind: 'cut', bytes: Buffer.byteLength(l.text, 'utf8') };
      return { file: this.file, line: l.line, value: cut };
    }
    const value = parseLine(this.file, l.line, l.text, l.terminated);
    if (l.line === 1) this.isPart = (value as { kind?: unknown; part?: unknown } | null)?.kind === 'header' && (value as { part?: unknown }).part !== undefined;
    return { file: this.file, line: l.line, value };
  }
  close(): void { this.lines.close(); }
}

interface Cursor { it: FileValues; head: Located | null }

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
 * linear extension of happens-before, so every receive comes after its send. Gives the
 * headers first (one per file, each file's second line read right after its header), then
 * the merged events. Memory: one pending event per file.
 */
export class MergedValues implements ValueSource {
  private readonly cursors: Cursor[] = [];
  private opening: FileValues | null = null;
  private opened = 0;
  constructor(private readonly files: readonly string[]) {}

  next(): Located | null {
    while (this.opened < this.files.length) {
      if (this.opening === null) {
        const f = this.files[this.opened]!;
        this.opening = new FileValues(f);
        const first = this.opening.next();
        if (first === null) throw new TraceInputError(f, 1, 'empty file: a trace starts with a header line');
        return first;
      }
      this.cursors.push({ it: this.opening, head: this.opening.next() });
      this.opening = null;
      this.opened++;
    }
    let best: Cursor | null = null;
    for (const c of this.cursors) if (c.head && (best === null || before(c.head, best.head!))) best = c;
    if (best === null) return null;
    const out = best.head!;
    best.head = best.it.next();
    return out;
  }

  close(): void {
    this.opening?.close();
    for (const c of this.cursors) c.it.close();
  }
}

/** The lines of a trace: its one file, or its part files merged. */
export function traceValues(files: readonly string[]): ValueSource {
  return files.length === 1 ? new FileValues(files[0]!) : new MergedValues(files);
}

async function* drain(open: () => ValueSource): AsyncGenerator<Located> {
  const src = open();
  try {
    for (let v = src.next(); v !== null; v = src.next()) yield v;
  } finally {
    src.close();
  }
}

/** Every line of one file, parsed (as an async iterable). */
export function fileValues(file: string): AsyncGenerator<Located> {
  return drain(() => new FileValues(file));
}

/** The merge of per-node part files (see MergedValues), as an async iterable. */
export function mergedValues(files: readonly string[]): AsyncGenerator<Located> {
  return drain(() => new MergedValues(files));
}
