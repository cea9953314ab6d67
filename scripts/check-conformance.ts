/**
 * npm run conformance -- [--graphs DIR] [model ...]
 *
 * Proves the fast spec encoding (src/trace/spec/fastSpec.ts) equal to spec/MultiPaxos.tla on every
 * reachable state of each model: compares successor sets at every state of the model's full
 * state graph (src/trace/conformance/graphConformance.ts). The graph is read from DIR/<model>.dot when
 * given and present (npm run check-spec -- --state-graph DIR writes them), else made by the
 * embedded engine. A model with a CONSTRAINT (ci-gap) is compared on the states the graph
 * keeps; TS transitions out of them are counted and a sample is shown outside the constraint.
 * Exit 0 all equal, 1 a mismatch, 2 bad usage or input.
 */
import { accessSync, constants as fsConstants, existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CfgError, printCfg } from '../src/modelcheck/cfg/cfg.js';
import { flattenModule } from '../src/modelcheck/tla/flatten.js';
import { listModels, loadModel, type ModelInfo } from '../src/modelcheck/cfg/models.js';
import { type GraphItem, StateGraphError, engineStateGraph, linesOf, readStateGraph, stateToEmbeddedJson } from '../src/modelcheck/embedded/stateGraph.js';
import { parseTlaValue } from '../src/modelcheck/values/tlaValue.js';
import { loadTlaChecker } from '../src/modelcheck/embedded/wasm.js';
import { type GraphConformanceReport, type Successors, checkGraphConformance, diagnose, fastSuccessors, formatReport } from '../src/trace/conformance/graphConformance.js';
import { fromTla, stateKey, toTla } from '../src/trace/replay/tlaCodec.js';
import { LineReader } from '../src/trace/format/ndjsonReader.js';
import { configFromConstants, type SpecConfig } from '../src/trace/spec/specState.js';
import { cfgText, exploreNext, type ConstantValue } from '../src/trace/replay/tlaEngine.js';
import { explore } from '../src/explore/explorer.js';
import { FAST_ONLY_MODELS, exploreModel } from '../src/explore/model.js';
import { sampledConformance } from '../src/explore/sampledConformance.js';
import type { SpecConstants } from '../src/trace/format/types.js';

export const SPEC_DIR = resolve(import.meta.dirname, '..', 'spec');
/** The specifications whose next-state relation is Next (LiveSpec only adds fairness). */
const SPECS = new Set(['Spec', 'LiveSpec']);

export const USAGE = `usage: npm run conformance -- [--graphs DIR] [model ...]

  model          spec/<model>.cfg, or a path to a .cfg (default: every "ci: true" model of
                 MultiPaxos whose SPECIFICATION is Spec or LiveSpec); the racing models
                 ci-race and ci-race-ballots, whose graphs are too big, are compared on a
                 sample: 200 uniform states and one per received message (CI runs the same
                 comparison in npm run check-fast)
  --graphs DIR   read each model's state graph from DIR/<model>.dot when present
                 (npm run check-spec -- --state-graph DIR writes them); else run the engine
  --actions      also print each model's transitions per action
  -h, --help     this text

A model with a CONSTRAINT: the engine leaves states outside it out of the graph, so the TS
transitions to them are counted, and 20 of them checked to violate it, instead of compared.

exit status: 0 the encoding equals the spec on every state, 1 a mismatch, 2 bad usage or input`;

export class UsageError extends Error {}

export interface ModelRun {
  model: string;
  source: 'engine' | 'file';
  graphSeconds: number;
  checkSeconds: number;
  /** Distinct states the engine reported (engine runs only). */
  engineStates?: number;
  report: GraphConformanceReport;
  /** explore_next's verdict on each reported mismatch. */
  diagnoses: string[];
  /** CONSTRAINT models: sampled transitions out of the graph, each shown by explore_eval to violate it. */
  constraintSamples: number;
}

/** The constants of a model, as the TS encoding takes them; only models it can encode. */
export function modelConstants(m: ModelInfo): Record<string, ConstantValue> {
  if (m.module !== 'MultiPaxos') throw new UsageError(`model ${m.name} checks module ${m.module}; the fast encoding is of MultiPaxos`);
  if (!SPECS.has(m.cfg.specification ?? '') && m.cfg.next !== 'Next') {
    throw new UsageError(`model ${m.name}: SPECIFICATION ${m.cfg.specification ?? '(none)'} is not Spec or LiveSpec`);
  }
  const out: Record<string, ConstantValue> = {};
  for (const c of m.cfg.constants) {
    if (c.value === undefined) throw new UsageError(`model ${m.name}: constant ${c.name} is substituted, not a value`);
    const v = parseTlaValue(c.value) as unknown;
    const num = (x: unknown): number | undefined => (x && typeof x === 'object' && '#bigint' in x ? Number((x as { '#bigint': string })['#bigint']) : undefined);
    if (typeof v === 'string') out[c.name] = v;
    else if (num(v) !== undefined) out[c.name] = num(v)!;
    else if (v && typeof v === 'object' && '#set' in v) out[c.name] = ((v as { '#set': unknown[] })['#set']).map((x) => num(x)!).sort((a, b) => a - b);
    else throw new UsageError(`model ${m.name}: constant ${c.name} = ${c.value} is not a number, set of numbers or string`);
  }
  if (m.cfg.actionConstraints.length > 0) throw new UsageError(`model ${m.name} has an ACTION_CONSTRAINT: the graph would omit transitions, not states`);
  if (out.Mutant !== undefined && out.Mutant !== 'none') throw new UsageError(`model ${m.name} sets Mutant = ${JSON.stringify(out.Mutant)}; the fast encoding has no mutants`);
  return out;
}

function modelCfg(m: ModelInfo): { constants: Record<string, ConstantValue>; cfg: SpecConfig } {
  const constants = modelConstants(m);
  return { constants, cfg: configFromConstants(constants as unknown as SpecConstants) };
}

export function flatSpec(module = 'MultiPaxos'): string {
  const load = (name: string): string | undefined => {
    const p = join(SPEC_DIR, `${name}.tla`);
    return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
  };
  return flattenModule(load(module)!, load).text;
}

function* fileLines(path: string): Generator<string> {
  const r = new LineReader(path);
  try {
    for (let l = r.next(); l !== null; l = r.next()) yield l.text;
  } finally {
    r.close();
  }
}

/** The graph's items from a file or a fresh engine run. */
function graphItems(m: ModelInfo, spec: string, graphsDir?: string): { items: () => Iterable<GraphItem>; source: 'engine' | 'file'; seconds: number; engineStates?: number } {
  const file = graphsDir === undefined ? undefined : join(graphsDir, `${m.name}.dot`);
  if (file !== undefined && existsSync(file)) {
    try { accessSync(file, fsConstants.R_OK); } catch (e) { throw new UsageError(`cannot read ${file}: ${(e as Error).message}`); }
    return { items: () => readStateGraph(fileLines(file)), source: 'file', seconds: 0 };
  }
  // The graph is the reachable states and nothing else: the model's invariants and properties
  // are left out, so a model that expects a violation (liveness-vacuity) still yields its graph.
  const g = engineStateGraph(loadTlaChecker(), spec, printCfg({ ...m.cfg, invariants: [], properties: [] }));
  return { items: () => readStateGraph(linesOf(g.dot)), source: 'engine', seconds: g.seconds, engineStates: g.statesExplored };
}

/** Checks one model; `successors` replaces the TS encoding (tests of the check itself). */
export function conformModel(m: ModelInfo, opts: { graphsDir?: string; successors?: Successors } = {}): ModelRun {
  const { constants, cfg } = modelCfg(m);
  const spec = flatSpec(m.module);
  const g = graphItems(m, spec, opts.graphsDir);
  const t0 = performance.now();
  const pruned = m.cfg.constraints.length > 0;
  const successors = opts.successors ?? fastSuccessors;
  const report = checkGraphConformance(g.items(), { cfg, successors, pruned });
  if (g.engineStates !== undefined && g.engineStates !== report.states) {
    report.errors.push(`the engine reported ${g.engineStates} distinct states, the graph has ${report.states}`);
    report.ok = false;
  }
  // For each mismatch, ask the engine itself about that one state (a second pass finds it).
  const diagnoses: string[] = [];
  if (report.mismatches.length > 0) {
    const wanted = new Map(report.mismatches.map((x) => [x.id, x]));
    const exploreCfg = cfgText(constants, 'Next');
    for (const item of g.items()) {
      if (item.kind !== 'state' || !wanted.has(item.id)) continue;
      const json = stateToEmbeddedJson(item.vars);
      diagnoses.push(diagnose(wanted.get(item.id)!, cfg.N, () => exploreNext(spec, exploreCfg, json).map((t) => ({ action: t.action, state: t.state as Record<string, unknown> }))));
    }
  }
  // Timed: the comparison plus the constraint samples (not the mismatch diagnoses).
  const constraintSamples = pruned ? checkOutside(m, report, g.items(), { spec, exploreCfg: cfgText(constants, 'Next'), cfg, successors }) : 0;
  const checkSeconds = (performance.now() - t0) / 1000;
  return { model: m.name, source: g.source, constraintSamples, graphSeconds: g.seconds, checkSeconds, ...(g.engineStates !== undefined ? { engineStates: g.engineStates } : {}), report, diagnoses };
}

interface Args { graphsDir?: string; models: string[]; actions: boolean; help: boolean }

/**
 * A CONSTRAINT model's graph leaves out the states outside the constraint, so the TS
 * transitions that leave the graph are not compared. A sample of them is checked here: the
 * engine must find the constraint FALSE in each target (explore_eval, ~0.1 s a call).
 */
function checkOutside(m: ModelInfo, report: GraphConformanceReport, items: Iterable<GraphItem>,
  ctx: { spec: string; exploreCfg: string; cfg: SpecConfig; successors: Successors }): number {
  const wanted = new Map<string, Array<{ action: string; target: string }>>();
  for (const x of report.leftGraphSamples) wanted.set(x.id, [...(wanted.get(x.id) ?? []), x]);
  const checker = loadTlaChecker();
  let checked = 0;
  for (const item of items) {
    if (item.kind !== 'state' || !wanted.has(item.id)) continue;
    const s = fromTla(stateToEmbeddedJson(item.vars)).state;
    for (const want of wanted.get(item.id)!) {
      const t = [...ctx.successors(ctx.cfg, s)].find((x) => x.action === want.action && stateKey(x.state, ctx.cfg.N) === want.target);
      if (!t) { report.errors.push(`state ${item.id}: sampled ${want.action} successor not found again`); report.ok = false; continue; }
      const json = JSON.stringify(toTla(t.state, ctx.cfg.N));
      const holds = m.cfg.constraints.every((c) => {
        const r = JSON.parse(checker.explore_eval(ctx.spec, ctx.exploreCfg, '{}', json, c)) as { ok?: boolean; value?: string; error?: string };
        // Anything but a boolean would make the check vacuous: refuse it.
        if (r.ok !== true || (r.value !== 'true' && r.value !== 'false')) throw new Error(`tla-checker explore_eval ${c}: ${r.error ?? JSON.stringify(r)}`);
        return r.value === 'true';
      });
      if (holds) {
        report.errors.push(`state ${item.id}: TS ${want.action} leads to a state outside the graph that satisfies ${m.cfg.constraints.join(' /\\ ')}`);
        report.ok = false;
      }
      checked++;
    }
  }
  return checked;
}

export function parseArgs(argv: string[]): Args {
  const out: Args = { models: [], actions: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') out.help = true;
    else if (a === '--actions') out.actions = true;
    else if (a === '--graphs') {
      const d = argv[++i];
      if (d === undefined) throw new UsageError('--graphs needs a directory');
      if (!existsSync(d) || !statSync(d).isDirectory()) throw new UsageError(`--graphs ${d}: no such directory`);
      out.graphsDir = d;
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else out.models.push(a);
  }
  return out;
}

export function selectModels(names: string[]): ModelInfo[] {
  const all = listModels(SPEC_DIR);
  if (names.length === 0) return all.filter((m) => m.ci && m.module === 'MultiPaxos' && SPECS.has(m.cfg.specification ?? ''));
  return names.map((n) => {
    if (n.endsWith('.cfg')) {
      if (!existsSync(n)) throw new UsageError(`no such model file ${n}`);
      return loadModel(n);
    }
    const m = all.find((x) => x.name === n);
    if (!m) throw new UsageError(`unknown model ${n} (known: ${all.map((x) => x.name).join(', ')})`);
    return m;
  });
}

export function summary(r: ModelRun): string {
  const rep = r.report;
  const graph = r.source === 'engine' ? `graph ${r.graphSeconds.toFixed(1)} s (engine)` : 'graph from file';
  return `${r.model}: ${rep.states} states, ${rep.transitions} transitions, ${Object.keys(rep.perAction).length} actions compared; ` +
    (rep.leftGraph > 0 ? `${rep.leftGraph} TS transitions leave the graph (CONSTRAINT), ${r.constraintSamples} sampled and shown outside it; ` : '') +
    `${graph}, check ${r.checkSeconds.toFixed(1)} s; ${rep.ok ? 'equal' : `${rep.mismatchCount} states differ, ${rep.errors.length} errors`}`;
}

/**
 * Sampled conformance of a model too big for a state graph: the explorer enumerates it, and
 * 200 uniformly drawn states plus one state per distinct message some step receives are
 * compared with the .tla on the engine (successors, and the CONSTRAINT's verdict on each).
 */
export function sampledModel(m: ModelInfo, successors?: Successors,
  found?: Pick<ReturnType<typeof explore>, 'distinct' | 'sample' | 'messageSample'>): { ok: boolean; line: string; mismatches: string[] } {
  const em = exploreModel(m);
  const r = found ?? explore({ cfg: em.cfg, invariants: {}, constraints: em.constraints, checkDeadlock: false, sample: { size: 200, seed: 1 }, samplePerMessage: true });
  const c = sampledConformance(em, [...r.sample, ...r.messageSample], successors === undefined ? {} : { successors });
  return {
    ok: c.mismatchCount === 0,
    mismatches: c.mismatches,
    line: `${m.name}: sampled (no state graph in CI time): ${r.distinct} states explored, ${c.states} compared (${r.sample.length} uniform, ${r.messageSample.length} one per received message), ` +
      `${c.transitions} transitions, ${c.constraintVerdicts} constraint verdicts; ${c.mismatchCount === 0 ? 'equal' : `${c.mismatchCount} differ`}`,
  };
}

export function main(argv: string[]): number {
  let models: ModelInfo[];
  let graphsDir: string | undefined;
  let actions = false;
  try {
    const args = parseArgs(argv);
    if (args.help) { process.stdout.write(USAGE + '\n'); return 0; }
    graphsDir = args.graphsDir;
    actions = args.actions;
    models = selectModels(args.models);
    for (const m of models) if (!FAST_ONLY_MODELS.includes(m.name)) modelConstants(m); // refuse unsupported models before any long run
  } catch (e) {
    if (e instanceof UsageError || e instanceof CfgError) { process.stderr.write(`conformance: ${e.message}\n`); return 2; }
    throw e;
  }
  let failed = false;
  for (const m of models) {
    if (FAST_ONLY_MODELS.includes(m.name)) {
      // No state graph of these fits the engine in CI time: a sample of the explorer's states.
      const s = sampledModel(m);
      process.stdout.write(s.line + '\n');
      for (const x of s.mismatches) process.stdout.write(`${m.name}: ${x}\n`);
      if (!s.ok) failed = true;
      continue;
    }
    let run: ModelRun;
    try {
      run = conformModel(m, graphsDir === undefined ? {} : { graphsDir });
    } catch (e) {
      // A bad graph file (or one that cannot be opened) is bad input, not a mismatch.
      if (e instanceof UsageError || e instanceof StateGraphError || (e as NodeJS.ErrnoException | undefined)?.code !== undefined) {
        const where = graphsDir !== undefined && existsSync(join(graphsDir, `${m.name}.dot`)) ? `${join(graphsDir, `${m.name}.dot`)}: ` : '';
        process.stderr.write(`conformance: ${m.name}: ${where}${(e as Error).message}\n`);
        return 2;
      }
      throw e;
    }
    process.stdout.write(summary(run) + '\n');
    if (actions) {
      const per = Object.entries(run.report.perAction).sort(([a], [b]) => a.localeCompare(b));
      process.stdout.write(`  ${per.map(([a, n]) => `${a}=${n}`).join(' ')}\n`);
    }
    if (!run.report.ok) {
      failed = true;
      process.stdout.write(formatReport(run.report) + '\n');
      for (const d of run.diagnoses) process.stdout.write(`diagnosis: ${d}\n`);
    }
  }
  return failed ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`conformance: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}

