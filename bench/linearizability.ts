/**
 * Linearizability checker benchmark: seeded synthetic histories (a real sequential run of
 * the bank or kv state machine, cut into concurrent client operations) checked as the
 * trace checker would, then the same history with each optimisation off, as a ratio to the
 * default. Also: the history with unanswered operations (0.1% and 1%), and with one fault
 * (time to reject it, with and without the memo).
 *
 *   npm run bench:linearizability [-- --ops 10000 --clients 10 --accounts 50 --keys 100 --seed 1 --runs 5]
 */
import { loadavg } from 'node:os';
import { Prng } from '../src/sim/prng.js';
import { bank } from '../src/statemachines/bank.js';
import { kv } from '../src/statemachines/kv.js';
import { bankModel, checkLinearizable, kvModel, type CheckOptions, type Model, type Operation } from '../src/trace/client/linearizability/index.js';
import { bankWorkload, kvWorkload, synthesizeHistory } from '../src/trace/client/linearizability/synthetic.js';
import { scriptOptions, OptionError, runScript, wholeNumber } from '../scripts/commandLine.js';

/** A baseline that would take minutes is cut off here and printed as "> limit". */
const BASELINE_BUDGET_MS = 20_000;

interface Setup {
  readonly ops: number;
  readonly clients: number;
  readonly accounts: number;
  readonly keys: number;
  readonly seed: number;
  readonly runs: number;
}

function history(app: 'bank' | 'kv', s: Setup, unknownRate: number): Operation[] {
  const prng = Prng.fromSeed(s.seed);
  const common = { clients: s.clients, operations: s.ops, random: () => prng.next(), unknownRate };
  return app === 'bank'
    ? synthesizeHistory({ ...common, initial: bank.initial(), apply: (state, input) => bank.apply(state, input), nextInput: bankWorkload(s.accounts) }).ops
    : synthesizeHistory({ ...common, initial: kv.initial(), apply: (state, input) => kv.apply(state, input), nextInput: kvWorkload(s.keys) }).ops;
}

/** Model steps taken by one check (the model wrapped with a counter). */
function countSteps<S>(model: Model<S>, ops: Operation[], opts: CheckOptions): number {
  let steps = 0;
  checkLinearizable({ ...model, step: (state, input, outcome) => (steps++, model.step(state, input, outcome)) }, ops, opts);
  return steps;
}

interface Timing {
  readonly verdict: string;
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Median over `runs` of wall and CPU time. */
function time<S>(model: Model<S>, ops: Operation[], opts: CheckOptions, runs: number): Timing {
  const samples: { wallMs: number; cpuMs: number; verdict: string }[] = [];
  for (let r = 0; r < runs; r++) {
    global.gc?.();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = checkLinearizable(model, ops, opts);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    samples.push({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, verdict: result.ok === 'unknown' ? 'unknown' : result.ok ? 'linearizable' : 'NOT linearizable' });
  }
  samples.sort((a, b) => a.wallMs - b.wallMs);
  return samples[Math.floor(samples.length / 2)]!;
}

function row(label: string, t: Timing, ops: number, reference?: Timing): string {
  const cut = t.verdict === 'unknown' ? `> ${BASELINE_BUDGET_MS} ms (gave up)` : `${t.wallMs.toFixed(0)} ms`;
  const ratio = reference === undefined ? '' : `  x${(t.wallMs / reference.wallMs).toFixed(1)}${t.verdict === 'unknown' ? '+' : ''}`;
  const rate = t.verdict === 'unknown' ? '' : `  ${Math.round(ops / (t.wallMs / 1000)).toLocaleString('en')} ops/s, CPU ${t.cpuMs.toFixed(0)} ms`;
  return `  ${label.padEnd(28)} ${t.verdict.padEnd(16)} ${cut}${rate}${ratio}`;
}

function benchApp(app: 'bank' | 'kv', s: Setup): void {
  const model = (app === 'bank' ? bankModel : kvModel) as Model<unknown>;
  const ops = history(app, s, 0);
  const parts = checkLinearizable(model, ops);
  const shape = app === 'bank' ? `${s.accounts} accounts` : `${s.keys} keys`;
  console.log(`${app}: ${ops.length} operations, ${s.clients} clients, ${shape}, seed ${s.seed}; ${parts.ok === true ? parts.partitions : '?'} part(s); ${countSteps(model, ops, {})} model steps`);
  const reference = time(model, ops, {}, s.runs);
  console.log(row('checkLinearizable (default)', reference, ops.length));
  const baselines: [string, CheckOptions][] = [
    ['without partition', { partition: false }],
    ['without reduction', { reduce: false }],
    ['without both', { partition: false, reduce: false }],
    ['without the memo', { memo: false }],
  ];
  for (const [label, opts] of baselines) console.log(row(label, time(model, ops, { ...opts, budgetMs: BASELINE_BUDGET_MS }, 1), ops.length, reference));
  for (const rate of [0.001, 0.01]) {
    const withUnknown = history(app, s, rate);
    const unanswered = withUnknown.filter((op) => op.ret === undefined).length;
    console.log(row(`${unanswered} unanswered (${rate * 100}%)`, time(model, withUnknown, { budgetMs: BASELINE_BUDGET_MS }, 1), ops.length, reference));
  }
  const faulty = withFault(app, ops);
  const rejected = time(model, faulty, { budgetMs: BASELINE_BUDGET_MS }, 1);
  console.log(row('one fault, 90% of the way', rejected, ops.length, reference));
  console.log(row('  the same without the memo', time(model, faulty, { memo: false, budgetMs: BASELINE_BUDGET_MS }, 1), ops.length, rejected));
}

/** The history with one impossible answer near its end: a balance above all deposits, or a value nobody wrote. */
function withFault(app: 'bank' | 'kv', ops: Operation[]): Operation[] {
  const read = app === 'bank' ? 'balance' : 'get';
  const late = [...ops].sort((a, b) => a.call - b.call).slice(Math.floor(ops.length * 0.9));
  const victim = late.find((op) => (op.output as { ok?: boolean; op?: string } | undefined)?.op === read && (op.output as { ok: boolean }).ok);
  if (victim === undefined) throw new Error('no read to forge in the last tenth of the history');
  const forged = app === 'bank' ? { ...(victim.output as object), balance: Number.MAX_SAFE_INTEGER } : { ...(victim.output as object), value: 'never written' };
  return ops.map((op) => (op === victim ? { ...op, output: forged } : op));
}

const NAME = 'bench:linearizability';
const USAGE = 'usage: npm run bench:linearizability -- [--ops N] [--clients N] [--accounts N] [--keys N] [--seed N] [--runs N] [--only bank|kv]';

function main(): void {
  const values = scriptOptions(NAME, USAGE, {
    ops: { type: 'string' }, clients: { type: 'string' }, accounts: { type: 'string' }, keys: { type: 'string' },
    seed: { type: 'string' }, runs: { type: 'string' }, only: { type: 'string' },
  });
  const int = wholeNumber;
  const s: Setup = {
    ops: int('ops', values.ops, 10_000, 1), clients: int('clients', values.clients, 10, 1), accounts: int('accounts', values.accounts, 50, 1),
    keys: int('keys', values.keys, 100, 1), seed: int('seed', values.seed, 1, 0), runs: int('runs', values.runs, 5, 1),
  };
  if (values.only !== undefined && values.only !== 'bank' && values.only !== 'kv') throw new OptionError(`--only must be bank or kv, got ${values.only}`);
  console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (1, 5, 15 min); median of ${s.runs} runs for the default check, one run for the others`);
  for (const app of ['bank', 'kv'] as const) if (values.only === undefined || values.only === app) benchApp(app, s);
}

await runScript(NAME, USAGE, main);
