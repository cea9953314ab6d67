import { describe, expect, it } from 'vitest';
import {
  assertValidHistory,
  checkLinearizable,
  historyProblems,
  InvalidHistoryError,
  kvModel,
  type Operation,
} from '../../../../src/trace/client/linearizability/index.js';

const get = { op: 'get', key: 'k' };
const okGet = { ok: true, op: 'get', key: 'k', value: null };

describe('history validation', () => {
  it('accepts returned and unanswered operations, and one client with two operations pending at once', () => {
    const ops: Operation[] = [
      { id: 'a', client: '1/1', input: get, call: 0, ret: 5, output: okGet },
      { id: 'b', client: '1/1', input: get, call: 1, ret: 3, output: okGet },
      { id: 'c', client: '1/1', input: { op: 'set', key: 'k', value: 'v' }, call: 2 },
      { id: 'd', client: '2/1', input: get, call: 4, ret: 4, output: okGet },
    ];
    expect(historyProblems(ops)).toEqual([]);
    expect(checkLinearizable(kvModel, ops).ok).toBe(true);
  });

  it('names each problem', () => {
    const problems = historyProblems([
      { id: 'early', client: 'c', input: get, call: 5, ret: 4, output: okGet },
      { id: 'dup', client: 'c', input: get, call: 0, ret: 1, output: okGet },
      { id: 'dup', client: 'c', input: get, call: 0, ret: 1, output: okGet },
      { id: 'silent', client: 'c', input: get, call: 0, ret: 1 },
      { id: 'ghost', client: 'c', input: get, call: 0, output: okGet },
      { id: 'nan', client: 'c', input: get, call: Number.NaN },
      { id: 'noinput', client: 'c', call: 0 },
      { id: '', client: '', input: get, call: 0 },
      'not an operation',
    ]);
    expect(problems).toEqual([
      'operation "early" returns (4) before it is called (5)',
      'operation id "dup" is used twice',
      'operation "silent" returned but has no output',
      'operation "ghost" has an output but no ret (an answer needs a return time)',
      'operation "nan".call must be a finite number',
      'operation "noinput".input is missing',
      'operation #7.id must be a non-empty string',
      'operation #7.client must be a non-empty string',
      'operation #8 is not an object',
    ]);
  });

  it('rejects what is not an array, and lists at most 20 problems', () => {
    expect(historyProblems({})).toEqual(['a history must be an array of operations']);
    expect(historyProblems(Array.from({ length: 50 }, () => null))).toHaveLength(20);
  });

  it('checkLinearizable throws InvalidHistoryError with the problems', () => {
    const bad = [{ id: 'x', client: 'c', input: get, call: 2, ret: 1, output: okGet }];
    expect(() => checkLinearizable(kvModel, bad)).toThrow(InvalidHistoryError);
    try {
      assertValidHistory(bad);
      expect.unreachable();
    } catch (e) {
      expect((e as InvalidHistoryError).problems).toEqual(['operation "x" returns (1) before it is called (2)']);
    }
  });
});
