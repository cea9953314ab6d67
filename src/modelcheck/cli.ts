/** `npm run check-spec`: checks the models in spec/ with TLC and/or the embedded engine. */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { CfgError } from './cfg.js';
import { checkModel, defaultEngine, repoRoot } from './check.js';
import { parseCliArgs, USAGE, UsageError, type CliOptions } from './cliArgs.js';
import { COVERAGE_DEFAULTS, exploreActionCoverage, formatCoverage } from './coverage.js';
import { counterexampleToItf } from './itf.js';
import { listModels, selectModels, UnknownModel, type ModelInfo } from './models.js';
import { formatCounterexample, formatResultsTable, verdictText } from './table.js';
import { EngineUnavailable, requireTlc, type TlcSetup } from './tlcRunner.js';
import type { Engine, ModelResult, Progress } from './types.js';

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

/** How often progress is printed while a model runs. */
export const PROGRESS_EVERY_MS = 10_000;

export interface ModelReport extends ModelResult {
  expected: string;
  asExpected: boolean;
  counterexampleFile?: string;
  actionCoverage?: { seen: Record<string, number>; declared: string[]; neverReached: string[] };
  note?: string;
}

function expectationOf(m: ModelInfo): string {
  const e = m.cfg.meta.expect;
  return e === undefined || e.kind === 'pass' ? 'pass' : `violation ${e.property}`;
}

function meetsExpectation(m: ModelInfo, r: ModelResult): boolean {
  const e = m.cfg.meta.expect;
  if (e === undefined || e.kind === 'pass') return r.verdict === 'pass';
  if (r.verdict === 'deadlock') return e.property === 'Deadlock';
  return (r.verdict === 'invariant' || r.verdict === 'property') && r.violated === e.property;
}

function progressLine(model: string, p: Progress): string {
  const secs = `${Math.round(p.elapsedMs / 1000)} s`;
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
  const choice = opts.engine ?? defaultEngine(io.env);
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
  const showProgress = opts.progress || io.isTTY;
  const reports: ModelReport[] = [];
  const skipped: string[] = [];
  let failed = false;
  for (const m of selected) {
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
        tlcCoverageMinutes: opts.coverage && engine === 'tlc' ? 1 : undefined,
        tlc,
        progressEveryMs: PROGRESS_EVERY_MS,
        onProgress: showProgress ? (p) => io.err(progressLine(m.name, p)) : undefined,
      });
      const report: ModelReport = { ...result, expected: expectationOf(m), asExpected: meetsExpectation(m, result) };
      if (result.counterexample) {
        const vars = Object.keys(result.counterexample.states[0]?.vars ?? {});
        const file = join(outDir, `${m.name}-${engine}.itf.json`);
        mkdirSync(outDir, { recursive: true });
        writeFileSync(file, JSON.stringify(counterexampleToItf(result.counterexample, vars, { model: m.name, engine, verdict: result.verdict, violated: result.violated }), null, 2) + '\n');
        const rel = relative(io.cwd, file);
        report.counterexampleFile = rel.startsWith('..') || rel === '' ? file : rel;
      }
      if (opts.coverage && engine === 'embedded' && result.verdict !== 'parse-error' && result.verdict !== 'error') {
        try {
          const moduleText = readFileSync(join(specDir, `${m.module}.tla`), 'utf8');
          const cov = exploreActionCoverage(moduleText, m.cfgText, {
            walks: opts.walks ?? COVERAGE_DEFAULTS.walks,
            depth: opts.depth ?? COVERAGE_DEFAULTS.depth,
            seed: opts.seed ?? COVERAGE_DEFAULTS.seed,
            loadModule: (name) => { const p = join(specDir, `${name}.tla`); return existsSync(p) ? readFileSync(p, 'utf8') : undefined; },
          });
          report.actionCoverage = {
            seen: Object.fromEntries(cov.seen),
            declared: cov.declared,
            neverReached: cov.declared.filter((a) => !cov.seen.has(a)),
          };
        } catch (e) {
          report.note = `action coverage failed: ${(e as Error).message}`;
        }
      }
      if (!report.asExpected) failed = true;
      pair.push(report);
    }
    if (pair.length === 2) {
      const [a, b] = pair as [ModelReport, ModelReport];
      // tla-checker ignores SYMMETRY (and VIEW): TLC then counts fewer states, legitimately.
      const reducesStates = m.cfg.symmetry !== undefined || m.cfg.view !== undefined;
      const disagree = verdictText(a) !== verdictText(b)
        ? `verdicts differ (tlc: ${verdictText(a)}, embedded: ${verdictText(b)})`
        : a.verdict === 'pass' && a.distinctStates !== b.distinctStates && !reducesStates
          ? `distinct states differ (tlc: ${a.distinctStates}, embedded: ${b.distinctStates})`
          : undefined;
      if (disagree) {
        failed = true;
        for (const r of pair) { r.asExpected = false; r.note = `engines disagree: ${disagree}`; }
      }
    }
    reports.push(...pair);
  }
  if (opts.json) {
    io.out(JSON.stringify({ ok: !failed, models: reports, skipped }, null, 2) + '\n');
    return failed ? 1 : 0;
  }
  for (const r of reports) {
    const where = `${r.model} (${r.engine})`;
    if (r.verdict === 'parse-error' || r.verdict === 'error') {
      const loc = r.location ? ` at ${r.location.file ?? r.location.module ?? ''}:${r.location.line}:${r.location.column}` : '';
      io.out(`\n${where}: ${r.verdict}${loc}: ${r.message ?? ''}\n`);
    } else if (r.verdict !== 'pass') {
      io.out(`\n${where}: ${r.verdict === 'deadlock' ? 'deadlock reached' : `${r.verdict} ${r.violated ?? '(unnamed)'} violated`}${r.asExpected ? ' (as expected)' : ''}\n`);
      if (r.counterexample) io.out(formatCounterexample(r.counterexample).replace(/^/gm, '  ') + '\n');
      if (r.counterexampleFile) io.out(`  counterexample saved to ${r.counterexampleFile}\n`);
    }
    if (r.actionCoverage) io.out(`${where}: ${formatCoverage(r.actionCoverage)}\n`);
    else if (opts.coverage && r.engine === 'tlc') {
      io.out(`${where}: ${r.coverage ? `TLC action coverage (distinct states per action): ${JSON.stringify(r.coverage)}` : 'TLC printed no action coverage'}\n`);
    }
    if (r.note) io.out(`${where}: ${r.note}\n`);
  }
  io.out('\n' + formatResultsTable(reports, reports.map((r) => (r.asExpected ? 'ok' : `UNEXPECTED (expected ${r.expected})`))) + '\n');
  for (const s of skipped) io.out(`skipped ${s}\n`);
  return failed ? 1 : 0;
}
