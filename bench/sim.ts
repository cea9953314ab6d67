/**
 * Simulator benchmark. Shapes:
 *   default   a 5-node bank cluster decides 10,000 transfers from 10 clients, on a reliable
 *             network and with 5% loss (one-way delays 1-5 ms), checkpoints every 1,000 slots
 *   seed-seq  the seed design's first workload: one client, 1,000 sequential requests,
 *             5 nodes, one-way delays uniform in 10-50 ms, no loss
 *   seed-par  its second: 10 clients x 100 requests, same network
 *   long      100,000 commands, 5 nodes, 5% loss, checkpoints every 1,000 slots, the leader crashed (then restarted) once
 *             in the middle of every 10,000 commands: does the cost per command stay flat as history grows?
 *             With `--app kv` its commands are kv writes, each to a new key: the application's state
 *             grows with the history too (100,000 keys at the end).
 * Each prints decided requests per CPU second and per wall second, messages per request (in
 * total and by type, on the network and between roles of one node: bench/messageCounts.ts), and
 * the CPU per 1,000 requests for each tenth of the run with the last/first ratio (both ends
 * measured in the same run, so the machine's load affects them alike).
 *
 * The default and long shapes checkpoint: every replica snapshots every K slots and its node
 * compacts (docs/design-checkpoints.md; `--checkpoint-every K`, default 1,000 as for a Member and
 * `paxos node`, 0: never, the unbounded baseline), and the run keeps no per-request record, so
 * the heap printed after each tenth (after a full GC when node runs with --expose-gc) is the
 * nodes' own. Without checkpoints every node keeps every decision, accepted value and executed
 * request (a Welcome carries the whole history), which a short run pays for in collections: on
 * the batched default, 0.65-1.0x the requests per wall second (three pairs, 2026-12-07). The seed shapes run as
 * the seed design's code does, which never checkpoints.
 *
 * With `--batch-max K` every replica proposes up to K requests per slot (Scenario.batchMax,
 * Limits.batchMaxRequests). With `--clients-on one` every client invokes on node 1, as clients
 * that follow the leader do (bench:cluster's default): one replica proposes, so no replica's
 * proposal loses its slot to another's and waiting requests form batches; the default spreads
 * the clients over the nodes, whose replicas compete for the same slots (Clustering by
 * Consensus: every replica proposes, and a loser proposes again in a later slot). With
 * `--defer-proposals decision` a replica with a batch of its own in flight keeps new requests
 * until a Decision arrives (Limits.deferProposals): in the simulator, where requests arrive at
 * distinct instants, that is what forms batches at every load ('turn' collects nothing here:
 * a turn is one event). With `--trace-dir DIR` (long shape) every node traces and the run's trace
 * goes to DIR/sim-<seed>-long.ndjson, compact (bench/timedTrace.ts): the bench prints the events,
 * the bytes and the writer's time per event by tenth (mean and median: the mean includes the few
 * lines that carry a whole history, a Welcome or a restart's full state); `npm run check-traces -- DIR`
 * validates it. The writer takes the nodes' deltas, so a replica keeps no history traced either
 * (docs/trace-format.md, "Histories by length").
 * The default and seed shapes measure a cold run, then warm ones after `--warmup N`
 * unmeasured runs (default 3; 0: right after the cold one): `--repeat K` warm runs (default 5),
 * of which the median by requests per wall second is printed in full, with the warm runs'
 * minimum, median and maximum (a warm run lasts 20-300 ms, too short for one to be a figure).
 * With batching options, each warm run is followed by one of the same shape without them, and
 * the ratio of the two, run by run, is printed: the machine's speed drifts by up to 3x within an
 * hour here, and a ratio of runs a few ms apart does not.
 *
 *   npm run bench:sim [-- --shape default|seed-seq|seed-par|long --app bank|kv --transfers N --clients N --seed N --only reliable|loss --checkpoint-every K --batch-max K --defer-proposals turn|decision --clients-on spread|one --warmup N --repeat K --trace-dir DIR]
 */
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Prng } from '../src/sim/prng.js';
import { scriptOptions, OptionError, runScript, wholeNumber } from '../scripts/commandLine.js';
import { PROBE_INPUT, appStateMachine } from '../src/sim/scenario.js';
import { defaultNodeFactory } from '../src/sim/nodeFactory.js';
import { type Fault, type NetworkFaults, scheduleOf } from '../src/sim/schedule.js';
import { Simulator } from '../src/sim/simulator.js';
import { distinctKeyWorkload, transferWorkload } from '../src/sim/workload.js';
import { type Tenth, TenthsMeter, cpuPer } from '../src/util/tenths.js';
import { DEFAULT_LIMITS } from '../src/protocol/limits.js';
import { DEFAULT_CHECKPOINT_EVERY } from '../src/node/node.js';
import { headerFor } from '../src/trace/runs/simTrace.js';
import { MessageCounter, breakdownLines, type MessageCounts } from './messageCounts.js';
import { checkLongTrace } from './checkLongTrace.js';
import { TimedTraceFile } from './timedTrace.js';

/**
 * The seed design's own figures (the Python "Clustering by Consensus" code on the same
 * workloads, measured once on an idle machine, issue 12): a fixed reference, NOT measured here.
 */
const PYTHON_REQUESTS_PER_WALL_S = { 'seed-seq': 2000, 'seed-par': 1750 } as const;

/** The seed design's network: one-way delays uniform in 10-50 ms, nothing lost. */
const SEED_NETWORK: Partial<NetworkFaults> = { loss: 0, delay: { minMs: 10, maxMs: 50 } };

/** The long run kills the leader every tenth of its commands and restarts it this much (virtual) time later. */
const RESTART_AFTER_MS = 1_000;

interface RunSpec {
  readonly label: string;
  readonly network: Partial<NetworkFaults>;
  readonly total: number;
  readonly clients: number;
  readonly seed: number;
  /** Kill the leader in the middle of each tenth of the run (the long shape). */
  readonly killLeader?: boolean;
  /** Replicas snapshot every this many slots (and keep no per-request record in the simulator). */
  readonly checkpointEvery?: number;
  /** Up to this many requests per slot (Limits.batchMaxRequests, as Scenario.batchMax sets it). */
  readonly batchMax?: number;
  /** Every client on node 1 (`--clients-on one`), instead of spread over the nodes. */
  readonly clientsOnOneNode?: boolean;
  /** Limits.deferProposals (`--defer-proposals`, with batchMax): absent, 'never'. */
  readonly deferProposals?: 'turn' | 'decision';
  /** Trace every node into a file in this folder (the long shape). */
  readonly traceDir?: string;
  /** The long shape's application: bank transfers (default), or kv writes each to a new key (`--app kv`: a state of `total` keys at the end). */
  readonly app?: 'bank' | 'kv';
}

interface Measured {
  readonly decided: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  /** The meter's tenths (the data, not the meter: its clocks are closures of measure(), whose context holds the whole simulator). */
  readonly tenths: readonly Tenth[];
  /** What report() prints of the run: not the run's whole result (its acks and final states), which a run kept for its median would hold. */
  readonly sim: RunSummary;
  readonly kills: number;
  readonly messages: MessageCounts;
  /** Rejoins of live nodes (a replica behind its peers' compacted slots): NodeRestart + Join. */
  readonly rejoins: number;
  /** With checkpoints, each node's acceptor's first kept slot at the end (above 1: it compacted), by node id; else empty. */
  readonly marks: readonly number[];
  /** Heap used after each tenth of the commands (after a full GC when one is exposed). */
  readonly heapBytes: number[];
  /** The run's trace, closed (with `traceDir`). */
  readonly trace?: TimedTraceFile;
}

type SimResult = ReturnType<Simulator['run']>;
type RunSummary = Pick<SimResult, 'completed' | 'stopReason' | 'nodeError' | 'stats' | 'timeMs'>;

const summary = (r: SimResult): RunSummary => ({
  completed: r.completed, stopReason: r.stopReason, nodeError: r.nodeError, timeMs: r.timeMs, stats: r.stats,
});

function cpuNowMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function measure(spec: RunSpec): Measured {
  global.gc?.();
  const spread = spec.app === 'kv' ? distinctKeyWorkload(spec.total, spec.clients, 5) : transferWorkload(spec.total, spec.clients, 5, Prng.stream(spec.seed, 'workload'));
  const clients = spec.clientsOnOneNode === true ? spread.map((c) => ({ ...c, node: 1 })) : spread;
  const expected = clients.reduce((n, c) => n + c.inputs.length, 0);
  // Peak RSS is printed for the long shape only; reading it every 5,000 events cost 1-4% of a
  // seed shape's CPU, so the other shapes do not pay for it.
  const sampleMemory = spec.killLeader === true;
  const meter = new TenthsMeter(expected, { cpuMs: cpuNowMs, wallMs: () => performance.now(), rssBytes: sampleMemory ? () => process.memoryUsage.rss() : () => 0 });
  let kills = 0;
  let decidedCount = 0;
  const heapBytes: number[] = [];
  // The long shape only: with --expose-gc each sample is a full GC, tens of ms inside a seed or
  // default run of 200 ms.
  const heapAt = new Set(sampleMemory ? Array.from({ length: 10 }, (_, k) => Math.round((expected * (k + 1)) / 10)) : []);
  const counter = new MessageCounter();
  const trace = spec.traceDir === undefined ? undefined : tracedRunFile(spec, clients.length, expected);
  // Mid-tenth, so every tenth pays for one leader change and its recovery: the last/first
  // ratio then compares a recovery late in the history with one early in it.
  const killAt = new Set(spec.killLeader ? Array.from({ length: 10 }, (_, k) => Math.round((expected * (k + 0.5)) / 10)) : []);
  const sim: Simulator = new Simulator({
    seed: spec.seed, nodes: 5, stateMachine: appStateMachine(spec.app ?? 'bank'), schedule: scheduleOf(spec.network),
    clients, createNode: counter.wrap(defaultNodeFactory),
    probeInput: PROBE_INPUT, track: false, eventLog: false, measureMessages: spec.killLeader === true, maxEvents: 100_000_000, maxTimeMs: 100_000_000,
    ...(spec.checkpointEvery !== undefined ? { checkpointEvery: spec.checkpointEvery, keepHistory: false } : {}),
    ...(spec.batchMax !== undefined ? { limits: { batchMaxRequests: spec.batchMax, ...(spec.deferProposals ? { deferProposals: spec.deferProposals } : {}) } } : {}),
    ...(trace !== undefined ? { trace: () => trace.sink } : {}),
    ...(sampleMemory ? { sampler: { every: 5000, fn: () => meter.sample() } } : {}),
    onDecided: (n) => {
      decidedCount = n;
      meter.progress(n);
      if (heapAt.has(n)) {
        trace?.endTenth();
        global.gc?.();
        heapBytes.push(process.memoryUsage().heapUsed);
      }
      if (killAt.has(n)) {
        const at = sim.time;
        const fault: Fault = { kind: 'killLeader', at, restart: at + RESTART_AFTER_MS };
        sim.addFault(fault);
        kills++;
      }
    },
  });
  const wall0 = performance.now();
  const cpu0 = cpuNowMs();
  let r: ReturnType<Simulator['run']>;
  try {
    r = sim.run();
  } finally {
    trace?.close();
  }
  const wallMs = performance.now() - wall0;
  // What this returns holds no closure of this function (their context holds `sim`, and with it
  // every node): a bench keeps its warm runs for their median, and keeping each run's cluster
  // alive grew the heap by about 40 MB a run, so that later runs paid for collecting earlier
  // ones (mark-compacts of 100-470 ms inside runs of 200 ms).
  const cpuMs = cpuNowMs() - cpu0;
  const decided = spec.checkpointEvery !== undefined ? decidedCount : r.acks.filter((a) => !a.rid.startsWith('probe:')).length;
  return { decided, wallMs, cpuMs, tenths: meter.tenths, sim: summary(r), kills, messages: counter.counts(), rejoins: counter.rejoins(), marks: spec.checkpointEvery !== undefined ? counter.latest().map((n) => n.specState().aMark) : [], heapBytes, ...(trace !== undefined ? { trace } : {}) };
}

/** The trace file of a long run, with the header the simulator's traced runs write (tracked: no, as the bench runs), for its app. */
function tracedRunFile(spec: RunSpec, clients: number, requests: number): TimedTraceFile {
  mkdirSync(spec.traceDir!, { recursive: true });
  const scenario = {
    seed: spec.seed, nodes: 5, app: spec.app ?? 'bank', workload: { clients, ops: Math.ceil(requests / clients) }, schedule: scheduleOf(spec.network),
    ...(spec.checkpointEvery !== undefined ? { checkpointEvery: spec.checkpointEvery } : {}), ...(spec.batchMax !== undefined ? { batchMax: spec.batchMax } : {}),
    ...(spec.deferProposals ? { deferProposals: spec.deferProposals } : {}),
  };
  const header = headerFor(scenario, DEFAULT_LIMITS.window, 'bench/sim.ts --shape long', false, spec.checkpointEvery ?? 0);
  return new TimedTraceFile(join(spec.traceDir!, `sim-${spec.seed}-long.ndjson`), header);
}

const perCpuS = (m: Measured): number => m.decided / (m.cpuMs / 1000);
const perWallS = (m: Measured): number => m.decided / (m.wallMs / 1000);

const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function report(spec: RunSpec, m: Measured, python?: number): void {
  const r = m.sim;
  // The nodes' own counts and the simulator's must agree, or the breakdown misreads the run.
  if (m.messages.networkTotal !== r.stats.messagesSent) {
    throw new Error(`the nodes counted ${m.messages.networkTotal} messages sent, the simulator ${r.stats.messagesSent}`);
  }
  const tenths = m.tenths;
  const per1000 = cpuPer(tenths, 1000);
  const lines = [
    `${spec.label}: ${r.completed ? 'completed' : `NOT completed (${r.stopReason}${r.nodeError !== undefined ? `: ${r.nodeError}` : ''})`}`,
    `  requests decided        ${fmt(m.decided)} (${fmt(spec.total)} ${spec.app === 'kv' ? 'writes, each to a new key' : 'transfers'} + ${m.decided - spec.total} setup)`,
    `  wall / CPU time         ${fmt(m.wallMs / 1000, 2)} s / ${fmt(m.cpuMs / 1000, 2)} s (virtual ${fmt(r.timeMs / 1000, 1)} s)`,
    `  requests / CPU s        ${fmt(perCpuS(m))}`,
    `  requests / wall s       ${fmt(perWallS(m))}`,
    `  messages / request      ${fmt(r.stats.messagesSent / m.decided, 1)} on the network (${fmt(r.stats.messagesSent)} sent, ${fmt(r.stats.dropped.loss)} lost);`
      + ` ${fmt(m.messages.localTotal / m.decided, 1)} more between roles of one node`,
    ...breakdownLines(m.messages, m.decided, fmt),
    `  sim events              ${fmt(r.stats.events)} (${fmt(r.stats.events / (m.cpuMs / 1000))} / CPU s)`,
    ...(spec.checkpointEvery !== undefined ? [`  checkpoints             every ${fmt(spec.checkpointEvery)} slots; each acceptor's first kept slot at the end: ${m.marks.map((x) => fmt(x)).join(' ')}`] : []),
    `  CPU ms / 1,000 requests by tenth   ${per1000.map((x) => fmt(x)).join(' ')}`,
  ];
  if (tenths.length === 10) lines.push(`  last tenth / first tenth (CPU per request)   ${fmt(per1000[9]! / per1000[0]!, 2)}`);
  if (spec.killLeader) {
    lines.push(
      `  peak RSS MiB by tenth   ${tenths.map((t) => fmt(t.peakRssBytes / 2 ** 20)).join(' ')}`,
      `  heap MiB after tenth    ${m.heapBytes.map((b) => fmt(b / 2 ** 20, 1)).join(' ')}${global.gc ? ' (after a full GC)' : ' (no --expose-gc: includes garbage)'}`
        + (m.heapBytes.length === 10 ? `; last / first ${fmt(m.heapBytes[9]! / m.heapBytes[0]!, 2)}` : ''),
      `  leader kills            ${m.kills} (one in the middle of each tenth, restarted ${RESTART_AFTER_MS} ms later); elections ${r.stats.leaderElections}`,
      `  largest message sent    ${fmt(r.stats.largestMessageBytes)} bytes of JSON (a ${r.stats.largestMessageType})`,
      `  rejoins                 ${fmt(m.rejoins)} (each a NodeRestart besides the kills' restarts); Joins ${fmt(m.messages.network.get('Join') ?? 0)},`
        + ` Welcomes ${fmt(m.messages.network.get('Welcome') ?? 0)} on the network (${fmt((m.messages.network.get('Join') ?? 0) / m.decided, 4)} / ${fmt((m.messages.network.get('Welcome') ?? 0) / m.decided, 4)} per request)`,
    );
  }
  if (m.trace !== undefined) {
    const t = m.trace.tenths;
    lines.push(
      `  trace                   ${m.trace.path}: ${fmt(m.trace.totalEvents)} events, ${fmt(m.trace.bytes / 2 ** 20, 1)} MiB (${fmt(m.trace.bytes / m.trace.totalEvents)} bytes / event)`,
      `  trace events by tenth   ${t.map((x) => fmt(x.events)).join(' ')}`,
      `  writer µs / event by tenth   ${t.map((x) => fmt((x.emitMs * 1000) / x.events, 2)).join(' ')}`
        + (t.length === 10 ? `; last / first ${fmt((t[9]!.emitMs / t[9]!.events) / (t[0]!.emitMs / t[0]!.events), 2)}` : ''),
      `  writer median µs / event by tenth   ${t.map((x) => fmt(x.medianMs * 1000, 2)).join(' ')} (buckets 10% wide)`,
      `  trace bytes / event by tenth   ${t.map((x) => fmt(x.bytes / x.events)).join(' ')}`,
      ...checkLongTrace(m.trace.path, m.trace.totalEvents),
    );
  }
  if (python !== undefined) {
    lines.push(`  reference, NOT this run: the Python seed code decided ~${fmt(python)} requests / wall s on an idle machine (issue 12);`
      + ` this run is ${fmt(perWallS(m) / python, 1)}x that per wall s, ${fmt(perCpuS(m) / python, 1)}x per CPU s`);
  }
  console.log(lines.join('\n'));
}


const NAME = 'bench:sim';
const USAGE = 'usage: npm run bench:sim -- [--shape default|seed-seq|seed-par|long] [--app bank|kv] [--transfers N] [--clients N] [--seed N] [--only reliable|loss] '
  + '[--checkpoint-every K] [--batch-max K] [--defer-proposals turn|decision] [--clients-on spread|one] [--warmup N] [--repeat K] [--trace-dir DIR]';
const SHAPES = ['default', 'seed-seq', 'seed-par', 'long'] as const;
type Shape = (typeof SHAPES)[number];

function main(): void {
  const values = scriptOptions(NAME, USAGE, {
    shape: { type: 'string' }, transfers: { type: 'string' }, clients: { type: 'string' }, seed: { type: 'string' }, only: { type: 'string' },
    'checkpoint-every': { type: 'string' }, 'batch-max': { type: 'string' }, warmup: { type: 'string' }, 'trace-dir': { type: 'string' },
    'clients-on': { type: 'string' }, 'defer-proposals': { type: 'string' }, repeat: { type: 'string' }, app: { type: 'string' },
  });
  const shape = (values.shape ?? 'default') as Shape;
  if (!SHAPES.includes(shape)) throw new OptionError(`--shape must be one of ${SHAPES.join(', ')}, got ${values.shape}`);
  const only = values.only;
  if (only !== undefined && only !== 'reliable' && only !== 'loss') throw new OptionError(`--only must be reliable or loss, got ${only}`);
  if (only !== undefined && shape !== 'default') throw new OptionError('--only applies to the default shape only');
  const seed = wholeNumber('seed', values.seed, 1, 0);
  const defaults = { default: [10_000, 10], 'seed-seq': [1_000, 1], 'seed-par': [1_000, 10], long: [100_000, 10] }[shape];
  const total = wholeNumber('transfers', values.transfers, defaults[0]!, 1);
  const clients = wholeNumber('clients', values.clients, defaults[1]!, 1);
  // The default and long shapes checkpoint as a Member and `paxos node` do unless told otherwise;
  // 0: never, the unbounded baseline (state, Promises and re-proposals after each election grow
  // with history). The seed shapes run as the seed design's code does, which has no checkpoints.
  const checkpointing = shape === 'default' || shape === 'long';
  if (values['checkpoint-every'] !== undefined && !checkpointing) throw new OptionError('--checkpoint-every applies to the default and long shapes only');
  const every = values['checkpoint-every'] === undefined ? DEFAULT_CHECKPOINT_EVERY : wholeNumber('checkpoint-every', values['checkpoint-every'], 0, 0);
  const checkpointEvery = checkpointing && every > 0 ? every : undefined;
  const checkpoints = checkpointEvery !== undefined ? { checkpointEvery } : {};
  const checkpointLabel = checkpointEvery !== undefined ? `checkpoint every ${checkpointEvery} slots` : 'no checkpoints (--checkpoint-every 0): state grows with history';
  const batchMax = values['batch-max'] === undefined ? undefined : wholeNumber('batch-max', values['batch-max'], 1, 1);
  const warmup = wholeNumber('warmup', values.warmup, 3, 0);
  const repeat = wholeNumber('repeat', values.repeat, 5, 1);
  const clientsOn = values['clients-on'] ?? 'spread';
  if (clientsOn !== 'spread' && clientsOn !== 'one') throw new OptionError(`--clients-on must be spread or one, got ${clientsOn}`);
  if (clientsOn === 'one' && shape === 'long') throw new OptionError('--clients-on one does not apply to the long shape (it kills the leader)');
  const defer = values['defer-proposals'];
  if (defer !== undefined && defer !== 'turn' && defer !== 'decision') throw new OptionError(`--defer-proposals must be turn or decision, got ${defer}`);
  if (defer !== undefined && (batchMax ?? 1) < 2) throw new OptionError('--defer-proposals needs --batch-max 2 or more (it only forms batches)');
  // `batches` goes into every run's spec: the batch bound, when proposals wait, and where the clients are.
  const batches = {
    ...(batchMax !== undefined ? { batchMax } : {}), ...(defer !== undefined ? { deferProposals: defer as 'turn' | 'decision' } : {}), ...(clientsOn === 'one' ? { clientsOnOneNode: true } : {}),
  };
  const traceDir = values['trace-dir'];
  if (traceDir !== undefined && (shape !== 'long' || traceDir === '')) throw new OptionError('--trace-dir takes a folder and applies to the long shape only');
  if (values.warmup !== undefined && shape === 'long') throw new OptionError('--warmup does not apply to the long shape');
  if (values.repeat !== undefined && shape === 'long') throw new OptionError('--repeat does not apply to the long shape');
  const app = values.app ?? 'bank';
  if (app !== 'bank' && app !== 'kv') throw new OptionError(`--app must be bank or kv, got ${values.app}`);
  if (app === 'kv' && shape !== 'long') throw new OptionError('--app kv applies to the long shape only');
  const [l1, l5, l15] = loadavg();
  console.log(`bench:sim --shape ${shape}: 5 nodes, ${fmt(total)} ${app === 'kv' ? 'kv writes, each to a new key,' : 'transfers'} from ${clients} client(s), seed ${seed}${batchMax !== undefined ? `, up to ${batchMax} requests per slot` : ''}${defer !== undefined ? `, proposals deferred to the ${defer === 'turn' ? "turn's end" : 'next Decision'}` : ''}${clientsOn === 'one' ? ', every client on node 1' : ''}; load average ${fmt(l1!, 2)} ${fmt(l5!, 2)} ${fmt(l15!, 2)}`);
  // A case: a cold run, `warmup` unmeasured runs, then `repeat` warm runs of which the median (by
  // requests per wall second) is reported in full: a warm run lasts 20-300 ms, so one alone
  // moved by a factor of 1.5 between two runs on the same machine.
  const cases: { spec: (when: string) => RunSpec; cold: string; python?: number }[] = [];
  // With batching options, each warm run is paired with one of the same shape without them (a
  // batch of one, clients spread): the ratio of the two, run by run, is the figure the machine's
  // drifting speed (a factor of up to 3 over an hour here) leaves alone.
  const batched = Object.keys(batches).length > 0;
  const unbatched = (r: RunSpec): RunSpec => ({
    label: r.label, network: r.network, total: r.total, clients: r.clients, seed: r.seed, ...(r.checkpointEvery !== undefined ? { checkpointEvery: r.checkpointEvery } : {}),
  });
  const warmLabel = `warm: the same run again after ${warmup} unmeasured run(s), the median of ${repeat}`;
  if (shape === 'default') {
    // Cold and warm, as the seed shapes below: a cluster node runs warm most of its life.
    const networks = [['reliable network', 0], ['5% message loss', 0.05]] as const;
    for (const [label, loss] of networks.filter(([, l]) => only === undefined || (only === 'loss') === (l > 0))) {
      cases.push({ spec: (when) => ({ label: `${label}, ${checkpointLabel}, ${when}`, network: { loss }, total, clients, seed, ...checkpoints, ...batches }), cold: 'cold: first run of this network in this process' });
    }
  } else if (shape === 'long') {
    const label = `5% loss, leader killed, ${checkpointLabel}`;
    const spec: RunSpec = {
      label: app === 'kv' ? `${label}, kv writes each to a new key` : label, network: { loss: 0.05 }, total, clients, seed, killLeader: true, app,
      ...checkpoints, ...batches, ...(traceDir !== undefined ? { traceDir } : {}),
    };
    report(spec, measure(spec));
    return;
  } else {
    // A run this short is mostly the JIT warming up, so the same run is measured cold (the
    // first in this process, as a fresh `python` process is) and warm (the steady state: V8
    // needs about three such runs, some 45,000 events, to optimise the hot code).
    cases.push({ spec: (when) => ({ label: `${shape} (delays 10-50 ms, no loss), ${when}`, network: SEED_NETWORK, total, clients, seed, ...batches }), cold: 'cold: first run in this process', python: PYTHON_REQUESTS_PER_WALL_S[shape] });
  }
  const warmCold: number[] = [];
  for (const c of cases) {
    const cold = measure(c.spec(c.cold));
    report(c.spec(c.cold), cold, c.python);
    for (let i = 0; i < warmup; i++) {
      measure(c.spec('warm-up'));
      if (batched) measure(unbatched(c.spec('warm-up')));
    }
    const warm: Measured[] = [];
    const baseline: Measured[] = [];
    for (let i = 0; i < repeat; i++) {
      warm.push(measure(c.spec(warmLabel)));
      if (batched) baseline.push(measure(unbatched(c.spec('baseline'))));
    }
    const byWall = [...warm].sort((a, b) => perWallS(a) - perWallS(b));
    const median = byWall[Math.floor((repeat - 1) / 2)]!;
    report(c.spec(warmLabel), median, c.python);
    const perCpu = warm.map(perCpuS).sort((a, b) => a - b);
    const range = (xs: number[], digits = 0) => `${fmt(xs[0]!, digits)} / ${fmt(xs[Math.floor((xs.length - 1) / 2)]!, digits)} / ${fmt(xs[xs.length - 1]!, digits)}`;
    console.log(`  warm runs (${repeat}), min / median / max: requests / wall s ${range(byWall.map(perWallS))}; requests / CPU s ${range(perCpu)}`);
    if (batched) {
      const ratios = warm.map((w, i) => perCpuS(w) / perCpuS(baseline[i]!)).sort((a, b) => a - b);
      const base = baseline.map(perCpuS).sort((a, b) => a - b);
      console.log(`  baseline: the same shape unbatched, clients spread, run after each warm run: ${fmt(base[Math.floor((repeat - 1) / 2)]!)} requests / CPU s (median);`
        + ` these options / baseline, run by run, min / median / max: ${range(ratios, 2)} per CPU s`
        // Shown, not assumed: a baseline that stopped checkpointing would pair unlike runs.
        + (baseline[0]!.marks.length > 0 ? `; the last baseline's acceptors' first kept slots at the end: ${baseline.at(-1)!.marks.map((x) => fmt(x)).join(' ')}` : ''));
    }
    warmCold.push(perCpuS(cold) / perCpu[Math.floor((repeat - 1) / 2)]!);
  }
  warmCold.forEach((r, i) => console.log(`warm / cold CPU per request${warmCold.length > 1 ? ` (${i === 0 ? 'first' : 'second'} network)` : ''}: ${fmt(r, 2)} (the warm runs' median)`));
}

await runScript(NAME, USAGE, main);
