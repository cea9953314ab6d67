/**
 * Trace validation in CI: runs seeded fault-injected simulations (loss, duplication,
 * reordering, partitions, crashes, leader kills and isolations), writes each run's trace,
 * and validates every trace (schema + replay through the fast spec encoding) in worker
 * threads while the simulator writes the next ones. Then a sample of events is replayed
 * through the embedded spec (tla-checker) too: windows of events around leader changes
 * (Adopted, Preempted, an active leader's restart, an acceptor moving to another leader's
 * ballot) drawn from every run with a seeded choice and a cost budget (--embedded-budget, in
 * steps at a small state; --embedded-window events either side), plus the first E events of
 * every K-th trace, which start at the .tla's own Init. A window in the middle of a run
 * starts from the state the fast replay reached there from Init (src/trace/replay/embeddedWindows.ts).
 *
 *   npx tsx scripts/validate-sim-traces.ts [--runs 200] [--seed 1] [--embedded-every 50]
 *     [--embedded-max 80] [--embedded-budget 800] [--embedded-window 6]
 *     [--format mixed|full|compact] [--checkpoint-every K] [--batch-max B] [--down-for-good-every K]
 *     [--racing-every K] [--nodes N] [--out DIR] [--keep] [--jobs J]
 *
 * --format: traces with the full node state in every event, compact ones (state deltas), or
 * (default) both, alternating, so that both forms the checker reads are exercised.
 *
 * --checkpoint-every K (default 4; 0: never): every third run has each replica snapshot every
 * K slots and its node compact (ReplicaSnapshot, AcceptorCompact, LeaderCompact after a restart,
 * marks in Promises, restarts from snapshots), so checkpointed runs are validated as the others are.
 *
 * --batch-max B (default 4; 1: never): every fourth run lets a replica propose up to B waiting
 * requests as one slot's batch (every other one of those up to 2, so that full batches leave
 * requests waiting), with 12 clients (more than a replica's window of 5, or nothing would
 * wait), so batch traces are validated as the others are.
 *
 * --nodes N (at least 3; default: each seed draws 3, 4 or 5): every run's cluster has N nodes,
 * its faults drawn over them (faultScenario's size), for sweeps of clusters CI does not draw.
 *
 * --down-for-good-every K (default 10; 0: never): every K-th run formed at start (not a long
 * one) also loses a node for good, crashed or killed as leader with no restart (see
 * withNodeDownForGood); its traces are validated as the others are, and its liveness check
 * exempts only the clients hosted on that node: every other client must finish.
 *
 * --racing-every K (default 4; 0: never): every K-th run (not a long one, nor one with a node
 * down for good) races leaders on values (withRacingLeaders: formed at start, five nodes or
 * --nodes, a client on each, 40% loss, the leader isolated for 120 ms every 160 ms), so that
 * leaders adopt two values for one slot, some at one ballot number: where a wrong pmax shows.
 * The drawn runs almost never do (one adoption in 200 runs, none at one number, 2026-12-07).
 *
 * Every tenth run (not a long one) fills its nodes' Requesters: three clients on each node, at
 * most two requests pending per node, replicas checkpointing (withFullRequesters), so requests
 * are refused and offered again, and a node that lags installs a Welcome holding some of its own
 * pending requests: every client must still be answered (a replica once lost such answers).
 *
 * Every trace names its application, so the checker also replays the state machine along each
 * replica's history and checks the client-level history for linearizability (one invoke, one
 * operation). A run whose requests do not all complete once its faults have healed fails too
 * (a liveness check: the simulator heals everything, then waits for every live node).
 *
 * Exits 1 if any trace fails or any run is unsafe or unfinished (its replay command printed),
 * or if the runs had leader changes and the embedded sample holds none, or adoptions of two values
 * for one slot and it holds none of those (unless --embedded-budget 0).
 *
 * Coverage (src/trace/replay/coverage.ts): a check passes on a path no run takes, so the runs
 * must take the paths where bugs written by others went unseen: a retried request answered
 * from a replica's table of executed requests, and (with --batch-max over 1) a batch at its
 * bound proposed while more requests waited, and a batch its input bound cut (the runs that
 * defer proposals to the next Decision batch under a small one), and a Promise received in
 * parts (every tenth run sends Promises of at most 400 bytes), and a Welcome installed from parts
 * (another tenth sends Welcomes of at most 1,000 bytes), and a refusal (an answer reporting a higher
 * promise) received by a commander and by a scout, and (with racing runs) an adoption of two
 * values for one slot, and one of two values at one ballot number. Required with --runs 100 or more, or with
 * --require-coverage; the script exits 1 naming what no run exercised. The seeds are fixed, so
 * the counts are too: a change that loses one shows at once.
 *
 * --corrupt-first: the first run's trace is made wrong before it is checked (its second event's
 * Lamport clock set to 0, which no schema-valid event has), so the run must fail. It is for the
 * test of this script's own exit status (test/trace/validateSimTracesExit.test.ts): the last
 * link between a failing trace and a red CI.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TraceInput, type TraceVerdict, formatVerdict } from '../src/trace/replay/check.js';
import { addCoverage, noCoverage } from '../src/trace/replay/coverage.js';
import { DEFAULT_SAMPLE, type RunEvents, chooseWindows, windowEvents } from '../src/trace/replay/embeddedWindows.js';
import { MIN_SCENARIO_NODES, faultScenario, isLongRun, withFullRequesters, withNodeDownForGood, withRacingLeaders } from '../src/trace/runs/faultScenarios.js';
import { TracePool, defaultWorkers } from '../src/trace/replay/pool.js';
import { traceScenario } from '../src/trace/runs/simTrace.js';
import { sampleMisses, uncoveredPaths, unfinishedReason, validationExitCode } from '../src/trace/runs/validationVerdict.js';
import { type Scenario, replayCommand } from '../src/sim/scenario.js';

/** --corrupt-first: the second event's Lamport clock set to 0 (clocks start at 1). */
function corruptClock(path: string): void {
  const lines = readFileSync(path, 'utf8').split('\n');
  lines[2] = lines[2]!.replace(/"clock":\d+/, '"clock":0');
  writeFileSync(path, lines.join('\n'));
}

function usage(message: string): never {
  process.stderr.write(`validate-sim-traces: ${message}\nusage: validate-sim-traces [--runs N] [--seed S] [--embedded-every K] [--embedded-max E] [--embedded-budget B] [--embedded-window W] [--format mixed|full|compact] [--checkpoint-every K] [--batch-max B] [--down-for-good-every K] [--racing-every K] [--nodes N] [--out DIR] [--keep] [--jobs J] [--corrupt-first] [--require-coverage]\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const opt = {
  runs: 200, seed: 1, embeddedEvery: DEFAULT_SAMPLE.prefixEvery, embeddedMax: DEFAULT_SAMPLE.prefixEvents,
  embeddedBudget: DEFAULT_SAMPLE.budgetEvents, embeddedWindow: DEFAULT_SAMPLE.before,
  out: '', keep: false, format: 'mixed', jobs: defaultWorkers(), checkpointEvery: 4, batchMax: 4, downForGoodEvery: 10, racingEvery: 4,
  corruptFirst: false, requireCoverage: false, nodes: undefined as number | undefined,
};
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  const num = (): number => {
    const v = Number(args[++i]);
    if (!Number.isSafeInteger(v) || v < 0) usage(`${a} needs a whole number`);
    return v;
  };
  if (a === '--runs') opt.runs = num();
  else if (a === '--seed') opt.seed = num();
  else if (a === '--embedded-every') opt.embeddedEvery = num();
  else if (a === '--embedded-max') opt.embeddedMax = num();
  else if (a === '--embedded-budget') opt.embeddedBudget = num();
  else if (a === '--embedded-window') opt.embeddedWindow = num();
  else if (a === '--out') opt.out = args[++i] ?? usage('--out needs a folder');
  else if (a === '--keep') opt.keep = true;
  else if (a === '--corrupt-first') opt.corruptFirst = true;
  else if (a === '--require-coverage') opt.requireCoverage = true;
  else if (a === '--checkpoint-every') opt.checkpointEvery = num();
  else if (a === '--batch-max') { opt.batchMax = num(); if (opt.batchMax < 1) usage('--batch-max needs at least 1'); }
  else if (a === '--down-for-good-every') opt.downForGoodEvery = num();
  else if (a === '--racing-every') opt.racingEvery = num();
  else if (a === '--nodes') { opt.nodes = num(); if (opt.nodes < MIN_SCENARIO_NODES) usage(`--nodes needs at least ${MIN_SCENARIO_NODES}`); }
  else if (a === '--jobs') { opt.jobs = num(); if (opt.jobs < 1) usage('--jobs needs at least 1'); }
  else if (a === '--format') {
    opt.format = args[++i] ?? '';
    if (!['mixed', 'full', 'compact'].includes(opt.format)) usage('--format is mixed, full or compact');
  }
  else usage(`unknown argument ${a}`);
}

const dir = opt.out || mkdtempSync(join(tmpdir(), 'sim-traces-'));
mkdirSync(dir, { recursive: true });
const started = performance.now();
const pool = new TracePool(opt.jobs);

/** `trace`: the run's trace format, part of what it ran (replayCommand). */
interface Run { scenario: Scenario; input: TraceInput; trace: 'full' | 'compact' }
/** Clients of a batched run: more than a replica's window (5), so requests wait for a slot together. */
const BATCH_CLIENTS = 12;
/**
 * The bound of every other batched run (those that do not defer proposals): 12 clients over 3
 * nodes put at most 4 requests in a replica's queue, so no batch of up to 4 ever left one
 * waiting, and a bound that let one more in passed. Full batches of 2 leave requests waiting.
 * (More clients would do too, but the simulator's own linearizability search grows with how
 * many requests overlap: 18 clients made the simulation six times slower.)
 */
const SMALL_BATCH_MAX = 2;
/**
 * The input bound of the runs that defer proposals to the next Decision (their batches are the
 * longest): the simulated inputs are 30 to 80 units, so a batch stops at two or three requests
 * by its input as often as at BatchMax. With the default, 32,768, no batch ever reached it, and
 * a replica that summed the inputs wrong passed.
 */
const SMALL_BATCH_INPUT = 120;
/**
 * Every tenth run sends its Promises in parts of at most this many bytes (Limits.maxPromiseBytes):
 * with the default, 59,000, no simulated Promise was ever split, and a scout that counted an
 * acceptor at its first part (losing the others' pvalues) passed every run.
 */
const SMALL_PROMISE_BYTES = 400;
/**
 * Every tenth run (another tenth) sends its Welcomes in parts of at most this many bytes
 * (Limits.maxWelcomeBytes): with the default, 59,000, no simulated Welcome was split, and only
 * test/trace/partsSimTraces.test.ts's two seeds took the path.
 */
const SMALL_WELCOME_BYTES = 1_000;
let failed = 0; let unsafe = 0; let unfinished = 0; let simMs = 0; let batchedRuns = 0; let deferredRuns = 0; let inputBoundRuns = 0; let promisePartRuns = 0; let welcomePartRuns = 0; let downRuns = 0; let fullRequesterRuns = 0; let racingRuns = 0;
let operations = 0;
const coverage = noCoverage();
const removeUnlessKept = (run: Run): void => { if (!opt.keep && !opt.out) rmSync(run.input.name); };
/** Counts and prints a verdict; a passing trace's file is removed unless it is still `needed`. */
const report = (v: TraceVerdict, run: Run, needed: boolean): void => {
  operations += v.client?.operations ?? 0;
  if (!v.ok) {
    failed++;
    process.stdout.write(`${formatVerdict(v)}\n  scenario: ${replayCommand(run.scenario, run.trace)}\n`);
  } else if (!needed) removeUnlessKept(run);
};

// The fast path on every trace, checked while the next runs simulate; it also finds where leaders change.
let fastEvents = 0; let fastFrom = 0; let fastTo = 0; let inThreadMs = 0;
const fastChecks: Promise<void>[] = [];
// Per run, in run order (the prefix windows fall on every K-th): what its fast check found. A
// run that failed has no events to sample; a passing run's trace is kept while it may be sampled.
const runEvents: RunEvents[] = [];
const kept = new Map<string, Run>();
for (let r = 0; r < opt.runs; r++) {
  const drawn = faultScenario(opt.seed + r, opt.nodes);
  // Every K-th run (of those formed at start, not the long ones) loses a node for good.
  const downForGood = opt.downForGoodEvery > 0 && r % opt.downForGoodEvery === 3 % opt.downForGoodEvery && drawn.formation !== 'seed' && !isLongRun(drawn);
  // Every fourth run (not a long one, nor one with a node down) races leaders on values, formed at start (withRacingLeaders).
  const racing = opt.racingEvery > 0 && r % opt.racingEvery === opt.racingEvery - 1 && !downForGood && !isLongRun(drawn);
  const faults = downForGood ? withNodeDownForGood(drawn) : racing ? withRacingLeaders(drawn, opt.nodes) : drawn;
  if (downForGood) downRuns++;
  if (racing) racingRuns++;
  const checkpointed = opt.checkpointEvery > 0 && r % 3 === 2 ? { ...faults, checkpointEvery: opt.checkpointEvery } : faults;
  const batched = opt.batchMax > 1 && r % 4 === 1 && !isLongRun(faults);
  // Half of the batched runs defer proposals: to the end of the turn, as node processes do, or
  // (every other one of those) until a Decision arrives.
  const deferred = batched && r % 8 === 5 ? (r % 16 === 5 ? 'turn' : 'decision') : undefined;
  if (batched) batchedRuns++;
  if (deferred) deferredRuns++;
  if (deferred === 'decision') inputBoundRuns++;
  const promiseParts = r % 10 === 7;
  if (promiseParts) promisePartRuns++;
  const shaped: Scenario = batched
    ? {
      ...checkpointed, batchMax: deferred ? opt.batchMax : Math.min(SMALL_BATCH_MAX, opt.batchMax), workload: { ...faults.workload, clients: BATCH_CLIENTS },
      ...(deferred ? { deferProposals: deferred } : {}), ...(deferred === 'decision' ? { batchMaxInput: SMALL_BATCH_INPUT } : {}),
    }
    : checkpointed;
  const welcomeParts = r % 10 === 2;
  if (welcomeParts) welcomePartRuns++;
  // Every tenth run fills its nodes' Requesters (three clients a node, two requests pending).
  const fullRequesters = r % 10 === 5 && !isLongRun(shaped);
  if (fullRequesters) fullRequesterRuns++;
  const scenario: Scenario = {
    ...(fullRequesters ? withFullRequesters(shaped, opt.checkpointEvery > 0 ? opt.checkpointEvery : 4) : shaped),
    ...(promiseParts ? { maxPromiseBytes: SMALL_PROMISE_BYTES } : {}), ...(welcomeParts ? { maxWelcomeBytes: SMALL_WELCOME_BYTES } : {}),
  };
  const path = join(dir, `sim-${scenario.seed}.ndjson`);
  const t0 = performance.now();
  const compact = opt.format === 'compact' || (opt.format === 'mixed' && r % 2 === 1);
  // Every run tracked, the long ones too: an execution of the tracked machine costs O(1) since
  // its chain digest (src/sim/tracking.ts), and tracking is what the simulator's own checks read.
  const traced = traceScenario(scenario, path, { eventLog: false }, 'scripts/validate-sim-traces.ts', compact);
  simMs += performance.now() - t0;
  if (opt.corruptFirst && r === 0) corruptClock(path);
  if (traced.run.violations.length > 0) {
    unsafe++;
    process.stdout.write(`UNSAFE run seed ${scenario.seed}: ${traced.run.violations.slice(0, 3).join('; ')}\n  replay: ${replayCommand(scenario, compact ? 'compact' : 'full')}\n`);
  }
  const result = traced.run.result;
  // With a node down for good, its own clients are exempt; every other one must finish.
  const unfinishedWhy = unfinishedReason(result, scenario.nodes);
  if (unfinishedWhy !== null) {
    unfinished++;
    process.stdout.write(`UNFINISHED run seed ${scenario.seed}: after the faults healed, ${unfinishedWhy} ` +
      `(stop=${result.stopReason}, ${result.acks.length} requests answered, t=${result.timeMs.toFixed(0)} ms)\n  replay: ${replayCommand(scenario, compact ? 'compact' : 'full')}\n`);
  }
  const run: Run = { scenario, input: { name: path, files: [path] }, trace: compact ? 'compact' : 'full' };
  if (fastFrom === 0) fastFrom = performance.now();
  const t1 = performance.now();
  const prefixCandidate = opt.embeddedEvery > 0 && r % opt.embeddedEvery === 0;
  runEvents.push({ name: path, events: 0, leaderChanges: [] });
  fastChecks.push(pool.check(run.input, { leaderChanges: true, coverage: true }).then((v) => {
    fastEvents += v.events; fastTo = performance.now();
    if (v.coverage !== undefined) addCoverage(coverage, v.coverage);
    const candidate = v.ok && (prefixCandidate || v.leaderChanges!.length > 0);
    report(v, run, candidate);
    // A racing run offers the sample only its adoptions of two values for one slot (what it is
    // run for): its other leader changes come by the dozen, in states of many messages, and drew
    // the fixed budget away from the drawn runs' (51 windows fell to 25, 2026-12-07).
    const changes = racing ? v.leaderChanges!.filter((c) => c.kind === 'adopted-rival') : v.leaderChanges!;
    if (candidate) { runEvents[r] = { name: path, events: v.events, leaderChanges: changes }; kept.set(path, run); }
  }));
  inThreadMs += performance.now() - t1; // the whole check when it runs in this thread, else ~0
  if ((r + 1) % 50 === 0 || r + 1 === opt.runs) process.stderr.write(`validate-sim-traces: ${r + 1}/${opt.runs} runs simulated, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
// A checker that cannot run rejects: the script then fails with its message.
await Promise.all(fastChecks);
const fastSecs = (performance.now() - started) / 1000;

// The embedded sample: each sampled run is replayed again, the fast and embedded oracles
// together in its windows, event by event.
const sample = chooseWindows(runEvents, {
  seed: opt.seed, budgetEvents: opt.embeddedBudget, before: opt.embeddedWindow, after: opt.embeddedWindow,
  prefixEvery: opt.embeddedEvery, prefixEvents: opt.embeddedMax,
});
const embeddedStarted = performance.now();
let embeddedEvents = 0; let windowCount = 0;
await Promise.all([...kept].map(([name, run]) => {
  const windows = sample.windows.get(name);
  if (windows === undefined) { removeUnlessKept(run); return undefined; }
  windowCount += windows.length;
  return pool.check(run.input, { embeddedWindows: windows, noClient: true }).then((v) => {
    embeddedEvents += v.embeddedEvents;
    if (v.ok && v.embeddedEvents !== windowEvents(windows)) throw new Error(`${name}: the embedded oracle replayed ${v.embeddedEvents} of its windows' ${windowEvents(windows)} events`);
    report(v, run, false);
  });
}));
await pool.close();
const embeddedSecs = (performance.now() - embeddedStarted) / 1000;
const foundChanges = Object.values(sample.found).reduce((a, b) => a + b, 0);
const sampledChanges = Object.values(sample.sampled).reduce((a, b) => a + b, 0);
const perKind = Object.entries(sample.sampled).map(([k, n]) => `${k} ${n}/${sample.found[k as keyof typeof sample.found]}`).join(', ');
const misses = opt.embeddedBudget > 0 ? sampleMisses(sample.found, sample.sampled, coverage.rivalAdoptions) : [];
for (const m of misses) process.stdout.write(`EMBEDDED SAMPLE: ${m} (raise --embedded-budget)\n`);
const sampleMissed = misses.length > 0;
// What no run exercised (module comment): required from COVERAGE_MIN_RUNS runs on.
const COVERAGE_MIN_RUNS = 100;
const uncovered = opt.requireCoverage || opt.runs >= COVERAGE_MIN_RUNS
  ? uncoveredPaths(coverage, { batchedRuns, inputBoundRuns, promisePartRuns, welcomePartRuns, racingRuns }) : [];
for (const u of uncovered) process.stdout.write(`COVERAGE: ${u}\n`);
const secs = (performance.now() - started) / 1000;
process.stdout.write(
  `validate-sim-traces: ${opt.runs} traces (${opt.nodes === undefined ? '' : `clusters of ${opt.nodes} nodes; `}${batchedRuns} with batches of up to ${opt.batchMax} or ${Math.min(SMALL_BATCH_MAX, opt.batchMax)}, ${deferredRuns} of them (of up to ${opt.batchMax}) deferring proposals to the turn's end or the next Decision (${inputBoundRuns} runs, these with batches of at most ${SMALL_BATCH_INPUT} units of input), ${downRuns} with a node down for good, ${fullRequesterRuns} with their Requesters filled, ${racingRuns} with leaders racing), ${fastEvents} events validated (schema + fast replay); ` +
  `embedded sample: ${windowCount} windows, ${embeddedEvents} events, ${sampledChanges} leader changes (of ${foundChanges} in the runs, of racing runs only their adoptions of two values: ${perKind}) in ${embeddedSecs.toFixed(1)} s; ` +
  `${operations} client operations checked for linearizability as the events came; ` +
  `coverage: ${coverage.retryAnswers} retried requests answered from a replica's table, ${coverage.fullBatchesWithMoreWaiting} batches at the bound with more requests waiting, ${coverage.batchesCutByInput} batches cut by the input bound with more waiting, ${coverage.promisePartsReceived} Promise parts received by scouts (${promisePartRuns} runs with Promises of at most ${SMALL_PROMISE_BYTES} bytes), ${coverage.welcomesFromParts} Welcomes installed from parts (${welcomePartRuns} runs with Welcomes of at most ${SMALL_WELCOME_BYTES} bytes), ${coverage.acceptRefusals} refusals received by commanders and ${coverage.promiseRefusals} by scouts, ${coverage.rivalAdoptions} adoptions of two values for one slot (${coverage.rivalTies} at one ballot number; ${racingRuns} runs with leaders racing); ` +
  `${failed} traces failed, ${unsafe} unsafe runs, ${unfinished} unfinished runs; ` +
  `${secs.toFixed(1)} s (simulation ${(simMs / 1000).toFixed(1)} s, fast checks done at ${fastSecs.toFixed(1)} s, checking in ${pool.workers > 1 ? `${pool.workers} worker threads beside it` : 'this thread'}; ` +
  `fast path ${Math.round(fastEvents / Math.max((pool.workers > 1 ? fastTo - fastFrom : inThreadMs) / 1000, 1e-3))} events/s)\n`,
);
if (!opt.out && failed === 0 && !opt.keep) rmSync(dir, { recursive: true, force: true });
else process.stdout.write(`traces in ${dir}\n`);
process.exitCode = validationExitCode({ failed, unsafe, unfinished, sampleMissed, uncovered });
