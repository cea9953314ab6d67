import { closeSync, createWriteStream, openSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import type { TraceEvent, TraceHeader } from './types.js';
import { DeltaEncoder } from './deltaEncoder.js';

/** Bytes buffered before a synchronous flush: bounds the writer's memory whatever the trace length. */
export const WRITE_BUFFER_BYTES = 256 * 1024;

/**
 * A trace sink for synchronous producers (role handlers emit inside a step and cannot await):
 * lines go to a bounded buffer that is flushed with a blocking write when full, so the writer
 * never holds more than WRITE_BUFFER_BYTES however long the run is.
 */
export class NdjsonTraceFile {
  private fd: number;
  private buffer: string[] = [];
  private buffered = 0;
  private closed = false;
  events = 0;

  private readonly encoder: DeltaEncoder | null;

  /** `compact`: write each event's state as a delta against the node's previous event. */
  constructor(readonly path: string, header: TraceHeader, options: { compact?: boolean } = {}) {
    this.fd = openSync(path, 'w');
    this.encoder = options.compact ? new DeltaEncoder(header.spec.constants.N) : null;
    this.push(JSON.stringify(header));
  }

  /** The TraceSink method: one event, one line. */
  emit(event: TraceEvent): void {
    if (this.closed) throw new Error(`trace ${this.path} is closed`);
    this.events++;
    this.push(JSON.stringify(this.encoder ? this.encoder.encode(event) : event));
  }

  private push(line: string): void {
    this.buffer.push(line, '\n');
    this.buffered += line.length + 1;
    if (this.buffered >= WRITE_BUFFER_BYTES) this.flush();
  }

  flush(): void {
    if (this.buffered === 0) return;
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.buffered = 0;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    this.closed = true;
  }
}

/**
 * Writes a trace from an async source through fs.createWriteStream, awaiting 'drain' whenever
 * the stream's buffer is full: the producer is paused instead of the trace piling up in memory.
 */
export async function writeTraceStream(
  path: string,
  header: TraceHeader,
  events: AsyncIterable<TraceEvent> | Iterable<TraceEvent>,
): Promise<number> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  let count = 0;
  const write = async (line: string): Promise<void> => {
    if (!out.write(line + '\n')) await once(out, 'drain');
  };
  try {
    await write(JSON.stringify(header));
    for await (const ev of events) {
      await write(JSON.stringify(ev));
      count++;
    }
  } finally {
    out.end();
    await once(out, 'finish');
  }
  return count;
}
