/** checkModel: one model, one engine, from text or from the spec directory. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCfg, printCfg, withConstants, type TlcConfig } from './cfg/cfg.js';
import { actionInSpan, nameCoverage, spanText } from './report/coverageNames.js';
import { declaredActionsOfModel } from './tla/nextActions.js';
import { checkEmbedded } from './embedded/engine.js';
import { checkTlcDistributed } from './tlc/distributed.js';
import { checkTlc, type SimulateOptions } from './tlc/runner.js';
import { findJar, findJava, requireTlc, type TlcSetup } from './tlc/setup.js';
import type { Counterexample, Engine, ModelResult, Progress } from './shared/types.js';

/** The directory holding package.json above this file (works from src/ and from dist/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

export function defaultSpecDir(): string {
  return join(repoRoot(), 'spec');
}

export interface CheckModelOptions {
  moduleName: string;
  /** The module's text; read from `<specDir>/<moduleName>.tla` when absent. */
  moduleText?: string;
  cfgText: string;
  engine: Engine;
  /** `Name -> TLA+ value text`; replaces (or adds) `CONSTANT Name = value` in the cfg. */
  constantsOverride?: Record<string, string>;
  timeoutMs?: number;
  /** Model name in the result (default: the module name). */
  model?: string;
  /** Where user modules named in EXTENDS/INSTANCE are found (default: the repo's spec/). */
  specDir?: string;
  onProgress?: (p: Progress) => void;
  progressEveryMs?: number;
  /** Embedded engine: stop after this many distinct states. */
  maxStates?: number;
  /** Embedded: save the full state graph (DOT) to this file. */
  graphFile?: string;
  /** Embedded: do not build the state graph (no action coverage). */
  noGraph?: boolean;
  /** TLC: pass `-coverage <minutes>`. */
  tlcCoverageMinutes?: number;
  /** TLC: -workers, a number or "auto" (default "auto": one per core). */
  tlcWorkers?: string;
  /** TLC: random simulation instead of exhaustive checking. */
  simulate?: SimulateOptions;
  /** TLC: distributed mode (a TLCServer and TLCWorker processes); `tlcWorkers` is then the threads per worker. */
  distributed?: DistributedOptions;
  /** TLC: java and jar (default: found from the environment; missing ones throw EngineUnavailable). */
  tlc?: TlcSetup;
  /** Where a cfg came from, for error messages. */
  cfgFile?: string;
}

export interface DistributedOptions {
  localWorkers: number;
  workerHosts: string[];
  serverHost?: string;
  port?: number;
  fpSets: boolean;
  /** The ssh program that starts workers on workerHosts (default "ssh"). */
  ssh?: string;
  onWorkerLine?: (worker: string, line: string) => void;
}

/** The default engine: TLC when java and a jar are found, else the embedded one. */
export function defaultEngine(env: NodeJS.ProcessEnv = process.env): Engine {
  return findJava(env) !== undefined && findJar(repoRoot(), env) !== undefined ? 'tlc' : 'embedded';
}

export async function checkModel(opts: CheckModelOptions): Promise<ModelResult> {
  const specDir = resolve(opts.specDir ?? defaultSpecDir());
  let cfg = parseCfg(opts.cfgText, opts.cfgFile ?? `<cfg of ${opts.model ?? opts.moduleName}>`);
  if (opts.constantsOverride) cfg = withConstants(cfg, opts.constantsOverride);
  const cfgText = printCfg(cfg);
  const moduleText = opts.moduleText ?? readFileSync(join(specDir, `${opts.moduleName}.tla`), 'utf8');
  const model = opts.model ?? opts.moduleName;
  if (opts.engine === 'embedded') {
    const loadModule = (name: string) => {
      const p = join(specDir, `${name}.tla`);
      return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
    };
    return checkEmbedded({
      model, moduleName: opts.moduleName, moduleText, loadModule, cfg, cfgText,
      moduleFile: (name) => join(specDir, `${name}.tla`),
      timeoutMs: opts.timeoutMs, maxStates: opts.maxStates,
      onProgress: opts.onProgress, progressEveryMs: opts.progressEveryMs,
      graphFile: opts.graphFile, noGraph: opts.noGraph,
    });
  }
  const setup = opts.tlc ?? requireTlc(repoRoot());
  const readModule = (name: string) => {
    if (name === opts.moduleName) return moduleText;
    const p = join(specDir, `${name}.tla`);
    return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
  };
  const named = (r: ModelResult) => {
    if (r.counterexample) nameNextSteps(r.counterexample, opts.moduleName, readModule, cfg);
    return r;
  };
  if (opts.distributed !== undefined) {
    const d = opts.distributed;
    return named(await checkTlcDistributed({
      model, moduleName: opts.moduleName, moduleText, specDir, cfgText, cfg, setup,
      localWorkers: d.localWorkers, workerHosts: d.workerHosts, fpSets: d.fpSets,
      ...(d.serverHost !== undefined ? { serverHost: d.serverHost } : {}),
      ...(d.port !== undefined ? { port: d.port } : {}),
      ...(d.ssh !== undefined ? { ssh: d.ssh } : {}),
      ...(d.onWorkerLine !== undefined ? { onWorkerLine: d.onWorkerLine } : {}),
      ...(opts.tlcWorkers !== undefined ? { workerThreads: opts.tlcWorkers } : {}),
      timeoutMs: opts.timeoutMs, onProgress: opts.onProgress,
    }));
  }
  const result = named(await checkTlc({
    model, moduleName: opts.moduleName, moduleText, specDir, cfgText, setup,
    timeoutMs: opts.timeoutMs, coverageMinutes: opts.tlcCoverageMinutes, onProgress: opts.onProgress,
    ...(opts.tlcWorkers !== undefined ? { workers: opts.tlcWorkers } : {}),
    ...(opts.simulate !== undefined ? { simulate: opts.simulate } : {}),
  }));
  if (result.coverage !== undefined) {
    result.coverage = nameCoverage(result.coverage, readModule);
    result.coverageUnit = 'distinct states';
  }
  return result;
}

/**
 * TLC labels a step of an action called inside a quantifier of Next with "Next" and the span of
 * that disjunct; the action is the one the span applies (as for coverage, coverageNames.ts).
 */
function nameNextSteps(cex: Counterexample, moduleName: string, readModule: (name: string) => string | undefined, cfg: TlcConfig): void {
  const next = declaredActionsOfModel(moduleName, readModule(moduleName) ?? '', readModule, cfg).next;
  for (const s of cex.states) {
    const span = s.actionSpan;
    delete s.actionSpan;
    if (span === undefined || s.action === undefined || s.action !== next) continue;
    const text = readModule(span.module);
    const action = text !== undefined ? actionInSpan(spanText(text, span.line, span.column, span.endLine, span.endColumn)) : undefined;
    if (action !== undefined) s.action = action;
  }
}
