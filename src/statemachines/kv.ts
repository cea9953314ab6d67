/**
 * Key-value store state machine: get, set and compare-and-set. `cas` swaps only when
 * the current value (null when the key is absent) equals `expected`; otherwise it
 * reports the current value and leaves the state unchanged.
 */
import { restoreKv, snapshotKv } from './kvSnapshot.js';
import type { ReadsInputOnly } from './codec.js';
import { EntryMap } from './entryMap.js';
import { type Failure, type SnapshottableApp, checkName, failure, isRecord } from './types.js';
import { entriesFromJson } from './stateJson.js';
import { entriesStateDigest } from './digest.js';

/**
 * The key-value store's state: the value under each key, in a persistent map (a write costs
 * O(log keys)). Its JSON is `{ "entries": { key: value, ... } }`.
 */
export type KvState = { readonly entries: EntryMap<string> };

/** A kv command, as passed to `Member.invoke`, e.g. `{ op: 'set', key: 'a', value: '1' }`. */
export type KvInput =
  | { op: 'get'; key: string }
  | { op: 'set'; key: string; value: string }
  | { op: 'cas'; key: string; expected: string | null; value: string };

/** What a kv command returns: its result, or a {@link Failure} for bad input. */
export type KvOutput =
  | { ok: true; op: 'get'; key: string; value: string | null }
  | { ok: true; op: 'set'; key: string }
  | { ok: true; op: 'cas'; key: string; swapped: boolean; current: string | null }
  | Failure;

/** Largest value stored under one key, in characters. */
export const MAX_VALUE_LENGTH = 4096;

function checkValue(x: unknown, field: string): string | Failure {
  if (typeof x !== 'string' || x.length > MAX_VALUE_LENGTH) {
    return failure('BadInput', `${field} must be a string of at most ${MAX_VALUE_LENGTH} characters`);
  }
  return x;
}

function current(state: KvState, key: string): string | null {
  return state.entries.get(key) ?? null;
}

function withEntry(state: KvState, key: string, value: string): KvState {
  return { entries: state.entries.with(key, value) };
}

/** A value `apply` could have stored: a string of at most MAX_VALUE_LENGTH characters. */
const isValue = (x: unknown): x is string => typeof x === 'string' && x.length <= MAX_VALUE_LENGTH;

/**
 * A key-value store: get, set, compare-and-set. Deterministic, never throws.
 * `snapshot`/`restore` turn a state into bytes and back (docs/snapshots.md).
 *
 * ```ts
 * const member = new Member(kv, transport, [1, 2, 3], { id: 1 });
 * member.start();
 * await member.invoke({ op: 'set', key: 'a', value: '1' });          // { ok: true, op: 'set', key: 'a' }
 * await member.invoke({ op: 'cas', key: 'a', expected: '1', value: '2' }); // swapped: true
 * ```
 */
export const kv: SnapshottableApp<KvState, KvOutput> & ReadsInputOnly = {
  readsInputOnly: true, // apply reads fields of its input, never writes them (codec.ts shares decoded inputs)
  initial: () => ({ entries: EntryMap.empty() }),
  snapshot: (state) => snapshotKv(state, MAX_VALUE_LENGTH),
  restore: (bytes) => restoreKv(bytes, MAX_VALUE_LENGTH),
  fromJson: (value) => ({ entries: entriesFromJson(value, 'entries', isValue, `a string of at most ${MAX_VALUE_LENGTH} characters`) }),
  digest: (state) => entriesStateDigest('kv', state.entries),

  apply(state, input) {
    if (!isRecord(input)) return [state, failure('BadInput', 'kv input must be an object with an "op" field')];
    const key = checkName(input.key, 'key');
    switch (input.op) {
      case 'get':
        if (typeof key !== 'string') return [state, key];
        return [state, { ok: true, op: 'get', key, value: current(state, key) }];
      case 'set': {
        if (typeof key !== 'string') return [state, key];
        const value = checkValue(input.value, 'value');
        if (typeof value !== 'string') return [state, value];
        return [withEntry(state, key, value), { ok: true, op: 'set', key }];
      }
      case 'cas': {
        if (typeof key !== 'string') return [state, key];
        const value = checkValue(input.value, 'value');
        if (typeof value !== 'string') return [state, value];
        const expected = input.expected === null ? null : checkValue(input.expected, 'expected');
        if (expected !== null && typeof expected !== 'string') return [state, expected];
        const now = current(state, key);
        if (now !== expected) return [state, { ok: true, op: 'cas', key, swapped: false, current: now }];
        return [withEntry(state, key, value), { ok: true, op: 'cas', key, swapped: true, current: value }];
      }
      default:
        return [state, failure('BadInput', `unknown kv op ${JSON.stringify(input.op)}; expected get, set or cas`)];
    }
  },
};
