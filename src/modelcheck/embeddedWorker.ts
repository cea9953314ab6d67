/**
 * Runs tla-checker's check_spec_with_cfg in a worker thread, so the main thread stays free to
 * print progress and to stop a run that exceeds its time limit (tla-checker runs to completion
 * in one synchronous call and reports nothing on the way). One worker is kept between runs
 * (starting one and loading the wasm costs more than checking a small model); a worker that
 * times out is terminated and replaced.
 */
import { Worker } from 'node:worker_threads';
import { timeoutMessage } from './types.js';
import { tlaCheckerPaths } from './wasm.js';

export interface EmbeddedRawResult {
  success: boolean;
  error_type: string | null;
  error_message: string | null;
  states_explored: number;
  trace: string[] | null;
  warnings?: unknown[];
}

export interface EmbeddedJob {
  spec: string;
  cfg: string;
  maxStates: number;
  maxDepth: number;
  allowDeadlock: boolean;
}

// Plain JS, evaluated in the worker: it loads the wasm once and answers one job per message.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { pathToFileURL } = require('node:url');
const ready = import(pathToFileURL(workerData.js).href).then((tc) => {
  tc.initSync({ module: readFileSync(workerData.wasm) });
  return tc;
});
parentPort.on('message', async (j) => {
  try {
    const tc = await ready;
    const out = tc.check_spec_with_cfg(j.spec, j.cfg, '{}', j.maxStates, j.maxDepth, j.allowDeadlock, false);
    parentPort.postMessage({ ok: true, out });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String((e && e.message) || e) });
  }
});
`;

export class EmbeddedTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(timeoutMessage(timeoutMs));
    this.name = 'EmbeddedTimeout';
  }
}

/** The idle worker kept for the next run (unref'd: it never keeps the process alive). */
let idle: Worker | undefined;

function takeWorker(): Worker {
  const w = idle ?? new Worker(WORKER_SOURCE, { eval: true, workerData: tlaCheckerPaths() });
  idle = undefined;
  w.ref();
  return w;
}

function release(w: Worker): void {
  w.removeAllListeners('message');
  w.removeAllListeners('error');
  w.removeAllListeners('exit');
  w.unref();
  if (idle === undefined) {
    idle = w;
    w.once('exit', () => { if (idle === w) idle = undefined; });
  } else {
    void w.terminate();
  }
}

/** Runs one check; calls `onTick(elapsedMs)` every `tickMs` while it runs. */
export function runEmbeddedJob(
  job: EmbeddedJob,
  opts: { timeoutMs?: number; tickMs?: number; onTick?: (elapsedMs: number) => void } = {},
): Promise<EmbeddedRawResult> {
  const started = Date.now();
  const worker = takeWorker();
  return new Promise<EmbeddedRawResult>((resolve, reject) => {
    let done = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (keepWorker: boolean, f: () => void) => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      if (keepWorker) release(worker);
      else void worker.terminate();
      f();
    };
    if (opts.onTick) {
      const tick = opts.onTick;
      timers.push(setInterval(() => tick(Date.now() - started), opts.tickMs ?? 10_000));
    }
    if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
      const ms = opts.timeoutMs;
      timers.push(setTimeout(() => finish(false, () => reject(new EmbeddedTimeout(ms))), ms));
    }
    worker.once('message', (m: { ok: boolean; out?: string; error?: string }) => {
      // After a wasm panic the instance may be broken: do not keep that worker.
      finish(m.ok, () => {
        if (!m.ok || m.out === undefined) { reject(new Error(`tla-checker failed: ${m.error ?? 'no output'}`)); return; }
        try {
          resolve(JSON.parse(m.out) as EmbeddedRawResult);
        } catch {
          reject(new Error(`tla-checker returned unreadable output: ${m.out.slice(0, 200)}`));
        }
      });
    });
    worker.once('error', (e) => finish(false, () => reject(new Error(`tla-checker crashed: ${e.message}`))));
    worker.once('exit', (code) => finish(false, () => reject(new Error(`tla-checker worker exited with code ${code} before answering`))));
    worker.postMessage(job);
  });
}
