/**
 * Snapshot and restore of the key-value store's state. Body (docs/snapshots.md): entry count
 * u32, then per entry in ascending key order: key and value, each a u32 length in UTF-16 code
 * units then the units as u16. Restore checks what `apply` guarantees: keys of
 * 1..MAX_NAME_LENGTH units, unique and ascending, values of at most MAX_VALUE_LENGTH units.
 */
import type { KvState } from './kv.js';
import { checkKeyOrder, readSnapshotFrame, SnapshotWriter, writeSnapshotFrame } from './snapshotFormat.js';
import { EntryMap } from './entryMap.js';
import { MAX_NAME_LENGTH } from './types.js';

/** The name in the snapshot header: a kv snapshot is refused by any other app. */
export const KV_SNAPSHOT_APP = 'kv';
/** Smallest encoded entry: a one-unit key (4 + 2 bytes) and an empty value (4). */
const MIN_ENTRY_BYTES = 4 + 2 + 4;

export function snapshotKv(state: KvState, maxValueLength: number): Uint8Array {
  const writer = new SnapshotWriter();
  const entries = state.entries.sortedEntries();
  writer.u32(entries.length);
  for (const [key, value] of entries) {
    // The same bounds restore checks, so every snapshot this writes can be restored.
    if (key.length === 0 || key.length > MAX_NAME_LENGTH) throw new RangeError(`cannot snapshot kv: key of ${key.length} characters`);
    if (typeof value !== 'string' || value.length > maxValueLength) throw new RangeError(`cannot snapshot kv: value of ${JSON.stringify(key)} is not a string of at most ${maxValueLength} characters`);
    writer.string(key);
    writer.string(value);
  }
  return writeSnapshotFrame(KV_SNAPSHOT_APP, writer.finish());
}

export function restoreKv(bytes: Uint8Array, maxValueLength: number): KvState {
  const reader = readSnapshotFrame(KV_SNAPSHOT_APP, bytes);
  const count = reader.count('entry count', MIN_ENTRY_BYTES);
  // Collected locally and returned only once every entry has passed its checks.
  const entries: Array<[string, string]> = [];
  let previous: string | undefined;
  for (let i = 0; i < count; i++) {
    const key = reader.string(`entry ${i} key`, MAX_NAME_LENGTH);
    if (key.length === 0) reader.fail(`entry ${i} has an empty key`);
    checkKeyOrder(reader, previous, key);
    const value = reader.string(`value of ${JSON.stringify(key)}`, maxValueLength);
    entries.push([key, value]);
    previous = key;
  }
  reader.end();
  return { entries: EntryMap.of(entries) };
}
