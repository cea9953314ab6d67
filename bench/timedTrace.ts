/**
 * bench:sim's trace of a long run (`--trace-dir`): one compact NDJSON file, written the way the
 * simulator's other traced runs write theirs (src/trace/runs/simTrace.ts: a header, then every
 * node's events in the order the simulator runs them, each state a delta), and the writer's
 * time per event by tenth of the run. That time is the sink's share only (delta encoding, JSON,
 * buffered writes); what a node spends building its events shows in the run's CPU per request,
 * compared with the same run untraced.
 */
import { statSync } from 'node:fs';
import type { TraceEvent as NodeTraceEvent } from '../src/node/api.js';
import { NdjsonTraceFile } from '../src/trace/format/ndjsonWriter.js';
import type { FullTraceEvent, TraceHeader } from '../src/trace/format/types.js';

/** One tenth of the run as the trace writer saw it. */
export interface TraceTenth {
  readonly events: number;
  /** Time inside the sink (encode, stringify, write) for this tenth's events, in ms. */
  readonly emitMs: number;
  /** Bytes the file grew by in this tenth. */
  readonly bytes: number;
  /** Median time of one event in the sink, in ms (from a log-scale histogram: within 10%). */
  readonly medianMs: number;
}

/**
 * Emit times as a histogram with buckets 10% wide, so a tenth's median costs no memory per event:
 * the mean alone hides whether a few history-sized lines (a Welcome, a restart's full state)
 * or every event got dearer.
 */
class TimeHistogram {
  private static readonly STEP = Math.log(1.1);
  private static readonly FLOOR_MS = 1e-4; // 0.1 µs: below performance.now()'s resolution
  private counts: number[] = [];
  private n = 0;

  add(ms: number): void {
    const i = Math.max(0, Math.floor(Math.log(Math.max(ms, TimeHistogram.FLOOR_MS) / TimeHistogram.FLOOR_MS) / TimeHistogram.STEP));
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.n++;
  }

  /** The upper bound of the bucket holding the median; 0 when empty. */
  median(): number {
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen * 2 >= this.n && this.n > 0) return TimeHistogram.FLOOR_MS * Math.exp((i + 1) * TimeHistogram.STEP);
    }
    return 0;
  }

  reset(): void {
    this.counts = [];
    this.n = 0;
  }
}

export class TimedTraceFile {
  private readonly file: NdjsonTraceFile;
  private events = 0;
  private emitMs = 0;
  private bytesBefore = 0;
  private readonly times = new TimeHistogram();
  readonly tenths: TraceTenth[] = [];

  constructor(readonly path: string, header: TraceHeader) {
    this.file = new NdjsonTraceFile(path, header, { compact: true });
  }

  /** The TraceSink every node is given: the compact writer takes the nodes' deltas (replicas keep no history). */
  readonly sink = Object.assign((event: NodeTraceEvent): void => {
    const t0 = performance.now();
    this.file.emit(event as unknown as FullTraceEvent);
    const ms = performance.now() - t0;
    this.emitMs += ms;
    this.times.add(ms);
    this.events++;
  }, { takesDeltas: true });

  /** Closes the current tenth (flushing, so its bytes are on disk and counted). */
  endTenth(): void {
    this.file.flush();
    const bytes = statSync(this.path).size;
    this.tenths.push({ events: this.events, emitMs: this.emitMs, bytes: bytes - this.bytesBefore, medianMs: this.times.median() });
    this.times.reset();
    this.events = 0;
    this.emitMs = 0;
    this.bytesBefore = bytes;
  }

  get totalEvents(): number {
    return this.file.events;
  }

  close(): void {
    this.file.close();
  }

  /** The whole file's size in bytes (after close). */
  get bytes(): number {
    return statSync(this.path).size;
  }
}
