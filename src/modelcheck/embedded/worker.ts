/**
 * Runs tla-checker in a worker thread, so the main thread stays free to print progress and to
 * stop a run that exceeds its time limit (tla-checker runs to completion in one synchronous
 * call and reports nothing on the way). Idle workers are kept between runs (starting one and
 * loading the wasm costs more than checking a small model); a worker that times out is
 * terminated and replaced. Several jobs may run at once, one worker each.
 *
 * The run asks for the full state graph (DOT, every state and every labelled transition, about
 * 15% slower than a plain check): the worker counts the transitions of each action in it (the
 * action coverage tla-checker does not otherwise report) and, when asked, saves the graph for
 * tools that compare every reachable state (npm run conformance). The graph itself is not sent
 * back: it is tens of megabytes on the CI models.
 */
import { Worker } from 'node:worker_threads';
import { trackWorker } from '../shared/processes.js';
import { timeoutMessage } from '../shared/types.js';
import { tlaCheckerPaths } from './wasm.js';

export interface EmbeddedRawResult {
  success: boolean;
  error_type: string | null;
  error_message: string | null;
  states_explored: number;
  trace: string[] | null;
  warnings?: unknown[];
  /** Transitions of each action in the state graph (distinct (action, successor) pairs per state). */
  actions?: Record<string, number>;
}

export interface EmbeddedJob {
  spec: string;
  cfg: string;
  maxStates: number;
  maxDepth: number;
  allowDeadlock: boolean;
  /** Ask for the state graph and count each action's transitions (default true). */
  graph?: boolean;
  /** Save tla-checker's full state graph (DOT) to this file. */
  graphFile?: string;
}

// Plain JS, evaluated in the worker: it loads the wasm once and answers one job per message.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync, writeFileSync } = require('node:fs');
const { pathToFileURL } = require('node:url');
const ready = import(pathToFileURL(workerData.js).href).then((tc) => {
  tc.initSync({ module: readFileSync(workerData.wasm) });
  return tc;
});
parentPort.on('message', async (j) => {
  try {
    const tc = await ready;
    const options = { cfg_source: j.cfg, max_states: j.maxStates, max_depth: j.maxDepth,
      allow_deadlock: j.allowDeadlock, export_dot: j.graph !== false, dot_mode: 'full' };
    const r = JSON.parse(tc.check_spec_with_options(j.spec, JSON.stringify(options)));
    if (typeof r.dot === 'string') {
      // An edge line: '  s12 -> s40 [label="ActionName"];'
      const actions = {};
      for (const m of r.dot.matchAll(/^  s\\d+ -> s\\d+ \\[label="([^"]*)"\\];$/gm)) actions[m[1]] = (actions[m[1]] || 0) + 1;
      r.actions = actions;
      if (j.graphFile) writeFileSync(j.graphFile, r.dot);
    }
    delete r.dot;
    parentPort.postMessage({ ok: true, out: JSON.stringify(r) });
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

/** Idle workers kept for the next runs (unref'd: they never keep the process alive). */
const idle: Worker[] = [];
const MAX_IDLE = 4;

function newWorker(): Worker {
  const w = new Worker(WORKER_SOURCE, { eval: true, workerData: tlaCheckerPaths() });
  trackWorker(w);
  return w;
}

function takeWorker(): Worker {
  const w = idle.pop() ?? newWorker();
  w.removeAllListeners('exit');
  w.ref();
  return w;
}

function release(w: Worker): void {
  w.removeAllListeners('message');
  w.removeAllListeners('error');
  w.removeAllListeners('exit');
  w.unref();
  if (idle.length < MAX_IDLE) {
    idle.push(w);
    w.once('exit', () => { const i = idle.indexOf(w); if (i >= 0) idle.splice(i, 1); });
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
