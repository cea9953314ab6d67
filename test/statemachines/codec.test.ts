import { describe, expect, it } from 'vitest';
import { bank } from '../../src/statemachines/bank.js';
import { encodeInput, toNodeStateMachine } from '../../src/statemachines/codec.js';

describe('toNodeStateMachine', () => {
  const sm = toNodeStateMachine(bank);

  it('decodes JSON inputs and applies them', () => {
    const [s1] = sm.apply(sm.initial(), encodeInput({ op: 'open', account: 'a' }));
    const [s2, out] = sm.apply(s1, encodeInput({ op: 'deposit', account: 'a', amount: 3 }));
    expect(out).toEqual({ ok: true, op: 'deposit', account: 'a', balance: 3 });
    expect(s2.accounts.toJSON()).toEqual({ a: 3 });
  });

  it('turns a non-JSON input into an error output, state unchanged', () => {
    const s = sm.initial();
    const [next, out] = sm.apply(s, '{not json');
    expect(next).toBe(s);
    expect(out).toMatchObject({ ok: false, error: 'BadInput' });
  });

  it('encodeInput refuses what JSON cannot carry', () => {
    expect(() => encodeInput(undefined)).toThrow(/JSON-serialisable/);
  });
});
