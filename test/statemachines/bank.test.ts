import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bank, sumBalances, MAX_AMOUNT, type BankState } from '../../src/statemachines/bank.js';
import { deepFreeze } from './freeze.js';
import { bankState } from './states.js';
import { MAX_NAME_LENGTH } from '../../src/statemachines/types.js';

function run(inputs: unknown[]): { state: BankState; outputs: unknown[] } {
  let state = deepFreeze(bank.initial());
  const outputs: unknown[] = [];
  for (const input of inputs) {
    const [next, out] = bank.apply(state, input);
    state = deepFreeze(next);
    outputs.push(out);
  }
  return { state, outputs };
}

describe('bank state machine', () => {
  it('opens, deposits, transfers and reads balances', () => {
    const { state, outputs } = run([
      { op: 'open', account: 'a' },
      { op: 'open', account: 'b' },
      { op: 'deposit', account: 'a', amount: 100 },
      { op: 'transfer', from: 'a', to: 'b', amount: 30 },
      { op: 'balance', account: 'b' },
    ]);
    expect(state.accounts.toJSON()).toEqual({ a: 70, b: 30 });
    expect(outputs[2]).toEqual({ ok: true, op: 'deposit', account: 'a', balance: 100 });
    expect(outputs[3]).toEqual({ ok: true, op: 'transfer', from: 'a', to: 'b', amount: 30 });
    expect(outputs[4]).toEqual({ ok: true, op: 'balance', account: 'b', balance: 30 });
  });

  it('a transfer with insufficient funds fails cleanly and leaves the state unchanged', () => {
    const { state: before } = run([{ op: 'open', account: 'a' }, { op: 'open', account: 'b' }, { op: 'deposit', account: 'a', amount: 10 }]);
    const [after, out] = bank.apply(before, { op: 'transfer', from: 'a', to: 'b', amount: 11 });
    expect(after).toBe(before);
    expect(out).toMatchObject({ ok: false, error: 'InsufficientFunds' });
  });

  it('a transfer of exactly the balance goes through and leaves 0; one cent more is InsufficientFunds', () => {
    // The overdraft check's boundary: "has 10, needs 10" is enough money.
    const { state: before } = run([{ op: 'open', account: 'a' }, { op: 'open', account: 'b' }, { op: 'deposit', account: 'a', amount: 10 }]);
    const [after, out] = bank.apply(before, { op: 'transfer', from: 'a', to: 'b', amount: 10 });
    expect(out).toEqual({ ok: true, op: 'transfer', from: 'a', to: 'b', amount: 10 });
    expect(after.accounts.toJSON()).toEqual({ a: 0, b: 10 });
    expect(bank.apply(deepFreeze(after), { op: 'transfer', from: 'a', to: 'b', amount: 1 })[1]).toMatchObject({ ok: false, error: 'InsufficientFunds' });
  });

  it('an account name of exactly MAX_NAME_LENGTH characters is good input for every command', () => {
    const a = 'a'.repeat(MAX_NAME_LENGTH);
    const b = 'b'.repeat(MAX_NAME_LENGTH);
    const { state, outputs } = run([
      { op: 'open', account: a }, { op: 'open', account: b },
      { op: 'deposit', account: a, amount: 7 }, { op: 'transfer', from: a, to: b, amount: 3 }, { op: 'balance', account: b },
    ]);
    for (const out of outputs) expect(out).toMatchObject({ ok: true });
    expect(state.accounts.toJSON()).toEqual({ [a]: 4, [b]: 3 });
  });

  it('a deposit that would take the total of ALL accounts past 2^53 - 1 fails with Overflow, even into an empty account', () => {
    // Reachable: 9,007 deposits of MAX_AMOUNT reach it. Built directly so the test stays fast.
    const near: BankState = deepFreeze(bankState({ a: Number.MAX_SAFE_INTEGER - 10, b: 0 }));
    const [after, out] = bank.apply(near, { op: 'deposit', account: 'b', amount: 11 });
    expect(after).toBe(near);
    expect(out).toMatchObject({ ok: false, error: 'Overflow' });
    // Up to the limit exactly, it is an ordinary deposit.
    const [full, fits] = bank.apply(near, { op: 'deposit', account: 'b', amount: 10 });
    expect(fits).toEqual({ ok: true, op: 'deposit', account: 'b', balance: 10 });
    expect(sumBalances(full)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('a transfer to or from an unknown account fails cleanly', () => {
    const { state } = run([{ op: 'open', account: 'a' }, { op: 'deposit', account: 'a', amount: 10 }]);
    expect(bank.apply(state, { op: 'transfer', from: 'a', to: 'zz', amount: 1 })).toEqual([state, expect.objectContaining({ error: 'UnknownAccount' })]);
    expect(bank.apply(state, { op: 'transfer', from: 'zz', to: 'a', amount: 1 })).toEqual([state, expect.objectContaining({ error: 'UnknownAccount' })]);
    expect(bank.apply(state, { op: 'deposit', account: 'zz', amount: 1 })[1]).toMatchObject({ error: 'UnknownAccount' });
  });

  it('answers bad input with an error output and never throws', () => {
    // Accounts a and b exist and a holds funds: each input fails for its own badness, not
    // because an account is missing or a balance too small.
    const s = run([{ op: 'open', account: 'a' }, { op: 'open', account: 'b' }, { op: 'deposit', account: 'a', amount: 100 }]).state;
    const bad: unknown[] = [
      null, 3, 'open', [], {}, { op: 'fly' }, { op: 'open' }, { op: 'open', account: '' },
      { op: 'open', account: 'x'.repeat(65) }, { op: 'deposit', account: 'a', amount: -1 }, { op: 'deposit', account: 'a', amount: 0 },
      { op: 'deposit', account: 'a', amount: 1.5 }, { op: 'deposit', account: 'a', amount: '5' },
      { op: 'deposit', account: 'a', amount: MAX_AMOUNT + 1 }, { op: 'transfer', from: 'a', to: 'a', amount: 1 },
      { op: 'transfer', from: 'a', to: 'b', amount: 0 }, { op: 'transfer', from: 'a', to: 'b', amount: 0.5 },
      { op: 'transfer', from: 'a', to: 'b', amount: MAX_AMOUNT + 1 }, { op: 'balance', account: 7 },
    ];
    for (const input of bad) {
      const [next, out] = bank.apply(s, input);
      expect(next, JSON.stringify(input)).toBe(s);
      expect(out, JSON.stringify(input)).toMatchObject({ ok: false, error: 'BadInput' });
      expect((out as { message: string }).message.length).toBeGreaterThan(0);
    }
    // The bounds themselves are good input.
    expect(bank.apply(s, { op: 'deposit', account: 'b', amount: MAX_AMOUNT })[1]).toMatchObject({ ok: true, balance: MAX_AMOUNT });
    expect(bank.apply(s, { op: 'transfer', from: 'a', to: 'b', amount: 1 })[1]).toMatchObject({ ok: true, amount: 1 });
  });

  it('refuses to open an account twice and treats "__proto__" as an ordinary name', () => {
    const { state, outputs } = run([
      { op: 'open', account: '__proto__' },
      { op: 'deposit', account: '__proto__', amount: 5 },
      { op: 'open', account: '__proto__' },
      { op: 'balance', account: 'toString' },
    ]);
    expect(state.accounts.has('__proto__')).toBe(true);
    expect(Object.hasOwn(state.accounts.toJSON(), '__proto__')).toBe(true);
    expect(sumBalances(state)).toBe(5);
    expect(outputs[2]).toMatchObject({ error: 'AccountExists' });
    expect(outputs[3]).toMatchObject({ error: 'UnknownAccount' });
  });

  it('refuses to open an account twice while its balance is 0, and leaves the state as it was', () => {
    // A balance of 0 is falsy: an existence check by truthiness would answer a second open of
    // an empty account "ok", though the account already exists.
    const { state, outputs } = run([
      { op: 'open', account: 'a' },
      { op: 'open', account: 'a' },
      { op: 'open', account: 'b' },
      { op: 'deposit', account: 'b', amount: 3 },
      { op: 'transfer', from: 'b', to: 'a', amount: 3 },
      { op: 'open', account: 'b' },
    ]);
    expect(outputs[1]).toMatchObject({ ok: false, error: 'AccountExists' });
    expect(outputs[5]).toMatchObject({ ok: false, error: 'AccountExists' });
    expect(state.accounts.toJSON()).toEqual({ a: 3, b: 0 });
    const [next] = bank.apply(state, { op: 'open', account: 'b' });
    expect(next).toBe(state);
  });

  it('property: total of balances == sum of successful deposits, and no step mutates its input state', () => {
    const names = ['a', 'b', 'c', 'd'];
    const account = fc.constantFrom(...names, 'ghost');
    const op = fc.oneof(
      fc.record({ op: fc.constant('open'), account }),
      fc.record({ op: fc.constant('deposit'), account, amount: fc.integer({ min: -5, max: 1000 }) }),
      fc.record({ op: fc.constant('transfer'), from: account, to: account, amount: fc.integer({ min: -5, max: 1000 }) }),
      fc.record({ op: fc.constant('balance'), account }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (inputs) => {
        let state = deepFreeze(bank.initial());
        let deposited = 0;
        for (const input of inputs) {
          const snapshot = JSON.stringify(state);
          const [next, out] = bank.apply(state, input); // deepFreeze makes any mutation throw
          expect(JSON.stringify(state)).toBe(snapshot);
          if (out.ok && out.op === 'deposit') deposited += (input as { amount: number }).amount;
          if (!out.ok) expect(next).toBe(state);
          for (const v of next.accounts.values()) expect(v).toBeGreaterThanOrEqual(0);
          state = deepFreeze(next);
          expect(sumBalances(state)).toBe(deposited);
          // The total a deposit checks is kept per state, not summed: it must be the sum.
          expect(sumBalances(state)).toBe([...state.accounts.values()].reduce((a, b) => a + b, 0));
        }
      }),
      { numRuns: 200 },
    );
  });
});
