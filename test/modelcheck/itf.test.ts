import { describe, expect, it } from 'vitest';
import { counterexampleToItf, embeddedJsonToItf, formatItf, tlcJsonToItf } from '../../src/modelcheck/values/itf.js';
import { parseStateText, parseTlaValue } from '../../src/modelcheck/values/tlaValue.js';
import { statesFromDump } from '../../src/modelcheck/tlc/runner.js';
import { fixture } from './helpers.js';

describe('printed TLA+ values to ITF', () => {
  it('reads scalars, sets, tuples, records and functions', () => {
    expect(parseTlaValue('-42')).toEqual({ '#bigint': '-42' });
    expect(parseTlaValue('123456789012345678901234567890')).toEqual({ '#bigint': '123456789012345678901234567890' });
    expect(parseTlaValue('"a \\"q\\""')).toBe('a "q"');
    expect(parseTlaValue('TRUE')).toBe(true);
    expect(parseTlaValue('n1')).toEqual({ '#unserializable': 'n1' });
    expect(parseTlaValue('<<{}, {v1, v2}>>')).toEqual({ '#tup': [{ '#set': [] }, { '#set': [{ '#unserializable': 'v1' }, { '#unserializable': 'v2' }] }] });
    expect(parseTlaValue('[num |-> 0, leader |-> 1]')).toEqual({ num: { '#bigint': '0' }, leader: { '#bigint': '1' } });
    expect(parseTlaValue('(a :> 1 @@ b :> <<>>)')).toEqual({ '#map': [[{ '#unserializable': 'a' }, { '#bigint': '1' }], [{ '#unserializable': 'b' }, { '#tup': [] }]] });
    expect(parseTlaValue('1..3')).toEqual({ '#set': [1, 2, 3].map((n) => ({ '#bigint': String(n) })) });
  });

  it('prints ITF back in TLA+ syntax', () => {
    for (const s of ['<<{}, {v1, v2}>>', '[num |-> 0, leader |-> 1]', '(a :> 1 @@ b :> <<>>)', '{<<1, "x">>, TRUE}', '-3']) {
      expect(formatItf(parseTlaValue(s))).toBe(s);
    }
  });

  it('rejects malformed values', () => {
    expect(() => parseTlaValue('{1, 2')).toThrow(/ended early/);
    expect(() => parseTlaValue('<<1>> 2')).toThrow(/after value/);
  });

  it('reads a TLC state printout with a value over several lines', () => {
    expect(parseStateText('/\\ turn = 0\n/\\ written = << {},\n   {v1} >>')).toEqual({
      turn: { '#bigint': '0' },
      written: { '#tup': [{ '#set': [] }, { '#set': [{ '#unserializable': 'v1' }] }] },
    });
  });
});

describe('printed TLA+ values: strings and names that edge cases break', () => {
  it('ends a string at its closing quote even after an escaped backslash', () => {
    // `"C:\\"` ends with an escaped backslash: the quote after it closes the string.
    expect(parseTlaValue('<<"C:\\\\", "b">>')).toEqual({ '#tup': ['C:\\', 'b'] });
    expect(parseTlaValue('[p |-> "\\\\", q |-> "say \\"hi\\""]')).toEqual({ p: '\\', q: 'say "hi"' });
    expect(formatItf(parseTlaValue('<<"C:\\\\", "b">>'))).toBe('<<"C:\\\\", "b">>');
  });

  it("reads an integer range as a function's value or key (`..` binds tighter than `:>`)", () => {
    const range = (lo: number, hi: number) => ({ '#set': Array.from({ length: hi - lo + 1 }, (_, k) => ({ '#bigint': String(lo + k) })) });
    expect(parseTlaValue('(p1 :> 1..2 @@ p2 :> 0..1)')).toEqual({ '#map': [[{ '#unserializable': 'p1' }, range(1, 2)], [{ '#unserializable': 'p2' }, range(0, 1)]] });
    expect(parseTlaValue('(1..2 :> TRUE)')).toEqual({ '#map': [[range(1, 2), true]] });
  });

  it('reads variables whose names hold digits, each as its own variable', () => {
    // `/\ x2 = ...` starts a variable: read as a continuation of x1 it would make x1 unreadable.
    expect(parseStateText('/\\ x1 = 1\n/\\ msgs_2 = {<<1, 2>>}')).toEqual({
      x1: { '#bigint': '1' },
      msgs_2: { '#set': [{ '#tup': [{ '#bigint': '1' }, { '#bigint': '2' }] }] },
    });
  });
});

describe('JSON encodings to ITF', () => {
  it('tla-checker JSON: __fn, __model, __tuple, arrays as sets, objects as records', () => {
    expect(embeddedJsonToItf({ f: { __fn: [[1, { __model: 'a' }]] }, t: { __tuple: [[], 2] }, r: { x: true } })).toEqual({
      f: { '#map': [[{ '#bigint': '1' }, { '#unserializable': 'a' }]] },
      t: { '#tup': [{ '#set': [] }, { '#bigint': '2' }] },
      r: { x: true },
    });
  });

  it("TLC's -dumpTrace json file: states and action names", () => {
    const states = statesFromDump(JSON.parse(fixture('violation-trace.json')));
    expect(states).toHaveLength(3);
    expect(states[0]).toEqual({ vars: { turn: { '#bigint': '0' }, written: { '#tup': [{ '#tup': [] }, { '#tup': [] }] } } });
    expect(states.slice(1).map((s) => s.action)).toEqual(['Write', 'Write']);
    expect(states[2]!.vars.written).toEqual(tlcJsonToItf([['v1', 'v2'], []]));
  });

  it('builds an ITF document with per-state #meta and the lasso', () => {
    const doc = counterexampleToItf(
      { states: [{ vars: { x: { '#bigint': '0' } } }, { action: 'Inc', vars: { x: { '#bigint': '1' } } }], loopTo: 1 },
      ['x'],
      { model: 'm', engine: 'embedded', verdict: 'property', violated: 'Live' },
    );
    expect(doc.vars).toEqual(['x']);
    expect(doc.states).toEqual([{ '#meta': { index: 0 }, x: { '#bigint': '0' } }, { '#meta': { index: 1, action: 'Inc' }, x: { '#bigint': '1' } }]);
    expect(doc.loop).toBe(1);
    expect(doc['#meta']).toMatchObject({ format: 'ITF', violated: 'Live', source: 'm.cfg' });
  });

  it('keeps a lasso that loops back to the initial state (loop 0)', () => {
    // 0 is a state index like any other: without it the lasso would read as a finite trace.
    const cex = { states: [{ vars: { x: { '#bigint': '0' } } }, { action: 'Inc', vars: { x: { '#bigint': '1' } } }], loopTo: 0 };
    const doc = counterexampleToItf(cex, ['x'], { model: 'm', engine: 'tlc', verdict: 'property', violated: 'Live' });
    expect(doc.loop).toBe(0);
    expect(counterexampleToItf({ states: cex.states }, ['x'], { model: 'm', engine: 'tlc', verdict: 'invariant' })).not.toHaveProperty('loop');
  });
});
