/**
 * Runs tla-checker's check_spec_with_cfg in a worker thread, so the main thread stays free to
 * print progress and to stop a run that exceeds its time limit (tla-checker runs to completion
 * in one synchronous call and reports nothing on the way).
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

// Plain JS, evaluated in the worker: it only loads the wasm and makes the one call.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { pathToFileURL } = require('node:url');
(async () => {
  try {
    const tc = await import(pathToFileURL(workerData.js).href);
    tc.initSync({ module: readFileSync(workerData.wasm) });
    const j = workerData.job;
    const out = tc.check_spec_with_cfg(j.spec, j.cfg, '{}', j.maxStates, j.maxDepth, j.allowDeadlock, false);
    parentPort.postMessage({ ok: true, out });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String(e && e.message || e) });
  }
})();
`;

export class EmbeddedTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(timeoutMessage(timeoutMs));
    this.name = 'EmbeddedTimeout';
  }
}

/** Runs one check; calls `onTick(elapsedMs)` every `tickMs` while it runs. */
export function runEmbeddedJob(
  job: EmbeddedJob,
  opts: { timeoutMs?: number; tickMs?: number; onTick?: (elapsedMs: number) => void } = {},
): Promise<EmbeddedRawResult> {
  const started = Date.now();
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ...tlaCheckerPaths(), job } });
  return new Promise<EmbeddedRawResult>((resolve, reject) => {
    let done = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      f();
    };
    if (opts.onTick) {
      const tick = opts.onTick;
      timers.push(setInterval(() => tick(Date.now() - started), opts.tickMs ?? 10_000));
    }
    if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
      const ms = opts.timeoutMs;
      timers.push(setTimeout(() => finish(() => { void worker.terminate(); reject(new EmbeddedTimeout(ms)); }), ms));
    }
    worker.once('message', (m: { ok: boolean; out?: string; error?: string }) => {
      finish(() => {
        void worker.terminate();
        if (!m.ok || m.out === undefined) { reject(new Error(`tla-checker failed: ${m.error ?? 'no output'}`)); return; }
        try {
          resolve(JSON.parse(m.out) as EmbeddedRawResult);
        } catch {
          reject(new Error(`tla-checker returned unreadable output: ${m.out.slice(0, 200)}`));
        }
      });
    });
    worker.once('error', (e) => finish(() => reject(new Error(`tla-checker crashed: ${e.message}`))));
    worker.once('exit', (code) => finish(() => reject(new Error(`tla-checker worker exited with code ${code} before answering`))));
  });
}
