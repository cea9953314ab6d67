import { closeSync, createWriteStream, openSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import type { FullTraceEvent, TraceEnding, TraceEvent, TraceHeader } from './types.js';
import { DeltaEncoder, namesHistory } from './deltaEncoder.js';

/**
 * Bytes buffered before a synchronous flush: bounds the writer's memory whatever the trace
 * length. Each flush joins the buffer into one string; at 256 KiB that string went to V8's
 * large-object space (fresh pages each time), and emitting an event cost about a fifth more
 * CPU than at 64 KiB (2026-12-07, this machine; ndjsonReader.ts's chunks, likewise).
 */
export const WRITE_BUFFER_BYTES = 64 * 1024;

export interface NdjsonTraceFileOptions {
  /** Write each event's state as a delta against the node's previous event. */
  readonly compact?: boolean;
  /**
   * Hand every line to the OS (one write system call) before `emit` returns: a process killed
   * with SIGKILL then leaves every event it acted on, since a host sends a step's messages only
   * after the step's event was emitted (write-ahead trace). No fsync: a process crash does not
   * lose what the OS holds; a power loss may.
   */
  readonly writeThrough?: boolean;
  /**
   * Continue an existing part file instead of creating one: no header is written, and the
   * first event carries its full `state` (the delta encoder knows nothing of the events before
   * it); a NodeRestart's may name the restored history by length, `{"historyLength": L}` (the
   * first L requests of what the node had: docs/trace-format.md, "Histories by length"). The
   * caller has cut the file to its last whole line (see partFile.ts).
   */
  readonly append?: boolean;
  /** Compact: diff whole states instead of taking the nodes' deltas (the reference path, for tests). */
  readonly fullDiff?: boolean;
}

/**
 * A trace sink for synchronous producers (role handlers emit inside a step and cannot await):
 * lines go to a bounded buffer that is flushed with a blocking write when full, so the writer
 * never holds more than WRITE_BUFFER_BYTES however long the run is; or, with `writeThrough`,
 * each line is written as it comes.
 */
export class NdjsonTraceFile {
  private fd: number;
  private buffer: string[] = [];
  private buffered = 0;
  private closed = false;
  private readonly writeThrough: boolean;
  /** Appending: the next event is written whole (see NdjsonTraceFileOptions.append). */
  private fullNext: boolean;
  events = 0;
  /** Per node: seq and clock of the last event emitted (an ending line repeats them). */
  readonly last = new Map<number, { seq: number; clock: number }>();

  private readonly encoder: DeltaEncoder | null;

  constructor(readonly path: string, header: TraceHeader, options: NdjsonTraceFileOptions = {}) {
    this.fd = openSync(path, options.append ? 'a' : 'w');
    this.encoder = options.compact ? new DeltaEncoder(header.spec.constants.N, { fullDiff: options.fullDiff === true }) : null;
    this.writeThrough = options.writeThrough === true;
    this.fullNext = options.append === true;
    if (!options.append) this.push(JSON.stringify(header));
  }

  /** The TraceSink method: one event, one line. */
  emit(event: FullTraceEvent): void {
    if (this.closed) throw new Error(`trace ${this.path} is closed`);
    this.events++;
    this.last.set(event.node, { seq: event.seq, clock: event.clock });
    let line: TraceEvent | FullTraceEvent;
    if (this.fullNext) {
      // A process started again: its first event goes out whole, and a NodeRestart's state may
      // name the restored history by length (the first L requests of what the node had before).
      this.encoder?.wroteWhole(event);
      line = event;
      if (event.action !== 'NodeRestart' && namesHistory(event.state)) {
        throw new Error(`trace ${this.path}: node ${event.node}'s ${event.action} names its history by length in a whole state, which only a NodeRestart may`);
      }
    } else {
      line = this.encoder ? this.encoder.encode(event) : event;
      if ('state' in line && line.state !== undefined && namesHistory(line.state)) {
        throw new Error(`trace ${this.path}: node ${event.node}'s ${event.action} names its history by length in a whole state (its sink must take deltas: TraceSink.takesDeltas)`);
      }
    }
    this.push(JSON.stringify(line));
    this.fullNext = false;
  }

  /** An end or crash line (part files with `part.lifecycle`); written through at once. */
  ending(line: TraceEnding): void {
    if (this.closed) throw new Error(`trace ${this.path} is closed`);
    this.push(JSON.stringify(line));
    this.flush();
  }

  private push(line: string): void {
    if (this.writeThrough) {
      writeAll(this.fd, line + '\n');
      return;
    }
    this.buffer.push(line, '\n');
    this.buffered += line.length + 1;
    if (this.buffered >= WRITE_BUFFER_BYTES) this.flush();
  }

  flush(): void {
    if (this.buffered === 0) return;
    writeAll(this.fd, this.buffer.join(''));
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

/** writeSync may write less than asked (a signal, a full disk): loop until every byte is written. */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
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
