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
});
