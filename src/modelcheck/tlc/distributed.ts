/**
 * Distributed TLC: one `tlc2.tool.distributed.TLCServer` holds the model, the state queue and
 * (by default) the fingerprint set; `tlc2.tool.distributed.TLCWorker` processes, on this
 * machine or on others, fetch states from it over Java RMI and send back their successors.
 * With `fpSets`, every worker process is a `tlc2.tool.distributed.fp.TLCWorkerAndFPSet` and
 * also holds one part of the fingerprint set (`TLCServer.expectedFPSetCount` of them).
 *
 * The class names, system properties and messages are those of TLC's sources
 * (tlc2/tool/distributed/TLCServer.java, TLCWorker.java, TLCApp.java, fp/DistributedFPSet.java).
 * Two things differ from tlc2.TLC: TLCApp ignores the cfg's CHECK_DEADLOCK (it takes
 * `-deadlock` on the command line), and the server prints a counterexample without saying
 * what it violates (counterexampleNaming.ts names it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { TlcConfig } from '../cfg/cfg.js';
import { nameCounterexample } from './counterexampleNaming.js';
import { flattenModule } from '../tla/flatten.js';
import { startJava, type JavaProcess } from './javaProcess.js';
import { TlcOutputReader } from './output.js';
import { tlcResult } from './result.js';
import { makeScratch } from './scratch.js';
import type { TlcSetup } from './setup.js';
import type { ModelResult, Progress } from '../shared/types.js';

/** TLC's default RMI registry port (TLCServer.Port). */
export const TLC_SERVER_DEFAULT_PORT = 10997;

/** How often the server prints progress (TLCServer.report, ms; TLC's default is a minute, which is also the least a run takes). */
export const SERVER_REPORT_MS = 5_000;

/** After every worker is gone, how long the server gets to finish on its own before it is stopped. */
const WORKERS_GONE_GRACE_MS = 10_000;

/** After the server printed "Finished", how long it gets to exit (it unexports its RMI objects). */
const SERVER_EXIT_GRACE_MS = 10_000;

export interface DistributedRequest {
  model: string;
  moduleName: string;
  moduleText: string;
  specDir?: string;
  cfgText: string;
  cfg: TlcConfig;
  setup: TlcSetup;
  /** Worker processes started on this machine. */
  localWorkers: number;
  /** Hosts where one worker each is started over ssh. */
  workerHosts: string[];
  /** The address workers reach the server at. */
  serverHost?: string;
  port?: number;
  fpSets: boolean;
  /** Worker threads per worker process ("auto": TLC's default, one per core of that host). */
  workerThreads?: string;
  /** The ssh program (for workerHosts). */
  ssh?: string;
  timeoutMs?: number;
  onProgress?: (p: Progress) => void;
  /** Each line a worker prints (its output is not part of the result). */
  onWorkerLine?: (worker: string, line: string) => void;
  /** After every worker is gone, how long the server gets to finish before it is stopped (default 10 s). */
  workersGoneGraceMs?: number;
}

/** The address workers use: loopback when every worker is on this machine, else this machine's name. */
export function defaultServerHost(workerHosts: readonly string[]): string {
  return workerHosts.length === 0 ? '127.0.0.1' : hostname();
}

const jvm = ['-XX:+UseParallelGC'];

/** The server's command line (java arguments); `cfgFile` and `metadir` are in the scratch directory. */
export function serverArgs(req: Pick<DistributedRequest, 'moduleName' | 'cfg' | 'fpSets'> & { jar: string; serverHost: string; port: number; workers: number; cfgFile: string; metadir: string }): string[] {
  const props = [
    `-Djava.rmi.server.hostname=${req.serverHost}`,
    `-Dtlc2.tool.distributed.TLCServer.port=${req.port}`,
    `-Dtlc2.tool.distributed.TLCServer.report=${SERVER_REPORT_MS}`,
  ];
  if (req.fpSets) props.push(`-Dtlc2.tool.distributed.TLCServer.expectedFPSetCount=${req.workers}`);
  const args = [...jvm, ...props, '-cp', req.jar, 'tlc2.tool.distributed.TLCServer', '-tool'];
  // TLCApp reads deadlock checking from -deadlock only, never from the cfg.
  if (req.cfg.checkDeadlock === false) args.push('-deadlock');
  args.push('-config', req.cfgFile, '-metadir', req.metadir, req.moduleName);
  return args;
}

/** A worker's command line: `ownHost` is the address the server calls it back at. */
export function workerArgs(req: { jar: string; serverHost: string; port: number; fpSets: boolean; threads?: string; ownHost: string }): string[] {
  const props = [`-Djava.rmi.server.hostname=${req.ownHost}`, `-Dtlc2.tool.distributed.TLCServer.port=${req.port}`];
  if (req.threads !== undefined && req.threads !== 'auto') props.push(`-Dtlc2.tool.distributed.TLCWorker.threadCount=${req.threads}`);
  const main = req.fpSets ? 'tlc2.tool.distributed.fp.TLCWorkerAndFPSet' : 'tlc2.tool.distributed.TLCWorker';
  return [...jvm, ...props, '-cp', req.jar, main, req.serverHost];
}

/** One word for a POSIX shell (ssh runs the remote command through one). */
function shellWord(w: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** ssh arguments that start a worker on `host` (`user@host` or `host`), with the same java and jar paths there. */
export function sshArgs(host: string, java: string, args: string[]): string[] {
  return ['-o', 'BatchMode=yes', host, ['exec', java, ...args].map(shellWord).join(' ')];
}

/** A TLC build whose fingerprint set is no longer an RMI object cannot run distributed. */
const NOT_SERIALIZABLE_FPSET = /NotSerializableException: tlc2\.tool\.fp\./;

export const UNUSABLE_BUILD_MESSAGE = 'this TLC build cannot run distributed: its workers fail with java.io.NotSerializableException on '
  + 'tlc2.tool.fp.MultiFPSet (TLC commit 6fde5a9e, February 2026, made FPSet a plain object instead of an RMI '
  + 'one; the v1.8.0 jars built since then have it). Use a tla2tools.jar built from a commit before it (e.g. '
  + 'db727a73) or v1.7.4';

interface Worker {
  name: string;
  proc: JavaProcess;
  lines: string[];
  exited: boolean;
}

/** Lines of a stream, as they complete. */
function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let partial = '';
  return (chunk) => {
    const parts = (partial + chunk).split(/\r?\n/);
    partial = parts.pop() ?? '';
    for (const l of parts) onLine(l);
  };
}

export async function checkTlcDistributed(req: DistributedRequest): Promise<ModelResult> {
  const started = Date.now();
  const scratch = makeScratch(req.moduleName, req.moduleText, req.cfgText, req.specDir);
  const workers: Worker[] = [];
  try {
    const serverHost = req.serverHost ?? defaultServerHost(req.workerHosts);
    const port = req.port ?? TLC_SERVER_DEFAULT_PORT;
    const nWorkers = req.localWorkers + req.workerHosts.length;
    let serverFinished = false;
    let stopReason: string | undefined;
    const reader = new TlcOutputReader({
      onProgress: (p) => req.onProgress?.({ engine: 'tlc', elapsedMs: Date.now() - started, ...p }),
      onMessage: (m) => { if (m.code === 2186) serverFinished = true; },
    });
    const server = startJava(req.setup.java, serverArgs({
      moduleName: req.moduleName, cfg: req.cfg, fpSets: req.fpSets, jar: req.setup.jar, serverHost, port,
      workers: nWorkers, cfgFile: scratch.cfgFile, metadir: join(scratch.dir, 'states'),
    }), { cwd: scratch.dir, onStdout: (c) => reader.push(c), timeoutMs: req.timeoutMs });

    // Workers retry until the server's registry is up, so they start right away (with
    // distributed fingerprint sets the server even waits for them before it computes Init).
    const startWorker = (name: string, java: string, args: string[]) => {
      const w: Worker = { name, lines: [], exited: false, proc: undefined as unknown as JavaProcess };
      w.proc = startJava(java, args, {
        cwd: scratch.dir,
        onStdout: lineSplitter((l) => {
          if (w.lines.length < 200) w.lines.push(l);
          req.onWorkerLine?.(name, l);
          // Such a build never gets going (a worker that also holds a fingerprint set would wait forever): stop now.
          if (NOT_SERIALIZABLE_FPSET.test(l) && stopReason === undefined) {
            stopReason = UNUSABLE_BUILD_MESSAGE;
            server.stop();
          }
        }),
      });
      void w.proc.done.then((run) => {
        w.exited = true;
        for (const l of run.stderr.split('\n').filter((x) => x !== '').slice(0, 50)) w.lines.push(l);
      });
      workers.push(w);
    };
    for (let i = 0; i < req.localWorkers; i++) {
      startWorker(`local worker ${i + 1}`, req.setup.java, workerArgs({ jar: req.setup.jar, serverHost, port, fpSets: req.fpSets, threads: req.workerThreads, ownHost: serverHost }));
    }
    for (const host of req.workerHosts) {
      const ownHost = host.replace(/^.*@/, '');
      const args = workerArgs({ jar: req.setup.jar, serverHost, port, fpSets: req.fpSets, threads: req.workerThreads, ownHost });
      startWorker(`worker on ${host}`, req.ssh ?? 'ssh', sshArgs(host, req.setup.java, args));
    }

    // Watch for workers that are all gone while the server still waits for them, and for a
    // server that finished but does not exit.
    const watch = setInterval(() => {
      if (serverFinished) {
        setTimeout(() => server.stop(), SERVER_EXIT_GRACE_MS).unref();
        clearInterval(watch);
        return;
      }
      if (workers.length > 0 && workers.every((w) => w.exited) && stopReason === undefined) {
        stopReason = 'every worker exited before the server finished';
        setTimeout(() => { if (!serverFinished) server.stop(); }, req.workersGoneGraceMs ?? WORKERS_GONE_GRACE_MS).unref();
      }
    }, 200);
    const run = await server.done;
    clearInterval(watch);
    for (const w of workers) w.proc.stop();
    await Promise.all(workers.map((w) => w.proc.done));

    const outcome = reader.finish(run.code, run.stderr);
    const result = tlcResult(outcome, run, {
      model: req.model, mode: 'distributed', java: req.setup.java, startedAt: started, timeoutMs: req.timeoutMs, realPath: scratch.realPath,
    });
    if (outcome.unnamedCounterexample && outcome.counterexample) nameViolation(result, req);
    if (result.verdict === 'pass' || serverFinished) return result;
    // The run failed before the server finished: the workers usually say why.
    const said = workers.flatMap((w) => w.lines.map((l) => `${w.name}: ${l}`));
    if (said.some((l) => NOT_SERIALIZABLE_FPSET.test(l))) {
      result.verdict = 'error';
      result.errorKind = 'distributed';
      result.message = UNUSABLE_BUILD_MESSAGE;
    } else if (stopReason !== undefined && !run.timedOut) {
      result.verdict = 'error';
      result.errorKind = 'distributed';
      const clues = said.filter((l) => /Error|Exception|unreachable|refused/i.test(l)).slice(-4);
      result.message = `${stopReason}${clues.length > 0 ? `: ${clues.join(' | ')}` : ''}`;
    }
    return result;
  } finally {
    for (const w of workers) w.proc.stop();
    scratch.remove();
  }
}

/** Distributed TLC names no violated property: find it on the embedded engine, or say it is unknown. */
function nameViolation(result: ModelResult, req: DistributedRequest): void {
  const cex = result.counterexample!;
  let naming: ReturnType<typeof nameCounterexample>;
  try {
    const loadModule = (name: string) => {
      const p = req.specDir !== undefined ? join(req.specDir, `${name}.tla`) : undefined;
      return p !== undefined && existsSync(p) ? readFileSync(p, 'utf8') : undefined;
    };
    const flat = flattenModule(req.moduleText, loadModule);
    naming = flat.instances.length > 0
      ? { named: false, why: `the embedded engine cannot load INSTANCE of ${flat.instances.join(', ')}` }
      : nameCounterexample(flat.text, req.cfg, cex);
  } catch (e) {
    naming = { named: false, why: (e as Error).message };
  }
  if (naming.named) {
    result.verdict = naming.verdict;
    if (naming.verdict === 'invariant') result.violated = naming.violated;
    delete result.errorKind;
    result.message = 'distributed TLC does not say what a counterexample violates: named by evaluating its last state on the embedded engine';
  } else {
    result.message = `distributed TLC printed a counterexample without saying what it violates, and it could not be named (${naming.why}); run the model with plain TLC to see`;
  }
}
