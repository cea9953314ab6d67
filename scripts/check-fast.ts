/**
 * npm run check-fast -- [model ...] [--sample K] [--graphs DIR] [--max-states N] [--progress] [--workers W] [--workers-from N]
 *
 * Explicit-state model checking over the fast TypeScript encoding of the spec (src/explore/):
 * breadth-first from Init, every distinct state once by its 64-bit fingerprint, the model's
 * invariants on every state, its step properties on every transition, its CONSTRAINT as TLC
 * applies one. It checks models far bigger than the embedded engine can (ci-race), and is
 * trusted only with its two links to the .tla:
 *   - graph conformance (npm run conformance) proves the encoding equal to the .tla on every
 *     state of the CI models, and with --graphs DIR this script checks that it finds exactly the
 *     number of states the engine's graph of the same model holds;
 *   - on every model it checks here, a uniform random sample of --sample of the states it
 *     found, and one state for every distinct message some step receives (rare cases a uniform
 *     sample misses), are compared with the .tla on the embedded engine
 *     (src/explore/sampledConformance.ts: every state's successors, and the CONSTRAINT's verdict
 *     on each of them).
 * A violation is printed as a counterexample of spec actions, and confirmed on the embedded
 * engine against the .tla itself before it is reported (src/explore/engineReplay.ts).
 * --workers W splits the search over W worker threads (src/explore/parallelExplorer.ts): the
 * same counts; the uniform sample is then drawn by fingerprint (it does not depend on W); a shortest
 * counterexample, not necessarily the one the single-thread search reports. Only for a model of
 * at least --workers-from states (its cfg's "states:"; one without counts as large): below, the
 * threads' start and their trades after each level cost more than they save (2026-12-06, every
 * CI model but ci-race-retry, two threads against this one: 51 s against 18 s of search).
 * Exit 0 every model passes as its cfg expects, 1 a violation or a mismatch, 2 bad usage or input.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CfgError } from '../src/modelcheck/cfg/cfg.js';
import { type ModelInfo, listModels, loadModel } from '../src/modelcheck/cfg/models.js';
import { linesOf, readStateGraph } from '../src/modelcheck/embedded/stateGraph.js';
import { formatViolation } from '../src/explore/counterexample.js';
import { replayOnEngine } from '../src/explore/engineReplay.js';
import { type ExploreResult, type Progress, explore } from '../src/explore/explorer.js';
import { exploreParallel } from '../src/explore/parallelExplorer.js';
import { CI_FAST_ONLY_MODELS, ModelError, exploreModel } from '../src/explore/model.js';
import { sampledConformance } from '../src/explore/sampledConformance.js';

const SPEC_DIR = resolve(import.meta.dirname, '..', 'spec');

const USAGE = `usage: npm run check-fast -- [model ...] [--sample K] [--graphs DIR] [--max-states N] [--progress] [--workers W] [--workers-from N]

  model           spec/<model>.cfg or a path to a .cfg (default: every "ci: true" model and ${CI_FAST_ONLY_MODELS.join(', ')})
  --sample K      compare K states of each model (a uniform sample of those found), and one
                  state per distinct received message, with the .tla on the embedded engine
                  (default 200; 0 turns both off)
  --graphs DIR    also check the number of distinct states against DIR/<model>.dot, the state
                  graph npm run check-spec -- --state-graph DIR wrote; a model with a graph is
                  not sampled (npm run conformance -- --graphs DIR compares the encoding with
                  the .tla on every state of it, which the same count then makes this search's)
  --max-states N  stop a model after N distinct states (a bounded run is reported, not passed)
  --progress      print the search's progress every 10 s
  --workers W     split the search over W worker threads (default 1: this thread); the
                  counts are the same, the counterexample may be another shortest one
  --workers-from N  use the worker threads only for a model whose cfg says it has at least N
                  states (a model that says none counts as large); smaller ones are searched
                  in this thread, which is faster there (default 100000; 0: every model)
  --mutant NAME   check the spec with Mutant = NAME (src/explore/mutantSteps.ts): passes when the
                  search finds a violation and the embedded engine confirms it on the .tla

A model that passes must find as many distinct states as its cfg's "\\* states: N" says, when
it says (TLC's and the embedded engine's count).

exit status: 0 as expected, 1 a violation or a mismatch, 2 bad usage or input`;

class UsageError extends Error {}

interface Args { models: string[]; sample: number; graphs?: string; maxStates?: number; progress: boolean; mutant?: string; workers: number; workersFrom: number }

function parseArgs(argv: string[]): Args {
  const out: Args = { models: [], sample: 200, progress: false, workers: 1, workersFrom: 100_000 };
  const num = (flag: string, v: string | undefined): number => {
    if (v === undefined || !/^\d+$/.test(v)) throw new UsageError(`${flag} needs a whole number, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') { console.log(USAGE); process.exit(0); }
    else if (a === '--sample') out.sample = num(a, argv[++i]);
    else if (a === '--max-states') out.maxStates = num(a, argv[++i]);
    else if (a === '--progress') out.progress = true;
    else if (a === '--workers') {
      out.workers = num(a, argv[++i]);
      // Each part is a thread with its own copy of the interned values: more than the cores is waste.
      if (out.workers < 1 || out.workers > 64) throw new UsageError(`--workers needs 1 to 64, got ${out.workers}`);
    }
    else if (a === '--workers-from') out.workersFrom = num(a, argv[++i]);
    else if (a === '--mutant') {
      out.mutant = argv[++i];
      if (out.mutant === undefined) throw new UsageError('--mutant needs a name (the spec\'s Mutant constant)');
    }
    else if (a === '--graphs') {
      const d = argv[++i];
      if (d === undefined || !existsSync(d)) throw new UsageError(`--graphs needs an existing directory, got ${d ?? 'nothing'}`);
      out.graphs = d;
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else out.models.push(a);
  }
  return out;
}

function modelsOf(names: string[]): ModelInfo[] {
  if (names.length === 0) {
    return listModels(SPEC_DIR).filter((m) => m.module === 'MultiPaxos' && (m.ci || CI_FAST_ONLY_MODELS.includes(m.name)));
  }
  return names.map((n) => {
    const path = n.endsWith('.cfg') ? n : join(SPEC_DIR, `${n}.cfg`);
    if (!existsSync(path)) throw new UsageError(`no model ${n} (${path} does not exist)`);
    return loadModel(path);
  });
}

/** Distinct states in a state graph the embedded engine wrote. */
function graphStates(path: string): number {
  let n = 0;
  for (const item of readStateGraph(linesOf(readFileSync(path, 'utf8')))) if (item.kind === 'state') n++;
  return n;
}

const fmt = (n: number): string => n.toLocaleString('en-US');

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const models = modelsOf(args.models);
  let failed = false;
  const rows: string[] = [];
  for (const info of models) {
    const m = exploreModel(info, args.mutant !== undefined ? { mutant: args.mutant } : {});
    const t0 = performance.now();
    const graphPath = args.graphs !== undefined ? join(args.graphs, `${m.name}.dot`) : undefined;
    const graph = graphPath !== undefined && existsSync(graphPath) ? graphPath : undefined;
    const sampled = args.sample > 0 && graph === undefined;
    const common = {
      ...(args.maxStates !== undefined ? { maxStates: args.maxStates } : {}),
      ...(sampled ? { sample: { size: args.sample, seed: 1 }, samplePerMessage: true } : {}),
      ...(args.progress ? { onProgress: (p: Progress) => console.log(`[${m.name} fast] ${Math.round(p.seconds)} s: ${fmt(p.distinct)} distinct states, ${fmt(p.generated)} generated, ${fmt(p.queued)} on queue, depth ${p.depth}`) } : {}),
    };
    const workers = (info.cfg.meta.states ?? Infinity) >= args.workersFrom ? args.workers : 1;
    const r: ExploreResult = workers > 1
      ? await exploreParallel({ cfgPath: resolve(info.cfgPath), parts: workers, ...(args.mutant !== undefined ? { mutant: args.mutant } : {}), ...common })
      : explore({ cfg: m.cfg, mutant: m.mutant, invariants: m.invariants, stepProperties: m.stepProperties, constraints: m.constraints, checkDeadlock: m.checkDeadlock, ...common });
    // A mutant must break some property; the model's own expectation is for the correct spec.
    // A model that expects a temporal property violated (liveness-vacuity) expects it of check-spec:
    // the explorer checks no temporal property, so here the model must pass.
    const stated = info.cfg.meta.expect;
    const temporalOnly = stated?.kind === 'violation' && m.unchecked.includes(stated.property);
    const expect = args.mutant !== undefined && args.mutant !== 'none' ? { kind: 'violation' as const, property: undefined }
      : temporalOnly ? { kind: 'pass' as const } : stated ?? { kind: 'pass' as const };
    const notes: string[] = workers > 1 ? [`${workers} worker threads`] : args.workers > 1 ? [`this thread (fewer states than --workers-from ${fmt(args.workersFrom)})`] : [];
    let ok = expect.kind === 'pass' ? r.verdict === 'pass' : r.verdict === 'violation' && (expect.property === undefined || r.violation?.property === expect.property);
    if (r.verdict === 'limit') { ok = false; notes.push(`stopped at --max-states ${fmt(args.maxStates!)}`); }
    if (r.violation) {
      console.log(`\n${m.name}: ${formatViolation(r.violation, m.cfg.N)}`);
      const replay = replayOnEngine(r.violation, m.constants);
      notes.push(replay.ok ? `counterexample confirmed on the .tla (${replay.steps} steps)` : `counterexample NOT confirmed on the .tla: step ${replay.at}: ${replay.reason}`);
      if (!replay.ok) ok = false;
    }
    if (graph !== undefined) {
      const n = graphStates(graph);
      if (n === r.distinct) notes.push(`the engine's graph has the same ${fmt(n)} states (compared with the .tla on every one by npm run conformance)`);
      else { ok = false; notes.push(`the engine's graph has ${fmt(n)} states, the explorer ${fmt(r.distinct)}`); }
    }
    // The count the cfg states (TLC's and the engine's): the one check of it for a model whose
    // graph CI does not build (the racing models).
    const statedStates = info.cfg.meta.states;
    if (statedStates !== undefined && r.verdict === 'pass' && (args.mutant === undefined || args.mutant === 'none')) {
      if (statedStates === r.distinct) notes.push(`as many states as the cfg says (states: ${fmt(statedStates)})`);
      else { ok = false; notes.push(`the cfg says states: ${fmt(statedStates)}, the explorer found ${fmt(r.distinct)}`); }
    }
    if (sampled && r.sample.length > 0) {
      const c = sampledConformance(m, [...r.sample, ...r.messageSample]);
      notes.push(`sample of ${fmt(c.states)} states (${fmt(r.sample.length)} uniform, ${fmt(r.messageSample.length)} one per received message) against the .tla: ${c.mismatchCount === 0 ? 'equal' : `${c.mismatchCount} MISMATCHES`} (${fmt(c.transitions)} transitions, ${fmt(c.constraintVerdicts)} constraint verdicts, ${c.seconds.toFixed(0)} s)`);
      for (const x of c.mismatches) console.log(`${m.name}: ${x}`);
      if (c.mismatchCount > 0) ok = false;
    }
    if (m.unchecked.length > 0) notes.push(`temporal ${m.unchecked.join(', ')} not checked here (check-spec checks it)`);
    notes.push(`chance of a fingerprint collision at most ${r.collisionProbability.toExponential(1)}`);
    if (!ok) failed = true;
    const seconds = (performance.now() - t0) / 1000;
    rows.push(`${m.name.padEnd(12)} ${r.verdict.padEnd(9)} ${fmt(r.distinct).padStart(11)} ${fmt(r.generated).padStart(12)} ${String(r.depth).padStart(5)} ${r.seconds.toFixed(1).padStart(7)} ${fmt(Math.round(r.distinct / Math.max(r.seconds, 1e-3))).padStart(8)}  ${ok ? 'ok' : 'FAIL'}${notes.length ? `: ${notes.join('; ')}` : ''}`);
    console.log(rows[rows.length - 1]);
  }
  console.log(`\n${'model'.padEnd(12)} ${'verdict'.padEnd(9)} ${'distinct'.padStart(11)} ${'generated'.padStart(12)} depth ${'search s'.padStart(7)} ${'states/s'.padStart(8)}`);
  for (const row of rows) console.log(row);
  return failed ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (e) {
  if (e instanceof UsageError || e instanceof CfgError || e instanceof ModelError) {
    console.error(`check-fast: ${e.message}`);
    process.exitCode = 2;
  } else throw e;
}
