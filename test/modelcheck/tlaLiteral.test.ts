import { describe, expect, it } from 'vitest';
import { tlaString, tlaValueLiteral } from '../../src/modelcheck/values/tlaLiteral.js';

describe('JSON values as TLA+ literals', () => {
  it('writes records, sets, naturals, booleans and escaped strings', () => {
    expect(tlaValueLiteral({ type: 'Join', node: 2, ok: true, acks: [1, 3] })).toBe('[type |-> "Join", node |-> 2, ok |-> TRUE, acks |-> {1, 3}]');
    expect(tlaString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
  });

  it('writes sequences as tla-checker prints them, or under the field names declared to be sequences', () => {
    expect(tlaValueLiteral({ __tuple: [1, 2] })).toBe('<<1, 2>>');
    expect(tlaValueLiteral({ executed: [1, 2], decisions: [3] }, new Set(['executed']))).toBe('[executed |-> <<1, 2>>, decisions |-> {3}]');
    expect(tlaValueLiteral({ executed: [1, 2] })).toBe('[executed |-> {1, 2}]');
  });

  it('rejects what has no literal, naming it', () => {
    expect(() => tlaValueLiteral(-1)).toThrow('not a natural number: -1');
    expect(() => tlaValueLiteral(1.5)).toThrow('not a natural number: 1.5');
    expect(() => tlaValueLiteral(null)).toThrow('no TLA+ literal for null');
  });
});
