import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

/** One line of an NDJSON file, numbered from 1. `terminated` is false only for a last line with no newline. */
export interface NdjsonLine {
  line: number;
  text: string;
  terminated: boolean;
}

/** Longest line accepted (a node's state grows with the log; 64 MiB is far beyond any sane step). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export class LineTooLongError extends Error {
  constructor(readonly line: number) {
    super(`line ${line} is longer than ${MAX_LINE_BYTES} bytes`);
  }
}

/**
 * Streams the lines of a readable (or a file): holds at most one chunk plus one partial
 * line, so memory does not grow with the file. Empty lines are yielded too (the checker
 * rejects them with their line number).
 */
export async function* readLines(source: string | Readable): AsyncGenerator<NdjsonLine> {
  const stream = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 20 }) : source;
  let partial = '';
  let lineNo = 0;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for await (const chunk of stream) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true });
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      let piece = text.slice(start, nl);
      if (partial.length > 0) { piece = partial + piece; partial = ''; }
      if (piece.endsWith('\r')) piece = piece.slice(0, -1);
      lineNo++;
      yield { line: lineNo, text: piece, terminated: true };
      start = nl + 1;
    }
    partial += text.slice(start);
    if (partial.length > MAX_LINE_BYTES) throw new LineTooLongError(lineNo + 1);
  }
  partial += decoder.decode();
  if (partial.length > 0) {
    lineNo++;
    yield { line: lineNo, text: partial, terminated: false };
  }
}
