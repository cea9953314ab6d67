/**
 * The TLC engine: finds java and tla2tools.jar, runs TLC in -tool mode through child_process,
 * reads its output as it streams, and maps it to a ModelResult.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { tlcJsonToItf } from './itf.js';
import { TlcOutputReader } from './tlcOutput.js';
import { timeoutMessage, type CounterexampleState, type ModelResult, type Progress } from './types.js';

/** Where `npm run tlc:install` puts the jar, relative to the repository root (ignored by git). */
export const DEFAULT_JAR = join('.tlc', 'tla2tools.jar');

/** Java or the jar is missing: the CLI reports this and exits 2. */
export class EngineUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineUnavailable';
  }
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, fsConstants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** `JAVA` (a path), else `$JAVA_HOME/bin/java`, else `java` on PATH. */
export function findJava(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.JAVA) return isExecutable(env.JAVA) ? resolve(env.JAVA) : undefined;
  if (env.JAVA_HOME && isExecutable(join(env.JAVA_HOME, 'bin', 'java'))) return join(env.JAVA_HOME, 'bin', 'java');
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && isExecutable(join(dir, 'java'))) return join(dir, 'java');
  }
  return undefined;
}

/** `TLA2TOOLS_JAR`, else `<repoRoot>/.tlc/tla2tools.jar`. */
export function findJar(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const p = env.TLA2TOOLS_JAR ? resolve(env.TLA2TOOLS_JAR) : join(repoRoot, DEFAULT_JAR);
  return existsSync(p) ? p : undefined;
}

export interface TlcSetup {
  java: string;
  jar: string;
}

/** Both java and the jar, or an EngineUnavailable saying what is missing and how to get it. */
export function requireTlc(repoRoot: string, env: NodeJS.ProcessEnv = process.env): TlcSetup {
  const java = findJava(env);
  const jar = findJar(repoRoot, env);
  const missing: string[] = [];
  if (!java) missing.push(env.JAVA ? `JAVA=${env.JAVA} is not an executable file` : 'java is not on PATH (set JAVA or JAVA_HOME, or install a JDK 11+)');
  if (!jar) {
    missing.push(env.TLA2TOOLS_JAR
      ? `TLA2TOOLS_JAR=${env.TLA2TOOLS_JAR} does not exist`
      : `no TLC jar at ${join(repoRoot, DEFAULT_JAR)} (run \`npm run tlc:install\` or set TLA2TOOLS_JAR)`);
  }
  if (!java || !jar) throw new EngineUnavailable(`the TLC engine is not available: ${missing.join('; ')}`);
  return { java, jar };
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
  workers?: string;
  onProgress?: (p: Progress) => void;
}

/** The TLC command line; the spec, cfg and trace live in `workDir`. */
export function tlcArgs(req: Pick<TlcRequest, 'moduleName' | 'coverageMinutes' | 'workers'>, jar: string, workDir: string): string[] {
  const args = ['-XX:+UseParallelGC', '-cp', jar, 'tlc2.TLC', '-tool', '-workers', req.workers ?? 'auto',
    '-config', join(workDir, 'model.cfg'), '-dumpTrace', 'json', join(workDir, 'trace.json'), '-metadir', join(workDir, 'states')];
  if (req.coverageMinutes !== undefined) args.push('-coverage', String(req.coverageMinutes));
  args.push(req.moduleName);
  return args;
}

interface TlcDump {
  vars?: string[];
  counterexample?: {
    state?: Array<[number, Record<string, unknown>]>;
    action?: Array<[unknown, { name?: string }, unknown]>;
  };
}

/** States from TLC's -dumpTrace json file: used when its printout had none, and to name actions. */
export function statesFromDump(dump: TlcDump): CounterexampleState[] {
  const states = dump.counterexample?.state ?? [];
  const actions = dump.counterexample?.action ?? [];
  return states.map(([, vars], i) => {
    const s: CounterexampleState = { vars: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, tlcJsonToItf(v)])) };
    const a = i > 0 ? actions[i - 1]?.[1]?.name : undefined;
    if (a !== undefined) s.action = a;
    return s;
  });
}

export async function checkTlc(req: TlcRequest): Promise<ModelResult> {
  const started = Date.now();
  // TLC writes next to the spec (trace-exploration specs, states/); run it in a scratch copy.
  const work = mkdtempSync(join(tmpdir(), 'check-spec-'));
  try {
    if (req.specDir && existsSync(req.specDir)) {
      for (const f of readdirSync(req.specDir)) if (f.endsWith('.tla')) copyFileSync(join(req.specDir, f), join(work, f));
    }
    writeFileSync(join(work, `${req.moduleName}.tla`), req.moduleText);
    writeFileSync(join(work, 'model.cfg'), req.cfgText);
    const args = tlcArgs(req, req.setup.jar, work);
    const reader = new TlcOutputReader({
      onProgress: (p) => req.onProgress?.({ engine: 'tlc', elapsedMs: Date.now() - started, distinctStates: p.distinctStates, statesGenerated: p.statesGenerated, queue: p.queue }),
    });
    const { code, stderr, timedOut, spawnError } = await new Promise<{ code: number | null; stderr: string; timedOut: boolean; spawnError?: string }>((done) => {
      // Own process group, so a timeout stops TLC and anything it started.
      const child = spawn(req.setup.java, args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      const stop = (signal: NodeJS.Signals) => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, signal);
          else child.kill(signal);
        } catch {
          // already gone
        }
      };
      let err = '';
      let timedOut = false;
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (c: string) => reader.push(c));
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (c: string) => { if (err.length < 64_000) err += c; });
      const timer = req.timeoutMs !== undefined && req.timeoutMs > 0
        ? setTimeout(() => {
          timedOut = true;
          stop('SIGTERM');
          setTimeout(() => stop('SIGKILL'), 2000).unref();
        }, req.timeoutMs)
        : undefined;
      child.on('error', (e) => { if (timer) clearTimeout(timer); done({ code: null, stderr: err, timedOut, spawnError: e.message }); });
      child.on('close', (c) => { if (timer) clearTimeout(timer); done({ code: c, stderr: err, timedOut }); });
    });
    const outcome = reader.finish(code ?? undefined);
    const result: ModelResult = {
      model: req.model,
      engine: 'tlc',
      verdict: outcome.verdict,
      distinctStates: outcome.distinctStates ?? 0,
      durationMs: Date.now() - started,
    };
    if (outcome.statesGenerated !== undefined) result.statesGenerated = outcome.statesGenerated;
    if (outcome.depth !== undefined) result.depth = outcome.depth;
    if (outcome.violated !== undefined) result.violated = outcome.violated;
    if (outcome.location !== undefined) {
      result.location = outcome.location;
      // Report the spec's own path, not the scratch copy TLC read.
      const file = outcome.location.file;
      if (file !== undefined && file.startsWith(work)) {
        const rel = file.slice(work.length + 1);
        result.location.file = req.specDir ? join(req.specDir, rel) : rel;
      }
    }
    if (outcome.coverage !== undefined) result.coverage = outcome.coverage;
    if (outcome.message !== undefined) result.message = outcome.message;
    if (outcome.counterexample) result.counterexample = outcome.counterexample;
    const dumpFile = join(work, 'trace.json');
    if (existsSync(dumpFile)) {
      try {
        const fromDump = statesFromDump(JSON.parse(readFileSync(dumpFile, 'utf8')) as TlcDump);
        if (!result.counterexample && fromDump.length > 0) {
          result.counterexample = { states: fromDump };
        } else if (result.counterexample) {
          // The printout names the action; fill in any it left out from the dump.
          result.counterexample.states.forEach((s, i) => { if (s.action === undefined && fromDump[i]?.action) s.action = fromDump[i]!.action; });
        }
      } catch {
        // An unreadable dump leaves the printed counterexample as it is.
      }
    }
    if (spawnError) {
      result.verdict = 'error';
      result.message = `could not start ${req.setup.java}: ${spawnError}`;
    } else if (timedOut) {
      result.verdict = 'error';
      result.message = timeoutMessage(req.timeoutMs ?? 0);
    } else if (result.verdict === 'error' && outcome.version === undefined) {
      // TLC never started (bad jar, old java): java's own complaint says why.
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      result.message = `TLC did not run (exit ${code})${tail ? `: ${tail}` : ''}`;
    }
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
