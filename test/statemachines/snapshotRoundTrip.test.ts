import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bank } from '../../src/statemachines/bank.js';
import { kv } from '../../src/statemachines/kv.js';
import { canonicalJson, stateDigest } from '../../src/statemachines/digest.js';
import { EntryMap } from '../../src/statemachines/entryMap.js';
import type { SnapshottableApp } from '../../src/statemachines/types.js';
import { deepFreeze } from './freeze.js';
import { bankInput, kvInput, run } from './snapshotArbitraries.js';

/** The same map with its keys set in another order (a permutation given by `order`). */
function reinserted<V>(map: EntryMap<V>, order: readonly number[]): EntryMap<V> {
  const keys = [...map.keys()];
  const ranked = keys.map((k, i) => [order[i % order.length] ?? 0, i, k] as const).sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  return EntryMap.of(ranked.map(([, , k]) => [k, map.get(k)!] as const));
}

const apps = [
  { label: 'bank', app: bank as SnapshottableApp<unknown, unknown>, input: bankInput, field: 'accounts' },
  { label: 'kv', app: kv as SnapshottableApp<unknown, unknown>, input: kvInput, field: 'entries' },
] as const;

describe.each(apps)('$label snapshot', ({ app, input, field }) => {
  it('property: restore(snapshot(s)) equals s, has its digest, and answers every further command as s does', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 60 }), fc.array(input, { maxLength: 30 }), (before, after) => {
        const [state] = run(app, app.initial(), before);
        const bytes = app.snapshot(deepFreeze(state));
        const restored = app.restore(bytes);
        expect(canonicalJson(restored)).toBe(canonicalJson(state));
        expect((restored as Record<string, EntryMap<unknown>>)[field]!.sortedKeys()).toEqual((state as Record<string, EntryMap<unknown>>)[field]!.sortedKeys());
        expect(stateDigest(restored)).toBe(stateDigest(state));
        const [stateEnd, stateOutputs] = run(app, state, after);
        const [restoredEnd, restoredOutputs] = run(app, restored, after);
        expect(restoredOutputs).toEqual(stateOutputs);
        expect(app.snapshot(restoredEnd)).toEqual(app.snapshot(stateEnd));
      }),
    );
  });

  it('property: equal states give equal bytes whatever order their keys were inserted in', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 60 }), fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (inputs, order) => {
        const [state] = run(app, app.initial(), inputs);
        const entries = (state as Record<string, EntryMap<unknown>>)[field]!;
        const shuffled = { [field]: reinserted(entries, order) };
        expect(canonicalJson(shuffled)).toBe(canonicalJson(state));
        expect(app.snapshot(shuffled)).toEqual(app.snapshot(state));
      }),
    );
  });

  it('property: restore accepts one encoding per state, so snapshot(restore(b)) is b', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 60 }), (inputs) => {
        const bytes = app.snapshot(run(app, app.initial(), inputs)[0]);
        expect(app.snapshot(app.restore(bytes))).toEqual(bytes);
      }),
    );
  });

  it('the initial state round-trips', () => {
    const bytes = app.snapshot(app.initial());
    expect(app.restore(bytes)).toEqual(app.initial());
  });
});

describe('snapshot size', () => {
  it('is O(the state): a key set 1,000 times costs what it costs once', () => {
    const once = run(kv, kv.initial(), [{ op: 'set', key: 'k', value: 'v' }])[0];
    const often = run(kv, kv.initial(), Array.from({ length: 1000 }, (_, i) => ({ op: 'set', key: 'k', value: i % 2 ? 'v' : 'w' })))[0];
    expect(kv.snapshot(often)).toEqual(kv.snapshot(once));
  });

  it('is the header, 4 bytes of count, each entry and the checksum, nothing more', () => {
    const accounts = ['alice', 'bob', 'carol'];
    const inputs: unknown[] = [...accounts.map((account) => ({ op: 'open', account })), { op: 'deposit', account: 'bob', amount: 5 }];
    for (let i = 0; i < 500; i++) inputs.push({ op: 'transfer', from: 'bob', to: 'carol', amount: 1 }, { op: 'transfer', from: 'carol', to: 'bob', amount: 1 });
    const state = run(bank, bank.initial(), inputs)[0];
    const header = 4 + 2 + 1 + 'bank'.length + 4;
    const entries = accounts.reduce((n, a) => n + 4 + 2 * a.length + 8, 0);
    expect(bank.snapshot(state).length).toBe(header + 4 + entries + 8);
  });
});
