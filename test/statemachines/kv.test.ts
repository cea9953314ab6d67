import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { kv, MAX_VALUE_LENGTH } from '../../src/statemachines/kv.js';
import { deepFreeze } from './freeze.js';
import { MAX_NAME_LENGTH } from '../../src/statemachines/types.js';

describe('kv state machine', () => {
  it('get of a missing key is null; set then get returns the value', () => {
    const s0 = deepFreeze(kv.initial());
    expect(kv.apply(s0, { op: 'get', key: 'k' })[1]).toEqual({ ok: true, op: 'get', key: 'k', value: null });
    const [s1] = kv.apply(s0, { op: 'set', key: 'k', value: 'v' });
    expect(kv.apply(deepFreeze(s1), { op: 'get', key: 'k' })[1]).toEqual({ ok: true, op: 'get', key: 'k', value: 'v' });
    expect(s0.entries.toJSON()).toEqual({});
  });

  it('cas swaps only on a matching expected value (null means absent)', () => {
    const s0 = deepFreeze(kv.initial());
    const [s1, o1] = kv.apply(s0, { op: 'cas', key: 'k', expected: null, value: 'a' });
    expect(o1).toEqual({ ok: true, op: 'cas', key: 'k', swapped: true, current: 'a' });
    const [s2, o2] = kv.apply(deepFreeze(s1), { op: 'cas', key: 'k', expected: 'zzz', value: 'b' });
    expect(o2).toEqual({ ok: true, op: 'cas', key: 'k', swapped: false, current: 'a' });
    expect(s2).toBe(s1);
    const [s3] = kv.apply(s2, { op: 'cas', key: 'k', expected: 'a', value: 'b' });
    expect(s3.entries.toJSON()).toEqual({ k: 'b' });
  });

  it('a key of exactly MAX_NAME_LENGTH and a value of exactly MAX_VALUE_LENGTH characters are good input', () => {
    // The limits are inclusive: restore and fromJson accept such entries, so apply must build them.
    const key = 'k'.repeat(MAX_NAME_LENGTH);
    const value = 'v'.repeat(MAX_VALUE_LENGTH);
    const s0 = deepFreeze(kv.initial());
    const [s1, set] = kv.apply(s0, { op: 'set', key, value });
    expect(set).toEqual({ ok: true, op: 'set', key });
    expect(kv.apply(deepFreeze(s1), { op: 'get', key })[1]).toEqual({ ok: true, op: 'get', key, value });
    const [s2, cas] = kv.apply(deepFreeze(s1), { op: 'cas', key, expected: value, value: 'w'.repeat(MAX_VALUE_LENGTH) });
    expect(cas).toEqual({ ok: true, op: 'cas', key, swapped: true, current: 'w'.repeat(MAX_VALUE_LENGTH) });
    expect(s2.entries.get(key)).toBe('w'.repeat(MAX_VALUE_LENGTH));
  });

  it('an empty string is a value, not an absent key: get returns it and cas tells it from null', () => {
    // "" is falsy: a lookup that treated it as missing would answer get with null and let a
    // cas expecting null overwrite a key that holds "".
    const [s1] = kv.apply(deepFreeze(kv.initial()), { op: 'set', key: 'k', value: '' });
    const s = deepFreeze(s1);
    expect(kv.apply(s, { op: 'get', key: 'k' })[1]).toEqual({ ok: true, op: 'get', key: 'k', value: '' });
    const [same, refused] = kv.apply(s, { op: 'cas', key: 'k', expected: null, value: 'v' });
    expect(refused).toEqual({ ok: true, op: 'cas', key: 'k', swapped: false, current: '' });
    expect(same).toBe(s);
    expect(kv.apply(s, { op: 'cas', key: 'k', expected: '', value: 'v' })[1]).toEqual({ ok: true, op: 'cas', key: 'k', swapped: true, current: 'v' });
  });

  it('answers bad input with an error output and never throws', () => {
    const s = kv.initial();
    for (const input of [
      undefined, 'get', [1], { op: 'del', key: 'k' }, { op: 'get' }, { op: 'get', key: '' },
      { op: 'set', key: 'k' }, { op: 'set', key: 'k', value: 5 }, { op: 'set', key: 'k', value: 'x'.repeat(MAX_VALUE_LENGTH + 1) },
      { op: 'cas', key: 'k', value: 'v' }, { op: 'cas', key: 'k', expected: 3, value: 'v' },
      { op: 'cas', key: 'k', expected: null, value: 5 }, { op: 'cas', key: 'k', expected: null }, { op: 'cas', key: 'k', expected: null, value: 'x'.repeat(MAX_VALUE_LENGTH + 1) },
    ]) {
      const [next, out] = kv.apply(s, input);
      expect(next).toBe(s);
      expect(out).toMatchObject({ ok: false, error: 'BadInput' });
    }
  });

  it('property: behaves like a Map model, CAS included, without mutating input states', () => {
    const key = fc.constantFrom('a', 'b', '__proto__');
    const val = fc.constantFrom('x', 'y', 'z');
    const op = fc.oneof(
      fc.record({ op: fc.constant('get'), key }),
      fc.record({ op: fc.constant('set'), key, value: val }),
      fc.record({ op: fc.constant('cas'), key, expected: fc.option(val, { nil: null }), value: val }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 50 }), (inputs) => {
        const model = new Map<string, string>();
        let state = deepFreeze(kv.initial());
        for (const input of inputs) {
          const [next, out] = kv.apply(state, input);
          const now = model.get(input.key) ?? null;
          if (input.op === 'get') expect(out).toMatchObject({ ok: true, value: now });
          if (input.op === 'set') model.set(input.key, input.value);
          if (input.op === 'cas') {
            const swap = now === input.expected;
            expect(out).toMatchObject({ ok: true, swapped: swap, current: swap ? input.value : now });
            if (swap) model.set(input.key, input.value);
            else expect(next).toBe(state);
          }
          state = deepFreeze(next);
          expect(Object.fromEntries(state.entries)).toEqual(Object.fromEntries(model));
        }
      }),
      { numRuns: 200 },
    );
  });
});
