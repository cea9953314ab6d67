/**
 * Workload generators: from a seed and a shape (how many clients, how many operations
 * each), the client inputs of a run. Deriving them from the seed keeps a replay command
 * short: `--seed` and `--workload '{"clients":3,"ops":10}'` fix every input.
 */
import { encodeInput } from '../statemachines/codec.js';
import type { BankInput } from '../statemachines/bank.js';
import type { KvInput } from '../statemachines/kv.js';
import type { Prng } from './prng.js';
import type { ClientSpec } from './simulator.js';

export type AppName = 'bank' | 'kv';

export interface WorkloadShape {
  /** Parallel clients; client i runs on node (i mod nodes) + 1. */
  readonly clients: number;
  /** Operations per client, run one after the other. */
  readonly ops: number;
}

/** Most clients and operations per client a generated workload may have. */
export const MAX_CLIENTS = 50;
export const MAX_OPS = 20_000;

export const BANK_ACCOUNTS = ['alice', 'bob', 'carol', 'dave'] as const;
const KV_KEYS = ['k1', 'k2', 'k3'] as const;
const KV_VALUES = ['x', 'y', 'z'] as const;
/** Every account starts with this much (deposited by client 0's first operations). */
export const BANK_OPENING_DEPOSIT = 1000;

function bankOp(rng: Prng): BankInput {
  const r = rng.next();
  const account = rng.pick(BANK_ACCOUNTS);
  if (r < 0.6) {
    const to = rng.pick(BANK_ACCOUNTS);
    return { op: 'transfer', from: account, to, amount: rng.int(1, 400) };
  }
  if (r < 0.8) return { op: 'deposit', account, amount: rng.int(1, 100) };
  if (r < 0.9) return { op: 'balance', account };
  return { op: 'open', account };
}

function kvOp(rng: Prng): KvInput {
  const key = rng.pick(KV_KEYS);
  const r = rng.next();
  if (r < 0.3) return { op: 'get', key };
  if (r < 0.6) return { op: 'set', key, value: rng.pick(KV_VALUES) };
  return { op: 'cas', key, expected: rng.chance(0.2) ? null : rng.pick(KV_VALUES), value: rng.pick(KV_VALUES) };
}

/** Bank setup: open every account and fund it. */
export function bankSetup(): string[] {
  return [
    ...BANK_ACCOUNTS.map((account) => encodeInput({ op: 'open', account })),
    ...BANK_ACCOUNTS.map((account) => encodeInput({ op: 'deposit', account, amount: BANK_OPENING_DEPOSIT })),
  ];
}

export function generateWorkload(app: AppName, shape: WorkloadShape, nodes: number, rng: Prng): ClientSpec[] {
  if (!Number.isInteger(shape.clients) || shape.clients < 1 || shape.clients > MAX_CLIENTS) {
    throw new RangeError(`workload.clients must be an integer in 1..${MAX_CLIENTS}, got ${JSON.stringify(shape.clients)}`);
  }
  if (!Number.isInteger(shape.ops) || shape.ops < 0 || shape.ops > MAX_OPS) {
    throw new RangeError(`workload.ops must be an integer in 0..${MAX_OPS}, got ${JSON.stringify(shape.ops)}`);
  }
  const clients: ClientSpec[] = [];
  for (let i = 0; i < shape.clients; i++) {
    const ops = Array.from({ length: shape.ops }, () => encodeInput(app === 'bank' ? bankOp(rng) : kvOp(rng)));
    const inputs = i === 0 && app === 'bank' ? [...bankSetup(), ...ops] : ops;
    clients.push({ node: (i % nodes) + 1, inputs });
  }
  return clients;
}

/**
 * `total` random transfers between the bank accounts, spread over `clients` parallel
 * clients on `nodes` nodes. Client 0 first opens and funds the accounts; the others start
 * at `othersStartAt` (virtual ms), by which time the setup is normally done (a transfer
 * that comes earlier fails cleanly with UnknownAccount). Each client pauses `thinkMs`
 * between operations.
 */
export function transferWorkload(total: number, clients: number, nodes: number, rng: Prng, othersStartAt = 500, thinkMs = 0): ClientSpec[] {
  const specs: ClientSpec[] = [];
  for (let c = 0; c < clients; c++) {
    const n = Math.floor(total / clients) + (c < total % clients ? 1 : 0);
    const inputs = Array.from({ length: n }, () => {
      const from = rng.pick(BANK_ACCOUNTS);
      const to = rng.pick(BANK_ACCOUNTS.filter((a) => a !== from));
      return encodeInput({ op: 'transfer', from, to, amount: rng.int(1, 50) });
    });
    specs.push({ node: (c % nodes) + 1, inputs: c === 0 ? [...bankSetup(), ...inputs] : inputs, startAt: c === 0 ? 0 : othersStartAt, thinkMs });
  }
  return specs;
}

/**
 * `total` kv writes, each to a key no other write uses, spread over `clients` parallel clients
 * on `nodes` nodes: the store ends with `total` keys, so its state grows with the history (the
 * transfers above move money between four accounts, a state that stays small).
 */
export function distinctKeyWorkload(total: number, clients: number, nodes: number, thinkMs = 0): ClientSpec[] {
  const specs: ClientSpec[] = [];
  for (let c = 0; c < clients; c++) {
    const n = Math.floor(total / clients) + (c < total % clients ? 1 : 0);
    const inputs = Array.from({ length: n }, (_, i) => encodeInput({ op: 'set', key: `c${c}-${i}`, value: `v${i}` }));
    specs.push({ node: (c % nodes) + 1, inputs, startAt: 0, thinkMs });
  }
  return specs;
}
