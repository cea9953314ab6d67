/**
 * Checking many traces on several cores: a pool of worker threads, each checking whole
 * traces (a trace's events depend on each other, traces do not). Verdicts come back in the
 * order of the inputs, whatever order the workers finish in.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type CheckOptions, type TraceInput, type TraceVerdict, checkTraceSync } from './check.js';

/** The options a worker can receive (no functions, no compiled schemas). */
export type PoolCheckOptions = Pick<CheckOptions, 'fast' | 'embedded' | 'embeddedMaxEvents' | 'schemaOnly' | 'specPath'>;

export interface PoolRequest { id: number; input: TraceInput; options: PoolCheckOptions }
export type PoolReply = { progress: number } | { id: number; verdict: TraceVerdict } | { id: number; error: string };

export interface PoolOptions {
  /** Worker threads; 0 or 1 checks in this thread. Default: the machine's available parallelism. */
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

function startWorker(): Worker {
  const url = workerUrl();
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  // From source, the worker loads the module through tsx's API: loader hooks given to this
  // thread (tsx, vitest) do not reach a worker's entry module on Node 20.
  const api = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(import.meta.url)}))`, { eval: true });
}

/**
 * Checks every input and returns the verdicts in input order. Throws (after stopping the
 * workers) if the checker itself cannot run.
 */
export async function checkTraces(inputs: readonly TraceInput[], options: PoolCheckOptions, pool: PoolOptions = {}): Promise<TraceVerdict[]> {
  const workers = Math.min(pool.workers ?? defaultWorkers(), inputs.length);
  const verdicts: (TraceVerdict | undefined)[] = new Array(inputs.length);
  let delivered = 0;
  const deliver = (): void => {
    while (delivered < inputs.length && verdicts[delivered] !== undefined) {
      pool.onVerdict?.(verdicts[delivered]!, inputs[delivered]!);
      delivered++;
    }
  };
  if (workers <= 1) {
    for (let i = 0; i < inputs.length; i++) {
      try {
        verdicts[i] = checkTraceSync(inputs[i]!, { ...options, ...(pool.onEvents ? { onEvents: pool.onEvents } : {}) });
      } catch (e) {
        throw new CheckerError(inputs[i]!, (e as Error).message);
      }
      deliver();
    }
    return verdicts as TraceVerdict[];
  }
  let next = 0;
  const threads: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      const feed = (w: Worker): void => {
        if (next >= inputs.length) { if (running === 0) resolve(); return; }
        const id = next++;
        running++;
        w.postMessage({ id, input: inputs[id]!, options } satisfies PoolRequest);
      };
      for (let k = 0; k < workers; k++) {
        const w = startWorker();
        threads.push(w);
        w.on('message', (m: PoolReply) => {
          if ('progress' in m) { pool.onEvents?.(m.progress); return; }
          running--;
          if ('error' in m) { reject(new CheckerError(inputs[m.id]!, m.error)); return; }
          verdicts[m.id] = m.verdict;
          deliver();
          feed(w);
        });
        w.on('error', reject);
        w.on('exit', (code) => { if (code !== 0) reject(new Error(`a trace-checking worker exited with code ${code}`)); });
        feed(w);
      }
    });
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
  return verdicts as TraceVerdict[];
}
