/**
 * Models of the two applications, built on their real state machines (src/statemachines),
 * so the checker judges clients against the very code the replicas run.
 */
import { bank, MAX_AMOUNT, type BankState } from '../../../statemachines/bank.js';
import { kv, type KvState } from '../../../statemachines/kv.js';
import { isRecord } from '../../../statemachines/types.js';
import type { EntryMap } from '../../../statemachines/entryMap.js';
import type { Operation } from './history.js';
import { stateMachineModel, type Model } from './model.js';
import type { FootprintOf } from './partition.js';

/**
 * A map as text, names in sorted order, so that two equal maps built in different orders
 * get one key. Strings are length-prefixed ("5:alice"), so the text is unambiguous whatever
 * characters they hold. Called once per new state, it is the hottest code of a check.
 */
function sortedEntriesKey(record: EntryMap<unknown>): string {
  let key = '';
  for (const [name, value] of record.sortedEntries()) {
    const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? `${value.length}:${value}` : JSON.stringify(value);
    key += `${name.length}:${name}=${text};`;
  }
  return key;
}

/** The map as a JSON object, names sorted: for reports. */
function sortedJson(record: EntryMap<unknown>): string {
  return JSON.stringify(record);
}

function stringFields(input: unknown, fields: readonly string[]): string[] {
  if (!isRecord(input)) return [];
  const names: string[] = [];
  for (const field of fields) {
    const value = input[field];
    if (typeof value === 'string') names.push(value);
  }
  return names;
}

/**
 * Bank footprint: the accounts named by `account`, `from` and `to`, whatever the op. Every
 * branch of bank.apply that reads a balance reads only these; an input without a usable
 * name is rejected (BadInput) before any read, so an empty footprint is right for it.
 * One hidden dependency: a deposit fails with Overflow when the total of ALL balances would
 * pass Number.MAX_SAFE_INTEGER. See bankPartition.
 */
const bankFootprint = (input: unknown): string[] => stringFields(input, ['account', 'from', 'to']);

/**
 * Whether some deposit of this history could meet the Overflow check. The total of balances
 * is the sum of the deposits applied so far (transfers move money, opens add none), and each
 * operation takes effect at most once, so before any deposit the total plus its amount is at
 * most the sum of every acceptable deposit amount in the history. If that sum is a safe
 * integer, Overflow never happens, in the whole history or in any part of it.
 */
function depositsMayOverflow(ops: readonly Operation[]): boolean {
  let total = 0;
  for (const { input } of ops) {
    if (!isRecord(input) || input.op !== 'deposit') continue;
    const amount = input.amount;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_AMOUNT) continue;
    total += amount;
    if (total > Number.MAX_SAFE_INTEGER) return true;
  }
  return false;
}

/** The bank footprint, unless a deposit of this history could overflow (then none is sound). */
export function bankFootprints(ops: readonly Operation[]): FootprintOf | undefined {
  return depositsMayOverflow(ops) ? undefined : bankFootprint;
}

/** Kv footprint: the `key`. Every kv op reads and writes only its key; a bad key is BadInput before any read. */
export function kvFootprints(): FootprintOf {
  return (input) => stringFields(input, ['key']);
}

export const bankModel: Model<BankState> = stateMachineModel({
  name: 'bank', machine: bank, key: (s) => sortedEntriesKey(s.accounts), describeState: (s) => sortedJson(s.accounts), footprints: bankFootprints,
});

export const kvModel: Model<KvState> = stateMachineModel({
  name: 'kv', machine: kv, key: (s) => sortedEntriesKey(s.entries), describeState: (s) => sortedJson(s.entries), footprints: kvFootprints,
});

export function modelFor(app: 'bank' | 'kv'): Model<unknown> {
  switch (app) {
    case 'bank':
      return bankModel as Model<unknown>;
    case 'kv':
      return kvModel as Model<unknown>;
    default:
      throw new RangeError(`no linearizability model for app ${JSON.stringify(app)}; expected bank or kv`);
  }
}
