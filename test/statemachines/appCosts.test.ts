/**
 * What one command, one digest, one snapshot and one restore of the example apps cost, counted
 * (never timed), against bounds that do not grow with the number of entries:
 *
 * - EntryMap.with: Immutable `set` calls per write (O(1): the new version shares the old one's
 *   structure; a copy of every entry per write makes a run of writes quadratic in the store's size);
 * - EntryMap.entriesDigest: entries hashed by a digest after the first (0: the sums are kept);
 * - bank: accounts read by iterating the map per open, deposit or transfer (0: the total is kept);
 * - kv: Immutable `set` calls and entries iterated per `set` command (O(1), not O(keys));
 * - SnapshotWriter: bytes copied by typed-array `set` over a whole snapshot (a small multiple of
 *   its size: the buffer doubles, it does not grow by what each write needs);
 * - restoreBank: array elements scanned per restored account (O(1): the ascending-order check
 *   already rejects a repeated name).
 *
 * Each of these ran once per command or per state transfer on every replica: a cost that grows
 * with the state turns a linear workload quadratic without changing any result, so only a count
 * shows it. Spies wrap prototypes and are restored before each test ends (vitest runs files in
 * one module graph: nothing may leak into another file).
 */
import { Map as ImmutableMap } from 'immutable';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EntryMap } from '../../src/statemachines/entryMap.js';
import { bank, type BankState } from '../../src/statemachines/bank.js';
import { restoreBank, snapshotBank } from '../../src/statemachines/bankSnapshot.js';
import { kv, type KvState } from '../../src/statemachines/kv.js';

const name = (i: number): string => `k${String(i).padStart(6, '0')}`;

/** Calls of Immutable's Map.prototype.set while `f` runs (withMutations sets through it too). */
function immutableSets(f: () => void): number {
  const spy = vi.spyOn(ImmutableMap.prototype, 'set');
  try {
    f();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

/** Entries yielded by EntryMap's iterators (values, keys, entries and for-of) while `f` runs. */
function entriesIterated(f: () => void): number {
  let read = 0;
  const counted = <T>(it: Iterator<T>): IterableIterator<T> => {
    const wrapped: IterableIterator<T> = {
      next: () => { const r = it.next(); if (r.done !== true) read++; return r; },
      [Symbol.iterator]: () => wrapped,
    };
    return wrapped;
  };
  const proto = EntryMap.prototype as EntryMap<unknown>;
  const values = proto.values;
  const keys = proto.keys;
  const entries = proto.entries;
  const spies = [
    vi.spyOn(proto, 'values').mockImplementation(function (this: EntryMap<unknown>) { return counted(values.call(this)) as MapIterator<unknown>; }),
    vi.spyOn(proto, 'keys').mockImplementation(function (this: EntryMap<unknown>) { return counted(keys.call(this)) as MapIterator<string>; }),
    vi.spyOn(proto, 'entries').mockImplementation(function (this: EntryMap<unknown>) { return counted(entries.call(this)) as MapIterator<[string, unknown]>; }),
  ];
  try {
    f();
    return read;
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

/**
 * Replaces each `obj[method]` with `wrap(original)` while `f` runs. Builtin prototypes are patched
 * by hand rather than with vi.spyOn: the spy's own bookkeeping must not run through them.
 */
function patched(obj: object, methods: readonly string[], wrap: (original: (...args: unknown[]) => unknown) => (this: unknown, ...args: unknown[]) => unknown, f: () => void): void {
  const record = obj as Record<string, unknown>;
  const originals = methods.map((m) => record[m] as (...args: unknown[]) => unknown);
  try {
    for (const [i, m] of methods.entries()) record[m] = wrap(originals[i]!);
    f();
  } finally {
    for (const [i, m] of methods.entries()) record[m] = originals[i];
  }
}

describe('costs of the example apps per command, digest, snapshot and restore', () => {
  afterEach(() => vi.restoreAllMocks());

  it('EntryMap.with makes one Immutable set per write, however many entries the map holds (bug 01)', () => {
    const big = EntryMap.of(Array.from({ length: 2000 }, (_, i) => [name(i), i] as const));
    const summed = EntryMap.of(Array.from({ length: 2000 }, (_, i) => [name(i), i] as const));
    summed.entriesDigest();
    const writes = 100;
    // Both paths: a map never asked for its digest, and one whose sums `with` keeps up to date.
    const sets = immutableSets(() => {
      let a = big;
      let b = summed;
      for (let w = 0; w < writes / 2; w++) {
        a = a.with(name(w * 7), -w);
        b = b.with(name(w * 11), -w);
      }
    });
    // O(log n) nodes copied inside one set; a copy of the map would be 2,000 sets per write.
    expect(sets).toBeLessThanOrEqual(2 * writes);
  });

  it('EntryMap.entriesDigest hashes no entry after the first digest, and only the written one after a with (bug 02)', () => {
    // A value that is neither string nor number is hashed through JSON.stringify, so its toJSON counts the hashes.
    let hashed = 0;
    const value = (i: number) => ({ toJSON: () => { hashed++; return i; } });
    let m = EntryMap.of(Array.from({ length: 3000 }, (_, i) => [name(i), value(i)] as const));
    const first = m.entriesDigest();
    expect(hashed).toBe(3000);
    hashed = 0;
    for (let k = 0; k < 50; k++) expect(m.entriesDigest()).toBe(first);
    expect(hashed).toBe(0);
    // A write on a digested map hashes the old and the new entry (2), and its digest none more.
    for (let k = 0; k < 50; k++) {
      m = m.with(name(k), value(-k));
      m.entriesDigest();
    }
    expect(hashed).toBeLessThanOrEqual(2 * 50);
  });

  it('bank reads no account by iteration per open, deposit or transfer: the total is carried (bug 03)', () => {
    const n = 1500;
    let state: BankState = bank.initial();
    const apply = (input: unknown): void => { state = bank.apply(state, input)[0]; };
    const read = entriesIterated(() => {
      for (let i = 0; i < n; i++) apply({ op: 'open', account: name(i) });
      for (let i = 0; i < n; i++) apply({ op: 'deposit', account: name(i), amount: 100 });
      for (let i = 0; i < n; i++) apply({ op: 'transfer', from: name(i), to: name((i + 1) % n), amount: 10 });
    });
    // At most one per command (none here: reads are by name); summing the balances per command
    // reads every account open so far, n/2 to n each.
    expect(read).toBeLessThanOrEqual(3 * n);
    expect(bank.apply(state, { op: 'balance', account: name(0) })[1]).toEqual({ ok: true, op: 'balance', account: name(0), balance: 100 });
  });

  it('kv set costs O(1) Immutable sets and iterates no entry, on a digested store of thousands of keys (bug 04)', () => {
    let state: KvState = kv.initial();
    for (let i = 0; i < 3000; i++) state = kv.apply(state, { op: 'set', key: name(i), value: 'v' })[0];
    kv.digest!(state);
    const writes = 100;
    let sets = 0;
    const read = entriesIterated(() => {
      sets = immutableSets(() => {
        for (let w = 0; w < writes; w++) {
          state = kv.apply(state, { op: 'set', key: name(w * 13), value: `w${w}` })[0];
          state = kv.apply(state, { op: 'cas', key: name(w * 17), expected: 'v', value: `c${w}` })[0];
          kv.digest!(state);
        }
      });
    });
    // A rebuild of the map per write would set and iterate all 3,000 entries each time.
    expect(sets).toBeLessThanOrEqual(2 * 2 * writes);
    expect(read).toBe(0);
    expect(state.entries.get(name(13))).toBe('w1');
  });

  it('a snapshot copies a small multiple of its bytes as its buffer grows (bug 05)', () => {
    let state: KvState = kv.initial();
    for (let i = 0; i < 2000; i++) state = kv.apply(state, { op: 'set', key: name(i), value: `value ${i}` })[0];
    let copied = 0;
    let bytes: Uint8Array = new Uint8Array(0);
    const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
    patched(typedArrayProto, ['set'], (set) => function (this: unknown, ...args: unknown[]) {
      copied += (args[0] as ArrayLike<number>).length;
      return set.apply(this, args);
    }, () => { bytes = kv.snapshot(state); });
    expect(bytes.length).toBeGreaterThan(50_000);
    // Doubling copies less than the final capacity (under twice the size) in all, and the frame
    // copies the body once more. Growing to what each write needs copies the whole buffer twice
    // per entry: O(n^2) bytes.
    expect(copied).toBeLessThanOrEqual(4 * bytes.length);
    expect(kv.restore(bytes).entries.size).toBe(2000);
  });

  it('restoreBank scans O(1) array elements per account, as many for 4,000 accounts as for 500 (bug 06)', () => {
    const scannedPerAccount = (n: number): number => {
      const bytes = snapshotBank({ accounts: EntryMap.of(Array.from({ length: n }, (_, i) => [name(i), i] as const)) });
      let scanned = 0;
      let restored: BankState | undefined;
      // Every Array method that searches an array: a name looked for among those read so far scans them.
      const searches = ['some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'filter', 'includes', 'indexOf', 'lastIndexOf'];
      patched(Array.prototype, searches, (original) => function (this: unknown, ...args: unknown[]) {
        scanned += (this as unknown[]).length;
        return original.apply(this, args);
      }, () => { restored = restoreBank(bytes); });
      expect(restored!.accounts.size).toBe(n);
      return scanned / n;
    };
    const small = scannedPerAccount(500);
    const large = scannedPerAccount(4000);
    // The ascending-order check compares each name with the one before it only; a scan of the
    // names read so far is n/2 elements per account (2,000 here).
    expect(large).toBeLessThanOrEqual(64);
    expect(large).toBeLessThanOrEqual(2 * small + 8);
  });
});
