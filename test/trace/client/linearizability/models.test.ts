import { describe, expect, it } from 'vitest';
import { bank } from '../../../../src/statemachines/bank.js';
import {
  bankFootprints,
  bankModel,
  jsonEqual,
  kvFootprints,
  kvModel,
  modelFor,
  partitionByFootprint,
  type Operation,
} from '../../../../src/trace/client/linearizability/index.js';

function op(id: string, input: unknown): Operation {
  return { id, client: 'c', input, call: 0 };
}

function ids(parts: Operation[][]): string[][] {
  return parts.map((part) => part.map((o) => o.id).sort()).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

describe('jsonEqual', () => {
  it('ignores key order and nothing else', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: '1' }, { a: 1 })).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
  });
});

describe('bank and kv models', () => {
  it('step runs the real state machine and compares outputs as JSON', () => {
    const [opened] = bank.apply(bank.initial(), { op: 'open', account: 'a' });
    const [funded] = bank.apply(opened, { op: 'deposit', account: 'a', amount: 7 });
    const read = { op: 'balance', account: 'a' };
    expect(bankModel.step(funded, read, { returned: true, output: { balance: 7, account: 'a', op: 'balance', ok: true } }).ok).toBe(true);
    const wrong = bankModel.step(funded, read, { returned: true, output: { ok: true, op: 'balance', account: 'a', balance: 8 } });
    expect(wrong.ok).toBe(false);
    expect(wrong.expected).toEqual({ ok: true, op: 'balance', account: 'a', balance: 7 });
    expect(bankModel.step(funded, read, { returned: false }).ok).toBe(true);
  });

  it('bad input is judged like the replicas judge it: an error output, never a throw', () => {
    const result = kvModel.step(kvModel.init(), 'not an object', { returned: true, output: { ok: false, error: 'BadInput', message: 'kv input must be an object with an "op" field' } });
    expect(result.ok).toBe(true);
  });

  it('keys are canonical: equal states built in different orders share a key, different states do not', () => {
    const open = (names: string[]) => names.reduce((s, account) => bank.apply(s, { op: 'open', account })[0], bank.initial());
    expect(bankModel.key(open(['a', 'b']))).toBe(bankModel.key(open(['b', 'a'])));
    // Names that would collide in a naive "name=value;" text.
    expect(bankModel.key(open(['a=0;b']))).not.toBe(bankModel.key(open(['a', 'b'])));
    const set = (pairs: [string, string][]) => pairs.reduce((s, [key, value]) => kvModel.step(s, { op: 'set', key, value }, { returned: false }).state, kvModel.init());
    expect(kvModel.key(set([['k', '1;2:v=x']]))).not.toBe(kvModel.key(set([['k', '1'], ['2:v', 'x']])));
    expect(kvModel.key(set([['x', '1'], ['y', '2']]))).toBe(kvModel.key(set([['y', '2'], ['x', '1']])));
  });

  it('a key named __proto__ is plain data in keys and reports', () => {
    const state = kvModel.step(kvModel.init(), { op: 'set', key: '__proto__', value: 'v' }, { returned: false }).state;
    expect(kvModel.key(state)).not.toBe(kvModel.key(kvModel.init()));
    expect(kvModel.describeState(state)).toBe('{"__proto__":"v"}');
  });

  it('modelFor names the two applications and refuses others', () => {
    expect(modelFor('bank')).toBe(bankModel);
    expect(modelFor('kv')).toBe(kvModel);
    expect(() => modelFor('chess' as 'kv')).toThrow(/no linearizability model for app "chess"/);
  });
});

describe('footprints and partitions', () => {
  it('bank: transfers link accounts; ops without a usable name stand alone', () => {
    const ops = [
      op('open-a', { op: 'open', account: 'a' }),
      op('open-b', { op: 'open', account: 'b' }),
      op('open-c', { op: 'open', account: 'c' }),
      op('a-to-b', { op: 'transfer', from: 'a', to: 'b', amount: 1 }),
      op('read-c', { op: 'balance', account: 'c' }),
      op('junk1', 42),
      op('junk2', { op: 'deposit', account: 7, amount: 1 }),
    ];
    const footprint = bankFootprints(ops)!;
    expect(ids(partitionByFootprint(ops, footprint))).toEqual([['a-to-b', 'open-a', 'open-b'], ['junk1'], ['junk2'], ['open-c', 'read-c']]);
  });

  it('bank: a chain of transfers joins groups found separately first', () => {
    const ops = [
      op('ab', { op: 'transfer', from: 'a', to: 'b', amount: 1 }),
      op('cd', { op: 'transfer', from: 'c', to: 'd', amount: 1 }),
      op('ef', { op: 'transfer', from: 'e', to: 'f', amount: 1 }),
      op('bc', { op: 'transfer', from: 'b', to: 'c', amount: 1 }),
      op('fa', { op: 'transfer', from: 'f', to: 'a', amount: 1 }),
    ];
    expect(ids(partitionByFootprint(ops, bankFootprints(ops)!))).toEqual([['ab', 'bc', 'cd', 'ef', 'fa']]);
  });

  it('bank: no footprint when the deposits of the history could reach the Overflow check', () => {
    const deposits = (n: number) => Array.from({ length: n }, (_, i) => op(`d${i}`, { op: 'deposit', account: `x${i % 2}`, amount: 1_000_000_000_000 }));
    // 9,007 deposits of 10^12 stay under 2^53 - 1 (about 9.007e15); 9,008 do not.
    expect(bankFootprints(deposits(9007))).toBeDefined();
    expect(bankFootprints(deposits(9008))).toBeUndefined();
    // Amounts the machine rejects before the check do not count.
    expect(bankFootprints([...deposits(9007), op('bad', { op: 'deposit', account: 'x', amount: 2e12 })])).toBeDefined();
  });

  it('kv: one group per key', () => {
    const ops = [op('g1', { op: 'get', key: 'x' }), op('s1', { op: 'set', key: 'y', value: '1' }), op('c1', { op: 'cas', key: 'x', expected: null, value: '2' }), op('bad', { op: 'get' })];
    expect(ids(partitionByFootprint(ops, kvFootprints()))).toEqual([['bad'], ['c1', 'g1'], ['s1']]);
  });
});
