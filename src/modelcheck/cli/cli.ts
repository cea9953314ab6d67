/** `npm run check-spec`: checks the models in spec/ with TLC and/or the embedded engine. */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { CfgError } from '../cfg/cfg.js';
import { checkModel, defaultEngine, repoRoot } from '../check.js';
import { parseCliArgs, USAGE, UsageError, type CliOptions } from './cliArgs.js';
import { formatCoverageTable, formatModuleCoverage, reachedBy, type ModuleCoverage } from '../report/coverageReport.js';
import { flattenModule } from '../tla/flatten.js';
import { declaredActionsOfModel } from '../tla/nextActions.js';
import { WitnessError, listWitnesses, replayWitness } from '../embedded/witness.js';
import { counterexampleToItf } from '../values/itf.js';
import { listModels, loadModel, selectModels, UnknownModel, type ModelInfo } from '../cfg/models.js';
import { formatCounterexample, formatResultsTable, verdictText } from '../report/table.js';
import { defaultServerHost, TLC_SERVER_DEFAULT_PORT } from '../tlc/distributed.js';
import { EngineUnavailable, requireTlc, type TlcSetup } from '../tlc/setup.js';
import type { Engine, ModelResult, Progress } from '../shared/types.js';

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  /** stderr is a terminal: progress is shown without --progress. */
  isTTY: boolean;
  cwd: string;
}

export function defaultIo(): CliIo {
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    env: process.env,
    isTTY: process.stderr.isTTY === true,
    cwd: process.cwd(),
  };
}

/** What every worker prints while it parses the spec: not worth a progress line each. */
const SANY_CHATTER = /^(Parsing file|Semantic processing of module|Linting of module)/;

/** How often progress is printed while a model runs. */
export const PROGRESS_EVERY_MS = 10_000;

export interface ModelReport extends ModelResult {
  expected: string;
  asExpected: boolean;
  counterexampleFile?: string;
  note?: string;
}

function expectationOf(m: ModelInfo): string {
  const e = m.cfg.meta.expect;
  return e === undefined || e.kind === 'pass' ? 'pass' : `violation ${e.property}`;
}

/**
 * The order models start in, as indices into `models`: largest first by their cfgs' `states:`,
 * then those without one in their order. With two at a time the run then ends with small
 * models side by side, not one large model running alone beside an idle core.
 */
export function largestFirst(models: readonly ModelInfo[]): number[] {
  const size = (i: number): number => models[i]!.cfg.meta.states ?? -1;
  // Array.prototype.sort is stable: equal sizes keep their order.
  return models.map((_, i) => i).sort((a, b) => size(b) - size(a));
}

/** tla-checker ignores SYMMETRY (and VIEW): TLC then counts fewer states, legitimately. */
const tlcReducesStates = (m: ModelInfo): boolean => m.cfg.symmetry !== undefined || m.cfg.view !== undefined;

/** Why a passing run's count is not the cfg's `states:` (undefined: it is, or there is nothing to compare). */
function statesMismatch(m: ModelInfo, r: ModelResult, simulate: boolean): string | undefined {
  const want = m.cfg.meta.states;
  // The cfg's count is the full graph's: TLC's reduced one and a simulation's are not compared.
  const comparable = r.engine === 'embedded' || (!simulate && !tlcReducesStates(m));
  if (want === undefined || r.verdict !== 'pass' || r.distinctStates === undefined || !comparable || r.distinctStates === want) return undefined;
  return `${r.distinctStates.toLocaleString('en-US')} distinct states where the cfg says "states: ${want.toLocaleString('en-US')}" (the spec's state space changed: check why, then update the cfg)`;
}

function meetsExpectation(m: ModelInfo, r: ModelResult): boolean {
  const e = m.cfg.meta.expect;
  if (e === undefined || e.kind === 'pass') return r.verdict === 'pass';
  if (r.verdict === 'deadlock') return e.property === 'Deadlock';
  return (r.verdict === 'invariant' || r.verdict === 'property') && r.violated === e.property;
}

function progressLine(model: string, p: Progress): string {
  const secs = `${Math.round(p.elapsedMs / 1000)} s`;
  if (p.engine === 'tlc' && p.traces !== undefined) {
    return `[${model} tlc simulate] ${secs}: ${p.traces.toLocaleString('en-US')} traces, ${(p.statesGenerated ?? 0).toLocaleString('en-US')} states generated\n`;
  }
  if (p.engine === 'tlc' && p.distinctStates !== undefined) {
    return `[${model} tlc] ${secs}: ${p.distinctStates.toLocaleString('en-US')} distinct states, ${(p.statesGenerated ?? 0).toLocaleString('en-US')} generated, ${(p.queue ?? 0).toLocaleString('en-US')} on queue\n`;
  }
  return `[${model} ${p.engine}] ${secs} elapsed (tla-checker gives no counts until it finishes)\n`;
}

export async function runCli(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseCliArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`check-spec: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  if (opts.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const root = repoRoot();
  const specDir = resolve(io.cwd, opts.specDir ?? join(root, 'spec'));
  const outDir = resolve(io.cwd, opts.outDir ?? join(root, 'out', 'counterexamples'));
  let selected: ModelInfo[];
  try {
    selected = selectModels(listModels(specDir), { names: opts.models, all: opts.all });
  } catch (e) {
    if (e instanceof CfgError || e instanceof UnknownModel) {
      io.err(`check-spec: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (selected.length === 0) {
    io.err(`check-spec: no models selected (no cfg in ${specDir} has "\\* ci: true"; use --all or --model)\n`);
    return 2;
  }
  // Simulation and distributed mode are TLC's: they ask for it even when it is not the default.
  const choice = opts.engine ?? (opts.simulate || opts.distributed ? 'tlc' : defaultEngine(io.env));
  const engines: Engine[] = choice === 'both' ? ['tlc', 'embedded'] : [choice];
  let tlc: TlcSetup | undefined;
  if (engines.includes('tlc')) {
    try {
      tlc = requireTlc(root, io.env);
    } catch (e) {
      if (e instanceof EngineUnavailable) {
        io.err(`check-spec: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  }
  // A model names the engines that can check it; asking for another one by name is a usage error.
  if (opts.engine !== undefined && opts.models.length > 0) {
    for (const m of selected) {
      const bad = engines.filter((e) => !m.engines.includes(e));
      if (bad.length > 0) {
        io.err(`check-spec: model ${m.name} cannot be checked by the ${bad.join(' and ')} engine (its cfg says "engines: ${m.engines.join(',')}")\n`);
        return 2;
      }
    }
  }
  // A run whose every model is skipped would check nothing and pass: refuse it, as an empty selection.
  if (!selected.some((m) => engines.some((e) => m.engines.includes(e)))) {
    io.err(`check-spec: none of the selected models (${selected.map((m) => m.name).join(', ')}) can be checked by the ${engines.join(' or ')} engine (their cfgs name the engines that can)\n`);
    return 2;
  }
  const showProgress = opts.progress || io.isTTY;
  const skipped: string[] = [];
  let failed = false;
  const graphDir = opts.stateGraphDir !== undefined ? resolve(io.cwd, opts.stateGraphDir) : undefined;
  if (graphDir !== undefined) mkdirSync(graphDir, { recursive: true });

  // The models are independent: run `jobs` of them at a time (distributed: one, they would share the server's port).
  const jobs = opts.distributed ? 1 : Math.max(1, Math.min(opts.jobs ?? Math.min(2, availableParallelism()), selected.length));
  // TLC's threads: the cores shared among the models checked at once, unless --workers says.
  const tlcWorkers = opts.workers !== undefined ? String(opts.workers) : String(defaultTlcWorkers(jobs, opts.distributed?.localWorkers));
  const distributed = opts.distributed
    ? { ...opts.distributed, ssh: io.env.SSH ?? 'ssh', onWorkerLine: showProgress ? (w: string, l: string) => { if (!SANY_CHATTER.test(l)) io.err(`[${w}] ${l}\n`); } : undefined }
    : undefined;
  if (opts.distributed && tlc) io.err(distributedRecipe(tlc, opts.distributed));

  /** Checks one model with each engine asked for; compares the engines when there are two. */
  const checkOne = async (m: ModelInfo): Promise<ModelReport[]> => {
    const pair: ModelReport[] = [];
    for (const engine of engines) {
      if (!m.engines.includes(engine)) {
        skipped.push(`${m.name}: not checked with the ${engine} engine (its cfg says "engines: ${m.engines.join(',')}")`);
        continue;
      }
      const result = await checkModel({
        moduleName: m.module,
        cfgText: m.cfgText,
        cfgFile: m.cfgPath,
        engine,
        model: m.name,
        specDir,
        timeoutMs: opts.timeoutSec !== undefined ? opts.timeoutSec * 1000 : undefined,
        maxStates: opts.maxStates,
        // Distributed TLC ignores -coverage; a simulation's counts are not the state graph's.
        tlcCoverageMinutes: opts.coverage && engine === 'tlc' && !opts.simulate && !opts.distributed ? 1 : undefined,
        ...(engine === 'tlc' ? { tlcWorkers } : {}),
        ...(engine === 'tlc' && opts.simulate ? { simulate: opts.simulate } : {}),
        ...(engine === 'tlc' && distributed ? { distributed } : {}),
        noGraph: !opts.coverage,
        ...(graphDir !== undefined && engine === 'embedded' ? { graphFile: join(graphDir, `${m.name}.dot`) } : {}),
        tlc,
        progressEveryMs: PROGRESS_EVERY_MS,
        onProgress: showProgress ? (p) => io.err(progressLine(m.name, p)) : undefined,
      });
      const report: ModelReport = { ...result, expected: expectationOf(m), asExpected: meetsExpectation(m, result) };
      const wrongCount = statesMismatch(m, result, opts.simulate !== undefined);
      if (wrongCount !== undefined) {
        report.asExpected = false;
        report.expected = `pass with ${m.cfg.meta.states!.toLocaleString('en-US')} states`;
        report.note = wrongCount;
      }
      if (result.counterexample) {
        const vars = Object.keys(result.counterexample.states[0]?.vars ?? {});
        const file = join(outDir, `${m.name}-${engine}.itf.json`);
        mkdirSync(outDir, { recursive: true });
        writeFileSync(file, JSON.stringify(counterexampleToItf(result.counterexample, vars, { model: m.name, engine, verdict: result.verdict, violated: result.violated }), null, 2) + '\n');
        const rel = relative(io.cwd, file);
        report.counterexampleFile = rel.startsWith('..') || rel === '' ? file : rel;
      }
      if (!report.asExpected) failed = true;
      pair.push(report);
    }
    if (pair.length === 2) {
      const [a, b] = pair as [ModelReport, ModelReport];
      const disagree = verdictText(a) !== verdictText(b)
        ? `verdicts differ (tlc: ${verdictText(a)}, embedded: ${verdictText(b)})`
        : a.verdict === 'pass' && a.distinctStates !== b.distinctStates && !tlcReducesStates(m)
          ? `distinct states differ (tlc: ${a.distinctStates}, embedded: ${b.distinctStates})`
          : undefined;
      if (disagree) {
        failed = true;
        for (const r of pair) { r.asExpected = false; r.note = `engines disagree: ${disagree}`; }
      }
    }
    return pair;
  };

  // Reported in the order given, whatever order they finish in.
  const perModel: ModelReport[][] = new Array(selected.length);
  const startOrder = largestFirst(selected);
  let nextIndex = 0;
  await Promise.all(Array.from({ length: jobs }, async () => {
    while (nextIndex < startOrder.length) {
      const i = startOrder[nextIndex++]!;
      perModel[i] = await checkOne(selected[i]!);
    }
  }));
  const reports = perModel.flat();

  // Action coverage per module; with the CI selection (or --all) an action that nothing reaches fails the run.
  const coverage: ModuleCoverage[] = [];
  if (opts.coverage) {
    for (const module of [...new Set(selected.map((m) => m.module))]) {
      const models = selected.filter((m) => m.module === module);
      const covered = reports.filter((r) => r.coverage !== undefined && models.some((m) => m.name === r.model));
      if (covered.length === 0) continue;
      const c = moduleCoverage(module, models[0]!, covered, specDir, io.cwd);
      coverage.push(c);
      if (opts.models.length === 0 && (c.unreached.length > 0 || c.witnessErrors.length > 0)) failed = true;
    }
  }

  if (opts.json) {
    io.out(JSON.stringify({ ok: !failed, models: reports, coverage, skipped }, null, 2) + '\n');
    return failed ? 1 : 0;
  }
  for (const r of reports) {
    const where = `${r.model} (${r.engine})`;
    if (r.verdict === 'parse-error' || r.verdict === 'error') {
      const loc = r.location ? ` at ${r.location.file ?? r.location.module ?? ''}:${r.location.line}:${r.location.column}` : '';
      io.out(`\n${where}: ${r.verdict}${loc}: ${r.message ?? ''}\n`);
    } else if (r.verdict !== 'pass') {
      io.out(`\n${where}: ${r.verdict === 'deadlock' ? 'deadlock reached' : `${r.verdict} ${r.violated ?? '(unnamed)'} violated`}${r.asExpected ? ' (as expected)' : ''}\n`);
      if (r.message) io.out(`  (${r.message})\n`);
      if (r.counterexample) io.out(formatCounterexample(r.counterexample).replace(/^/gm, '  ') + '\n');
      if (r.counterexampleFile) io.out(`  counterexample saved to ${r.counterexampleFile}\n`);
      if (r.counterexampleFile) io.out(`  picture: npm run view-trace -- ${r.counterexampleFile}\n`);
    }
    if (r.note) io.out(`${where}: ${r.note}\n`);
  }
  io.out('\n' + formatResultsTable(reports, reports.map((r) => (r.asExpected ? 'ok' : `UNEXPECTED (expected ${r.expected})`))) + '\n');
  for (const c of coverage) {
    const table = formatCoverageTable(reports.filter((r) => r.coverage !== undefined && selected.some((m) => m.name === r.model && m.module === c.module)), c.declared);
    if (table) io.out('\n' + table + '\n');
    io.out(formatModuleCoverage(c) + '\n');
  }
  for (const s of skipped) io.out(`skipped ${s}\n`);
  return failed ? 1 : 0;
}

/**
 * TLC worker threads when --workers is not given: the cores divided among the models checked at
 * the same time (and, distributed, among the local worker processes), at least one.
 */
export function defaultTlcWorkers(jobs: number, localWorkers?: number, cores = availableParallelism()): number {
  const sharers = localWorkers !== undefined && localWorkers > 0 ? localWorkers : jobs;
  return Math.max(1, Math.floor(cores / sharers));
}

/** How to add a worker on another machine to this run (printed on stderr in distributed mode). */
function distributedRecipe(tlc: TlcSetup, d: NonNullable<CliOptions['distributed']>): string {
  const server = d.serverHost ?? defaultServerHost(d.workerHosts);
  const port = d.port ?? TLC_SERVER_DEFAULT_PORT;
  if (/^(127\.|localhost$|::1$)/.test(server)) {
    return `check-spec: distributed TLC, server at ${server}:${port} (loopback: workers on other machines need --server-host <this machine's address>)\n`;
  }
  // A plain worker: with --fp-sets the server waits for exactly the fingerprint sets check-spec starts.
  return `check-spec: distributed TLC, server at ${server}:${port}; to add a worker on another machine (it must reach ${server}):\n`
    + `  java -Djava.rmi.server.hostname=<that machine's address> -Dtlc2.tool.distributed.TLCServer.port=${port} -cp ${tlc.jar} tlc2.tool.distributed.TLCWorker ${server}\n`;
}

/** Which actions the module's models reached, and witnesses (spec/witnesses) for the others. */
function moduleCoverage(module: string, first: ModelInfo, covered: ModelReport[], specDir: string, cwd: string): ModuleCoverage {
  const loadModule = (name: string) => { const p = join(specDir, `${name}.tla`); return existsSync(p) ? readFileSync(p, 'utf8') : undefined; };
  const moduleText = loadModule(module) ?? '';
  const { actions: declared, nextModule } = declaredActionsOfModel(module, moduleText, loadModule, first.cfg);
  const by = reachedBy(covered, declared);
  const c: ModuleCoverage = { module, declared, reachedBy: by, witnesses: {}, unreached: [], witnessErrors: [] };
  if (nextModule !== undefined && nextModule !== module) c.nextModule = nextModule;
  const missing = declared.filter((a) => by[a]!.length === 0);
  if (missing.length === 0) return c;
  let witnesses: ReturnType<typeof listWitnesses> = [];
  try {
    witnesses = listWitnesses(join(specDir, 'witnesses'));
  } catch (e) {
    if (!(e instanceof WitnessError)) throw e;
    c.witnessErrors.push(e.message);
  }
  let flat: string | undefined;
  for (const action of missing) {
    for (const { file, witness } of witnesses.filter((w) => w.witness.mutant === 'none' && w.witness.reaches === action)) {
      const cfgPath = join(specDir, `${witness.model}.cfg`);
      if (!existsSync(cfgPath)) { c.witnessErrors.push(`${file}: model ${witness.model} (${cfgPath}) does not exist`); continue; }
      try {
        flat ??= flattenModule(moduleText, loadModule).text;
        const r = replayWitness(flat, loadModel(cfgPath).cfg, 'none', witness.steps);
        if (r.ok) { c.witnesses[action] = relative(cwd, file) || file; break; }
        c.witnessErrors.push(`${file}: step ${r.refusedAt + 1} of ${witness.steps.length} refused: ${r.reason}`);
      } catch (e) {
        c.witnessErrors.push(`${file}: ${(e as Error).message}`);
      }
    }
    if (c.witnesses[action] === undefined) c.unreached.push(action);
  }
  return c;
}
