/**
 * The TLC engine on one machine: runs `tlc2.TLC` in -tool mode (breadth-first model checking,
 * or random simulation with -simulate), reads its output as it streams, and maps it to a
 * ModelResult. Distributed TLC is tlcDistributed.ts.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { makeScratch } from './scratch.js';
import { TlcOutputReader } from './output.js';
import { startJava } from './javaProcess.js';
import { tlcResult } from './result.js';
import type { TlcSetup } from './setup.js';
import type { ModelResult, Progress } from '../shared/types.js';

export { DEFAULT_JAR, EngineUnavailable, findJar, findJava, requireTlc, type TlcSetup } from './setup.js';
export { statesFromDump } from './result.js';

/**
 * TLC's -simulate: `traces` random behaviours in all (rounded up to a multiple of the workers),
 * of at most `depth` states each.
 */
export interface SimulateOptions {
  traces: number;
  depth: number;
  /** TLC's -seed (a Java long, as text), to repeat a simulation. */
  seed?: string;
}

export interface TlcRequest {
  model: string;
  moduleName: string;
  moduleText: string;
  /** Directory holding the spec's other modules (copied next to the module so EXTENDS/INSTANCE resolve). */
  specDir?: string;
  cfgText: string;
  setup: TlcSetup;
  timeoutMs?: number;
  /** Passes `-coverage <minutes>` to TLC and reads the action coverage it prints. */
  coverageMinutes?: number;
  /** TLC's -workers: a number of threads, or "auto" (one per core). Default "auto". */
  workers?: string;
  /** Random simulation instead of exhaustive checking. */
  simulate?: SimulateOptions;
  onProgress?: (p: Progress) => void;
}

/** The TLC command line; the spec, cfg and trace live in `workDir`. */
export function tlcArgs(req: Pick<TlcRequest, 'moduleName' | 'coverageMinutes' | 'workers' | 'simulate'>, jar: string, workDir: string): string[] {
  const args = ['-XX:+UseParallelGC', '-cp', jar, 'tlc2.TLC', '-tool', '-workers', req.workers ?? 'auto',
    '-config', join(workDir, 'model.cfg'), '-dumpTrace', 'json', join(workDir, 'trace.json'), '-metadir', join(workDir, 'states')];
  if (req.simulate) {
    // TLC's num is per simulation worker (Simulator.java gives each SimulationWorker traceNum traces).
    const threads = req.workers === undefined || req.workers === 'auto' ? availableParallelism() : Math.max(1, Number(req.workers));
    args.push('-simulate', `num=${Math.ceil(req.simulate.traces / threads)}`, '-depth', String(req.simulate.depth));
    if (req.simulate.seed !== undefined) args.push('-seed', req.simulate.seed);
  }
  if (req.coverageMinutes !== undefined) args.push('-coverage', String(req.coverageMinutes));
  args.push(req.moduleName);
  return args;
}

export async function checkTlc(req: TlcRequest): Promise<ModelResult> {
  const started = Date.now();
  const scratch = makeScratch(req.moduleName, req.moduleText, req.cfgText, req.specDir);
  try {
    const reader = new TlcOutputReader({
      onProgress: (p) => req.onProgress?.({ engine: 'tlc', elapsedMs: Date.now() - started, ...p }),
    });
    const java = startJava(req.setup.java, tlcArgs(req, req.setup.jar, scratch.dir), {
      cwd: scratch.dir,
      onStdout: (c) => reader.push(c),
      timeoutMs: req.timeoutMs,
    });
    const run = await java.done;
    const outcome = reader.finish(run.code, run.stderr);
    return tlcResult(outcome, run, {
      model: req.model,
      mode: req.simulate ? 'simulate' : 'exhaustive',
      java: req.setup.java,
      startedAt: started,
      timeoutMs: req.timeoutMs,
      realPath: scratch.realPath,
      dumpFile: join(scratch.dir, 'trace.json'),
    });
  } finally {
    scratch.remove();
  }
}
