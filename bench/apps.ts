/**
 * The example applications' cost per command as their state grows: a kv `set`, a bank
 * `transfer` and `deposit`, applied through the same adapter a replica uses
 * (toNodeStateMachine: the input is a JSON string), on states of 100 to 100,000 entries (each
 * command writes an entry the state has, so its size stays put). Each size prints µs per
 * command (the median of 5 rounds, after one unmeasured pass over every case and size) and its
 * ratio to the smallest size, measured in the same run: a cost that grows with the state shows
 * as a ratio that grows with the size.
 *
 * As a reference, the same writes to a plain record copied whole per write (what `kv` and `bank`
 * did before their persistent map, src/statemachines/entryMap.ts) are timed on the same states:
 * the last column is the map's cost over that copy's.
 *
 *   npm run bench:apps [-- --sizes 100,1000,10000,100000 --commands N]
 */
import { loadavg } from 'node:os';
import { bank } from '../src/statemachines/bank.js';
import { kv } from '../src/statemachines/kv.js';
import { toNodeStateMachine } from '../src/statemachines/codec.js';
import type { StateMachine } from '../src/node/api.js';
import { scriptOptions, OptionError, runScript, wholeNumber } from '../scripts/commandLine.js';

interface Case {
  readonly label: string;
  /** A state of `size` entries, built by commands. */
  build(size: number): unknown;
  /** The i-th measured command on that state. */
  command(i: number, size: number): string;
}

const kvMachine = toNodeStateMachine(kv) as StateMachine<unknown>;
const bankMachine = toNodeStateMachine(bank) as StateMachine<unknown>;

function applyAll(sm: StateMachine<unknown>, state: unknown, inputs: Iterable<string>): unknown {
  for (const input of inputs) state = sm.apply(state, input)[0];
  return state;
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

const CASES: readonly (Case & { sm: StateMachine<unknown> })[] = [
  {
    label: 'kv set', sm: kvMachine,
    build: (size) => applyAll(kvMachine, kvMachine.initial(), [...range(size)].map((i) => JSON.stringify({ op: 'set', key: `k${i}`, value: 'v' }))),
    command: (i, size) => JSON.stringify({ op: 'set', key: `k${(i * 7919) % size}`, value: `w${i}` }),
  },
  {
    label: 'bank transfer', sm: bankMachine,
    build: (size) => applyAll(bankMachine, bankMachine.initial(), [
      ...[...range(size)].map((i) => JSON.stringify({ op: 'open', account: `a${i}` })),
      ...[...range(size)].map((i) => JSON.stringify({ op: 'deposit', account: `a${i}`, amount: 1_000 })),
    ]),
    command: (i, size) => JSON.stringify({ op: 'transfer', from: `a${i % size}`, to: `a${(i + 1) % size}`, amount: 1 }),
  },
  {
    label: 'bank deposit', sm: bankMachine,
    build: (size) => applyAll(bankMachine, bankMachine.initial(), [...range(size)].map((i) => JSON.stringify({ op: 'open', account: `a${i}` }))),
    command: (i, size) => JSON.stringify({ op: 'deposit', account: `a${i % size}`, amount: 1 }),
  },
];

const ROUNDS = 5;

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** µs per command: `inputs` applied in turn from `state`, the median of ROUNDS rounds. */
function timePerCommand(sm: StateMachine<unknown>, state: unknown, inputs: readonly string[]): number {
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let s = state;
    const t0 = process.hrtime.bigint();
    for (const input of inputs) s = sm.apply(s, input)[0];
    rounds.push(Number(process.hrtime.bigint() - t0) / 1e3 / inputs.length);
  }
  return median(rounds);
}

/**
 * µs per write of one key to a plain record copied whole (the apps' former way), on a record
 * of `size` keys (each write overwrites one), the median of ROUNDS rounds of up to `writes`.
 */
function copyPerWrite(size: number, writes: number): number {
  const base: Record<string, string> = {};
  for (let i = 0; i < size; i++) base[`k${i}`] = 'v';
  const n = Math.max(3, Math.min(writes, Math.floor(2_000_000 / size)));
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let record = base;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) record = { ...record, [`k${(i * 7919) % size}`]: `w${i}` };
    rounds.push(Number(process.hrtime.bigint() - t0) / 1e3 / n);
  }
  return median(rounds);
}

const NAME = 'bench:apps';
const USAGE = 'usage: npm run bench:apps -- [--sizes 100,1000,10000,100000] [--commands N]';

function main(): void {
  const values = scriptOptions(NAME, USAGE, { sizes: { type: 'string' }, commands: { type: 'string' } });
  const sizes = (values.sizes ?? '100,1000,10000,100000').split(',').map((x) => wholeNumber('sizes', x, 0, 2));
  const commands = wholeNumber('commands', values.commands, 2_000, 1);
  const [l1, l5, l15] = loadavg().map((x) => x.toFixed(2));
  console.log(`bench:apps: ${commands} commands per size (after as many unmeasured), sizes ${sizes.join(', ')} entries; load average ${l1} ${l5} ${l15}`);
  // One unmeasured pass over every case and size first: the first size measured is not the JIT's warm-up.
  const built = CASES.map((c) => sizes.map((size) => ({ state: c.build(size), inputs: [...range(commands)].map((i) => c.command(i, size)) })));
  CASES.forEach((c, k) => sizes.forEach((size, j) => { applyAll(c.sm, built[k]![j]!.state, built[k]![j]!.inputs); copyPerWrite(size, Math.min(commands, 200)); }));
  for (const [k, c] of CASES.entries()) {
    console.log(`\n${c.label}:`);
    let base: number | undefined;
    for (const [j, size] of sizes.entries()) {
      const { state, inputs } = built[k]![j]!;
      const us = timePerCommand(c.sm, state, inputs);
      base ??= us;
      const copy = copyPerWrite(size, commands);
      console.log(`  ${String(size).padStart(7)} entries: ${us.toFixed(2).padStart(7)} µs per command, ${(us / base).toFixed(2).padStart(5)}x the smallest state;`
        + ` a whole-record copy per write ${copy.toFixed(1).padStart(8)} µs (the command: ${(us / copy).toFixed(4)} of it)`);
    }
  }
}

await runScript(NAME, USAGE, main);
