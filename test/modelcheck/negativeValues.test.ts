/**
 * Negative integers inside compound values, as TLC and tla-checker print them: after `<<`, `{`,
 * `[f |->`, `,`, `:>` or `@@` a `-` starts a number. Only the first value of a text was tested
 * (`-42`, `-3`), so a tokenizer that reads `-` as a number only at the very start would make
 * every counterexample or state graph holding e.g. `<<1, -2>>` unreadable (a crash of
 * check-spec or conformance on valid output). Printing back must give the same text.
 */
import { describe, expect, it } from 'vitest';
import { formatItf } from '../../src/modelcheck/values/itf.js';
import { parseStateText, parseTlaValue } from '../../src/modelcheck/values/tlaValue.js';

const n = (k: number) => ({ '#bigint': String(k) });

describe('negative integers inside values', () => {
  it('reads them after every separator and prints them back unchanged', () => {
    expect(parseTlaValue('<<1, -2>>')).toEqual({ '#tup': [n(1), n(-2)] });
    expect(parseTlaValue('{-1, 0}')).toEqual({ '#set': [n(-1), n(0)] });
    expect(parseTlaValue('[num |-> -1, leader |-> 0]')).toEqual({ num: n(-1), leader: n(0) });
    expect(parseTlaValue('(-1 :> -2 @@ 3 :> -4)')).toEqual({ '#map': [[n(-1), n(-2)], [n(3), n(-4)]] });
    expect(parseTlaValue('-3..-1')).toEqual({ '#set': [n(-3), n(-2), n(-1)] });
    for (const s of ['<<1, -2>>', '{-1, 0}', '[num |-> -1, leader |-> 0]', '(-1 :> -2 @@ 3 :> -4)']) expect(formatItf(parseTlaValue(s))).toBe(s);
  });

  it('reads a TLC state holding them', () => {
    expect(parseStateText('/\\ x = <<-1, -2>>\n/\\ y = -5')).toEqual({ x: { '#tup': [n(-1), n(-2)] }, y: n(-5) });
  });
});
