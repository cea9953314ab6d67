/**
 * Checking many traces on several cores: a pool of worker threads, each checking whole
 * traces (a trace's events depend on each other, traces do not). Verdicts come back in the
 * order of the inputs, whatever order the workers finish in.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type CheckOptions, type TraceInput, type TraceVerdict, checkTrace } from './check.js';

/** The options a worker can receive (no functions, no compiled schemas). */
export type PoolCheckOptions = Pick<CheckOptions, 'fast' | 'historyWindow' | 'embedded' | 'embeddedMaxEvents' | 'embeddedWindows' | 'leaderChanges' | 'coverage' | 'noClient' | 'schemaOnly' | 'specPath'>;

export interface PoolRequest { id: number; input: TraceInput; options: PoolCheckOptions }
export type PoolReply = { progress: number } | { id: number; verdict: TraceVerdict } | { id: number; error: string };

export interface PoolOptions {
  /** Worker threads; 1 or fewer: check in this thread. Default: the machine's available parallelism. */
  workers?: number;
  /** Called with each verdict, in input order. */
  onVerdict?: (v: TraceVerdict, input: TraceInput) => void;
  /** Events checked so far, in increments (any worker). */
  onEvents?: (count: number) => void;
}

export const defaultWorkers = (): number => availableParallelism();

/** The checker itself could not run on a trace (not a verdict on it). */
export class CheckerError extends Error {
  constructor(readonly input: TraceInput, readonly reason: string) {
    super(`cannot check ${input.name}: ${reason}`);
  }
}

/** The worker module next to this one: .ts when running from source (tsx), .js once built. */
function workerUrl(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './checkWorker.ts' : './checkWorker.js', import.meta.url);
}

/**
 * A checker allocates a short-lived key or copy per message it replays; a young generation
 * larger than V8's default lets more of them die young instead of being promoted. On the
 * 1,000,312-event corpus of bench:traces, 2 workers: 12.3-12.5 s against 14.0-15.5 s with V8's
 * default (96 MB: no better), for about 40 MB more per worker.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 48 };

function startWorker(): Worker {
  const url = workerUrl();
  const resourceLimits = WORKER_LIMITS;
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { resourceLimits });
  // From source, the worker loads the module through tsx's API: loader hooks given to this
  // thread (tsx, vitest) do not reach a worker's entry module on Node 20.
  const api = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(import.meta.url)}))`, { eval: true, resourceLimits });
}

interface Job { id: number; input: TraceInput; options: PoolCheckOptions; resolve: (v: TraceVerdict) => void; reject: (e: Error) => void }

/**
 * A pool of worker threads that stays up for many traces: check() queues a trace and
 * resolves with its verdict, so a producer (a simulator writing traces) can keep going while
 * workers check. With one worker or fewer it checks in this thread, synchronously.
 */
export class TracePool {
  private readonly idle: Worker[] = [];
  private readonly threads: Worker[] = [];
  private readonly queue: Job[] = [];
  private readonly running = new Map<Worker, Job>();
  private nextId = 0;
  private broken: Error | null = null;

  constructor(readonly workers: number = defaultWorkers(), private readonly onEvents?: (count: number) => void) {
    for (let k = 0; k < (workers > 1 ? workers : 0); k++) {
      const w = startWorker();
      this.threads.push(w);
      this.idle.push(w);
      w.on('message', (m: PoolReply) => this.reply(w, m));
      w.on('error', (e) => this.fail(e));
      // A worker stays up until close(): any end before it is a failure, whatever its code (one
      // ended before it came online exits with 0, holding the trace it was sent).
      w.on('exit', (code) => { if (!this.closing) this.fail(new Error(`a trace-checking worker exited with code ${code}`)); });
    }
  }

  check(input: TraceInput, options: PoolCheckOptions = {}): Promise<TraceVerdict> {
    if (this.threads.length === 0) {
      return checkTrace(input, { ...options, ...(this.onEvents ? { onEvents: this.onEvents } : {}) })
        .catch((e: unknown) => Promise.reject(new CheckerError(input, (e as Error).message)));
    }
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, input, options, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.running.set(w, job);
      w.postMessage({ id: job.id, input: job.input, options: job.options } satisfies PoolRequest);
    }
  }

  private reply(w: Worker, m: PoolReply): void {
    if ('progress' in m) { this.onEvents?.(m.progress); return; }
    // A verdict that comes after the pool failed: its trace was rejected with the failure.
    const job = this.running.get(w);
    if (job === undefined) return;
    this.running.delete(w);
    this.idle.push(w);
    if ('error' in m) job.reject(new CheckerError(job.input, m.error));
    else job.resolve(m.verdict);
    this.dispatch();
  }

  private fail(e: Error): void {
    if (this.broken) return;
    this.broken = e;
    for (const job of [...this.running.values(), ...this.queue]) job.reject(e);
    this.running.clear();
    this.queue.length = 0;
  }

  private closing = false;
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.map((w) => w.terminate()));
  }
}

/**
 * Checks every input and returns the verdicts in input order (each also given to onVerdict as
 * soon as the verdicts before it are in). Rejects with a CheckerError if the checker itself
 * cannot run.
 */
export async function checkTraces(inputs: readonly TraceInput[], options: PoolCheckOptions, pool: PoolOptions = {}): Promise<TraceVerdict[]> {
  const workers = Math.min(pool.workers ?? defaultWorkers(), inputs.length);
  const p = new TracePool(workers, pool.onEvents);
  try {
    if (workers <= 1) {
      // In this thread: one trace at a time, each verdict delivered as it comes.
      const out: TraceVerdict[] = [];
      for (const input of inputs) {
        const v = await p.check(input, options);
        pool.onVerdict?.(v, input);
        out.push(v);
      }
      return out;
    }
    const pending = inputs.map((input) => p.check(input, options));
    // Every promise gets a handler now: one failing early must not be an unhandled rejection.
    for (const x of pending) x.catch(() => undefined);
    const out: TraceVerdict[] = [];
    for (let i = 0; i < inputs.length; i++) {
      const v = await pending[i]!;
      pool.onVerdict?.(v, inputs[i]!);
      out.push(v);
    }
    return out;
  } finally {
    await p.close();
  }
}
