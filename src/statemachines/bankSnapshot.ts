/**
 * Snapshot and restore of the bank's state. Body (docs/snapshots.md): account count u32, then
 * per account in ascending name order: name (u32 length in UTF-16 code units, then the units
 * as u16) and balance (u64, cents). Restore checks everything `apply` guarantees: names of
 * 1..MAX_NAME_LENGTH units, unique and ascending, and a total of balances that stays exact.
 */
import type { BankState } from './bank.js';
import { checkKeyOrder, readSnapshotFrame, SnapshotWriter, writeSnapshotFrame } from './snapshotFormat.js';
import { EntryMap } from './entryMap.js';
import { MAX_NAME_LENGTH } from './types.js';

/** The name in the snapshot header: a bank snapshot is refused by any other app. */
export const BANK_SNAPSHOT_APP = 'bank';
/** Smallest encoded account: a one-unit name (4 + 2 bytes) and its balance (8). */
const MIN_ACCOUNT_BYTES = 4 + 2 + 8;

export function snapshotBank(state: BankState): Uint8Array {
  const writer = new SnapshotWriter();
  const accounts = state.accounts.sortedEntries();
  writer.u32(accounts.length);
  let total = 0;
  for (const [name, balance] of accounts) {
    // The same bounds restore checks, so every snapshot this writes can be restored.
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) throw new RangeError(`cannot snapshot bank: account name of ${name.length} characters`);
    total += balance;
    writer.string(name);
    writer.u64(balance);
  }
  if (total > Number.MAX_SAFE_INTEGER) throw new RangeError('cannot snapshot bank: the total of balances is not exact');
  return writeSnapshotFrame(BANK_SNAPSHOT_APP, writer.finish());
}

export function restoreBank(bytes: Uint8Array): BankState {
  const reader = readSnapshotFrame(BANK_SNAPSHOT_APP, bytes);
  const count = reader.count('account count', MIN_ACCOUNT_BYTES);
  // Collected locally and returned only once every entry has passed its checks.
  const accounts: Array<[string, number]> = [];
  let previous: string | undefined;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const name = reader.string(`account ${i} name`, MAX_NAME_LENGTH);
    if (name.length === 0) reader.fail(`account ${i} has an empty name`);
    checkKeyOrder(reader, previous, name);
    const balance = reader.u64(`balance of ${JSON.stringify(name)}`);
    total += balance;
    if (total > Number.MAX_SAFE_INTEGER) reader.fail('the total of balances is above the largest exact integer');
    accounts.push([name, balance]);
    previous = name;
  }
  reader.end();
  return { accounts: EntryMap.of(accounts) };
}
