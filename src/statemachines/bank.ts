/**
 * Bank ledger state machine. Balances are integers (cents); money enters only by
 * deposits and moves only by transfers, so the total of balances equals the sum of
 * successful deposits. A failed command returns an error output and the state unchanged.
 */
import { restoreBank, snapshotBank } from './bankSnapshot.js';
import type { ReadsInputOnly } from './codec.js';
import { EntryMap } from './entryMap.js';
import { StateJsonError, entriesFromJson } from './stateJson.js';
import { entriesStateDigest } from './digest.js';
import { type Failure, type SnapshottableApp, checkName, failure, isRecord } from './types.js';

/**
 * The bank's state: each open account's balance, in cents, in a persistent map (a command
 * costs O(log accounts)). Its JSON is `{ "accounts": { name: balance, ... } }`.
 */
export type BankState = { readonly accounts: EntryMap<number> };

/**
 * A bank command, as passed to `Member.invoke`, e.g. `{ op: 'deposit', account: 'alice', amount: 100 }`.
 */
export type BankInput =
  | { op: 'open'; account: string }
  | { op: 'deposit'; account: string; amount: number }
  | { op: 'transfer'; from: string; to: string; amount: number }
  | { op: 'balance'; account: string };

/**
 * What a bank command returns: its result, or a {@link Failure} (unknown account, bad amount, ...) with the state unchanged.
 */
export type BankOutput =
  | { ok: true; op: 'open'; account: string }
  | { ok: true; op: 'deposit'; account: string; balance: number }
  | { ok: true; op: 'transfer'; from: string; to: string; amount: number }
  | { ok: true; op: 'balance'; account: string; balance: number }
  | Failure;

/** Largest single amount; keeps every sum of balances exact in a double. */
export const MAX_AMOUNT = 1_000_000_000_000;

function checkAmount(x: unknown): number | Failure {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x <= 0 || x > MAX_AMOUNT) {
    return failure('BadInput', `amount must be an integer in 1..${MAX_AMOUNT}`);
  }
  return x;
}

function balanceOf(state: BankState, account: string): number | undefined {
  return state.accounts.get(account);
}

/**
 * A state this module built: it carries its total, which a deposit checks (summing every
 * balance per deposit cost O(accounts)). Its JSON is the plain state's: the total is derived.
 */
class Ledger implements BankState {
  constructor(readonly accounts: EntryMap<number>, readonly total: number) {}
  toJSON(): { accounts: EntryMap<number> } {
    return { accounts: this.accounts };
  }
}

function withBalances(state: BankState, changes: ReadonlyArray<readonly [string, number]>): BankState {
  let total = sumBalances(state);
  let accounts = state.accounts;
  for (const [account, balance] of changes) {
    total += balance - (accounts.get(account) ?? 0);
    accounts = accounts.with(account, balance);
  }
  return new Ledger(accounts, total);
}

function withBalance(state: BankState, account: string, balance: number): BankState {
  return withBalances(state, [[account, balance]]);
}

function unknownAccount(name: string): Failure {
  return failure('UnknownAccount', `no account named ${JSON.stringify(name)}`);
}

/** The total of all balances: equals the sum of successful deposits in every correct run. */
export function sumBalances(state: BankState): number {
  if (state instanceof Ledger) return state.total;
  let total = 0;
  for (const v of state.accounts.values()) total += v;
  return total;
}

/** A balance `apply` could have left: a safe integer, never negative. */
const isBalance = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function bankFromJson(value: unknown): BankState {
  const accounts = entriesFromJson(value, 'accounts', isBalance, 'a balance (an integer of cents, 0 or more)');
  const total = sumBalances({ accounts });
  if (total > Number.MAX_SAFE_INTEGER) throw new StateJsonError('the total of balances is above the largest exact integer');
  return new Ledger(accounts, total);
}

/**
 * The bank ledger: open accounts, deposit, transfer, read a balance. Deterministic, never throws.
 * `snapshot`/`restore` turn a state into bytes and back (docs/snapshots.md).
 *
 * ```ts
 * const member = new Member(bank, transport, [1, 2, 3], { id: 1 });
 * member.start();
 * await member.invoke({ op: 'open', account: 'alice' });
 * await member.invoke({ op: 'deposit', account: 'alice', amount: 100 }); // { ok: true, op: 'deposit', account: 'alice', balance: 100 }
 * ```
 */
export const bank: SnapshottableApp<BankState, BankOutput> & ReadsInputOnly = {
  readsInputOnly: true, // apply reads fields of its input, never writes them (codec.ts shares decoded inputs)
  initial: () => new Ledger(EntryMap.empty(), 0),
  snapshot: snapshotBank,
  restore: (bytes) => {
    const { accounts } = restoreBank(bytes);
    return new Ledger(accounts, sumBalances({ accounts }));
  },
  fromJson: bankFromJson,
  digest: (state) => entriesStateDigest('bank', state.accounts),

  apply(state, input) {
    if (!isRecord(input)) return [state, failure('BadInput', 'bank input must be an object with an "op" field')];
    switch (input.op) {
      case 'open': {
        const account = checkName(input.account, 'account');
        if (typeof account !== 'string') return [state, account];
        if (balanceOf(state, account) !== undefined) {
          return [state, failure('AccountExists', `account ${JSON.stringify(account)} already exists`)];
        }
        return [withBalance(state, account, 0), { ok: true, op: 'open', account }];
      }
      case 'deposit': {
        const account = checkName(input.account, 'account');
        if (typeof account !== 'string') return [state, account];
        const amount = checkAmount(input.amount);
        if (typeof amount !== 'number') return [state, amount];
        const before = balanceOf(state, account);
        if (before === undefined) return [state, unknownAccount(account)];
        if (sumBalances(state) + amount > Number.MAX_SAFE_INTEGER) {
          return [state, failure('Overflow', 'deposit would exceed the largest exact total')];
        }
        return [withBalance(state, account, before + amount), { ok: true, op: 'deposit', account, balance: before + amount }];
      }
      case 'transfer': {
        const from = checkName(input.from, 'from');
        if (typeof from !== 'string') return [state, from];
        const to = checkName(input.to, 'to');
        if (typeof to !== 'string') return [state, to];
        const amount = checkAmount(input.amount);
        if (typeof amount !== 'number') return [state, amount];
        if (from === to) return [state, failure('BadInput', 'transfer needs two different accounts')];
        const fromBalance = balanceOf(state, from);
        if (fromBalance === undefined) return [state, unknownAccount(from)];
        const toBalance = balanceOf(state, to);
        if (toBalance === undefined) return [state, unknownAccount(to)];
        if (fromBalance < amount) {
          return [state, failure('InsufficientFunds', `${JSON.stringify(from)} has ${fromBalance}, needs ${amount}`)];
        }
        return [withBalances(state, [[from, fromBalance - amount], [to, toBalance + amount]]), { ok: true, op: 'transfer', from, to, amount }];
      }
      case 'balance': {
        const account = checkName(input.account, 'account');
        if (typeof account !== 'string') return [state, account];
        const balance = balanceOf(state, account);
        if (balance === undefined) return [state, unknownAccount(account)];
        return [state, { ok: true, op: 'balance', account, balance }];
      }
      default:
        return [state, failure('BadInput', `unknown bank op ${JSON.stringify(input.op)}; expected open, deposit, transfer or balance`)];
    }
  },
};
