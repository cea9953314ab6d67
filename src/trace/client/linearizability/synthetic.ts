/**
 * Random histories with a known answer, for the tests and the benchmark. Each client runs
 * operations one after another over random intervals; each operation takes effect at a
 * random point inside its interval, and the operations run through the system (by default
 * the real state machine) in the order of those points. The history is then linearizable
 * by construction, with that order as a witness; a faulty `apply` makes it not.
 *
 * A client that never hears back (probability `unknownRate`) gives up at the end of its
 * interval and moves on; its operation takes effect later, at any time, or never.
 */
import type { BankInput, BankState } from '../../../statemachines/bank.js';
import type { KvInput, KvState } from '../../../statemachines/kv.js';
import type { Operation } from './history.js';

export type Random = () => number;

export interface SyntheticOptions<S> {
  readonly initial: S;
  /** The system: applies an input (the index-th to take effect) and gives [state, output]. */
  readonly apply: (state: S, input: unknown, index: number) => readonly [S, unknown];
  /** The input of an operation, chosen from the state just before it takes effect. */
  readonly nextInput: (state: S, random: Random) => unknown;
  readonly clients: number;
  readonly operations: number;
  readonly random: Random;
  readonly unknownRate?: number;
  /** Inputs run one after another once every other operation is over, e.g. reads of everything. */
  readonly finalInputs?: (state: S) => readonly unknown[];
}

export interface SyntheticHistory {
  readonly ops: Operation[];
  /** Ids in the order they took effect (operations that never took effect are absent). */
  readonly order: string[];
}

/** How much later than its interval an unanswered operation may take effect, in interval lengths. */
const LATE_EFFECT_SPAN = 20;

interface Planned {
  readonly id: string;
  readonly client: string;
  readonly call: number;
  readonly ret: number;
  readonly answered: boolean;
  /** When it takes effect; undefined: never. */
  readonly at: number | undefined;
}

function plan(clients: number, operations: number, random: Random, unknownRate: number): Planned[] {
  const planned: Planned[] = [];
  const free = new Array<number>(clients).fill(0);
  for (let n = 0; n < operations; n++) {
    const c = n % clients;
    const call = free[c]! + random() * 2;
    const length = 0.5 + random() * 10;
    const answered = random() >= unknownRate;
    const at = answered ? call + random() * length : random() < 0.5 ? call + random() * length * LATE_EFFECT_SPAN : undefined;
    planned.push({ id: `op${n}`, client: `${(c % 5) + 1}/${c}`, call, ret: call + length, answered, at });
    free[c] = call + length;
  }
  return planned;
}

export function synthesizeHistory<S>(options: SyntheticOptions<S>): SyntheticHistory {
  const { apply, nextInput, random } = options;
  const planned = plan(options.clients, options.operations, random, options.unknownRate ?? 0);
  const effective = planned.filter((p) => p.at !== undefined).sort((a, b) => a.at! - b.at!);
  const inputs = new Map<string, unknown>();
  const outputs = new Map<string, unknown>();
  let state = options.initial;
  for (const [index, p] of effective.entries()) {
    const input = nextInput(state, random);
    const [next, output] = apply(state, input, index);
    inputs.set(p.id, input);
    outputs.set(p.id, output);
    state = next;
  }
  const ops: Operation[] = planned.map((p) => {
    const input = inputs.has(p.id) ? inputs.get(p.id) : nextInput(state, random);
    return p.answered ? { id: p.id, client: p.client, input, call: p.call, ret: p.ret, output: outputs.get(p.id) } : { id: p.id, client: p.client, input, call: p.call };
  });
  const order = effective.map((p) => p.id);
  let time = planned.reduce((latest, p) => Math.max(latest, p.ret, p.at ?? 0), 0) + 1;
  for (const input of options.finalInputs?.(state) ?? []) {
    const [next, output] = apply(state, input, order.length);
    const id = `final${order.length}`;
    ops.push({ id, client: 'final', input, call: time, ret: time + 1, output });
    order.push(id);
    state = next;
    time += 2;
  }
  return { ops, order };
}

function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Bank inputs over `accounts` accounts: opens first, then mostly transfers, some deposits and balance reads. */
export function bankWorkload(accounts: number): (state: BankState, random: Random) => BankInput {
  const names = Array.from({ length: accounts }, (_, i) => `acct${i}`);
  return (state, random) => {
    const closed = names.find((n) => !state.accounts.has(n));
    if (closed !== undefined && random() < 0.7) return { op: 'open', account: closed };
    const r = random();
    if (r < 0.1) return { op: 'deposit', account: pick(names, random), amount: 1 + Math.floor(random() * 100) };
    if (r < 0.3) return { op: 'balance', account: pick(names, random) };
    return { op: 'transfer', from: pick(names, random), to: pick(names, random), amount: 1 + Math.floor(random() * 50) };
  };
}

/** Every account's balance, for `finalInputs`. */
export function bankFinalReads(state: BankState): BankInput[] {
  return state.accounts.sortedKeys().map((account) => ({ op: 'balance', account }));
}

/** Kv inputs over `keys` keys and a few values (so compare-and-set sometimes swaps). */
export function kvWorkload(keys: number, values = 3): (state: KvState, random: Random) => KvInput {
  const names = Array.from({ length: keys }, (_, i) => `key${i}`);
  const vals = Array.from({ length: values }, (_, i) => `v${i}`);
  return (_state, random) => {
    const key = pick(names, random);
    const r = random();
    if (r < 0.4) return { op: 'get', key };
    if (r < 0.7) return { op: 'set', key, value: pick(vals, random) };
    return { op: 'cas', key, expected: random() < 0.2 ? null : pick(vals, random), value: pick(vals, random) };
  };
}

/** Every key's value, for `finalInputs`. */
export function kvFinalReads(state: KvState): KvInput[] {
  return state.entries.sortedKeys().map((key) => ({ op: 'get', key }));
}
