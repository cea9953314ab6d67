import { describe, expect, it } from 'vitest';
import { CfgError, parseCfg, printCfg, withConstants } from '../../src/modelcheck/cfg/cfg.js';
import { fixture } from './helpers.js';

describe('cfg parser', () => {
  it('reads the toy configs', () => {
    const ok = parseCfg(fixture('ok.cfg'));
    expect(ok.specification).toBe('Spec');
    expect(ok.invariants).toEqual(['TypeOK', 'OneValuePerSlot']);
    expect(ok.checkDeadlock).toBe(false);
    expect(ok.constants).toEqual([
      { name: 'Proposer', value: '{p1, p2}' },
      { name: 'Value', value: '{v1, v2}' },
      { name: 'NSlots', value: '2' },
      { name: 'Buggy', value: 'FALSE' },
    ]);
    expect(parseCfg(fixture('liveness.cfg')).properties).toEqual(['EventuallyTwoValues']);
    expect(parseCfg(fixture('deadlock.cfg')).checkDeadlock).toBe(true);
  });

  it('reads the metadata comments', () => {
    const c = parseCfg(fixture('spec/violation.cfg'));
    expect(c.meta).toEqual({ module: 'Slots', ci: false, engines: ['embedded', 'tlc'], expect: { kind: 'violation', property: 'OneValuePerSlot' } });
    expect(parseCfg('\\* module: M\n\\* engines: tlc\n\\* expect: pass\nINIT I NEXT N').meta).toEqual({ module: 'M', engines: ['tlc'], expect: { kind: 'pass' } });
    expect(parseCfg('\\* module: M\n\\* states: 1,417,694\nINIT I NEXT N').meta.states).toBe(1_417_694);
    expect(parseCfg('\\* module: M\n\\* states: 9\nINIT I NEXT N').meta.states).toBe(9);
    // A count in the description is not metadata: only a line that starts with the key is.
    expect(parseCfg('\\* module: M\n\\* 35,708 states: too slow\nINIT I NEXT N').meta.states).toBeUndefined();
  });

  it('rejects bad metadata naming the line', () => {
    expect(() => parseCfg('\\* module: M\n\\* ci: maybe\nSPECIFICATION S', 'a.cfg')).toThrow('a.cfg:2: "ci:" must be true or false');
    expect(() => parseCfg('\\* engines: apalache\nSPECIFICATION S', 'a.cfg')).toThrow('a.cfg:1: unknown engine "apalache"');
    expect(() => parseCfg('\\* expect: fail\nSPECIFICATION S', 'a.cfg')).toThrow('a.cfg:1: "expect:"');
    expect(() => parseCfg('\\* module: M\n\\* states: many\nSPECIFICATION S', 'a.cfg')).toThrow('a.cfg:2: "states:" must be a count of distinct states');
    expect(() => parseCfg('\\* states: 1,41\nSPECIFICATION S', 'a.cfg')).toThrow('a.cfg:1: "states:"');
  });

  it('names file and line of an unknown keyword', () => {
    const err = (() => { try { parseCfg('SPECIFICATION Spec\nINVARIANT A\nINVARIANTZ B\n', 'spec/x.cfg'); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(CfgError);
    expect((err as CfgError).line).toBe(3);
    expect((err as Error).message).toMatch(/^spec\/x\.cfg:3: unknown keyword "INVARIANTZ"/);
  });

  it('rejects a cfg without SPECIFICATION or INIT, and INIT without NEXT', () => {
    expect(() => parseCfg('CONSTANTS N = 3\nINVARIANT Inv\n', 'm.cfg')).toThrow(/^m\.cfg:2: no SPECIFICATION and no INIT/);
    expect(() => parseCfg('INIT Init\n', 'm.cfg')).toThrow('INIT without NEXT');
  });

  it('rejects broken values and comments with their line', () => {
    expect(() => parseCfg('SPECIFICATION S\nCONSTANTS\n  N = {1, 2\n', 'm.cfg')).toThrow(/m\.cfg:3: unbalanced/);
    expect(() => parseCfg('SPECIFICATION S\nCONSTANTS N\n', 'm.cfg')).toThrow(/m\.cfg:2: constant N needs/);
    expect(() => parseCfg('(* open\nSPECIFICATION S\n', 'm.cfg')).toThrow(/m\.cfg:1: unterminated comment/);
  });

  it('reports "N =" without a value at its own line, not as an unknown keyword "=" on the next', () => {
    const lines = ['SPECIFICATION Spec', 'CONSTANTS', '    N =', '    LeaderNodes = {1}', 'INVARIANT TypeOK'];
    expect(() => parseCfg(lines.join('\n'), 'spec/m.cfg')).toThrow(/^spec\/m\.cfg:3: constant N has no value after "="$/);
    expect(() => parseCfg('SPECIFICATION Spec\nCONSTANTS N =\nINVARIANT TypeOK\n', 'm.cfg')).toThrow(/^m\.cfg:2: constant N has no value after "="$/);
    expect(() => parseCfg('SPECIFICATION Spec\nCONSTANTS N =', 'm.cfg')).toThrow(/^m\.cfg:2: constant N has no value after "="$/);
    // A value on the next line is still a value, as TLC reads it.
    expect(parseCfg('SPECIFICATION Spec\nCONSTANTS N =\n  3\n  M = 2\n').constants).toEqual([{ name: 'N', value: '3' }, { name: 'M', value: '2' }]);
  });

  it('reads substitutions, block comments, strings and function values', () => {
    const c = parseCfg('(* a (* nested *) comment *)\nSPECIFICATION S\nCONSTANTS A <- DefA\n B <- [M] Op\n C = "X"\n F = (a :> 1 @@ b :> 2)\n G = <<1, -2>>\n');
    expect(c.constants).toEqual([
      { name: 'A', substitution: 'DefA' },
      { name: 'B', substitution: '[M] Op' },
      { name: 'C', value: '"X"' },
      { name: 'F', value: '(a :> 1 @@ b :> 2)' },
      { name: 'G', value: '<<1, -2>>' },
    ]);
  });

  it('prints what it parsed, and overrides constants', () => {
    const c = parseCfg(fixture('spec/violation.cfg'));
    expect(parseCfg(printCfg(c))).toEqual(c);
    const o = withConstants(c, { Buggy: 'FALSE', Mutant: '"X"' });
    expect(o.constants.find((k) => k.name === 'Buggy')!.value).toBe('FALSE');
    expect(printCfg(o)).toContain('Mutant = "X"');
    expect(c.constants.find((k) => k.name === 'Buggy')!.value).toBe('TRUE'); // the original is untouched
  });

  it('reads integer ranges as constant values, alone and joined, as TLC does', () => {
    // `..` joins two tokens like `:>` and `@@`; a reader that stops at `1` leaves `..` to be read as a keyword.
    const c = parseCfg('SPECIFICATION S\nCONSTANTS\n  Slots = 1..3\n  Ballots = 0..MaxB\n  N = 2\n');
    expect(c.constants).toEqual([{ name: 'Slots', value: '1..3' }, { name: 'Ballots', value: '0..MaxB' }, { name: 'N', value: '2' }]);
  });

  it('reads a string value holding an escaped quote or backslash, and the constants after it', () => {
    // An escaped quote does not end the string: otherwise its tail opens a string that never closes.
    const c = parseCfg('SPECIFICATION S\nCONSTANTS\n  Q = "say \\"hi\\""\n  B = "C:\\\\"\n  M = 2\n');
    expect(c.constants).toEqual([{ name: 'Q', value: '"say \\"hi\\""' }, { name: 'B', value: '"C:\\\\"' }, { name: 'M', value: '2' }]);
  });

  it('counts the lines inside comments, so errors after them name the right line', () => {
    // Lines 1-3: a block comment over three lines; line 4: a line comment; line 6: the typo.
    const text = '(* Model of\n   the slots\n*)\n\\* one more comment\nSPECIFICATION Spec\nINVARIANTZ TypeOK\n';
    expect(() => parseCfg(text, 'm.cfg')).toThrow(/^m\.cfg:6: unknown keyword "INVARIANTZ"/);
    // Comments at the end of value lines are no part of the values.
    expect(parseCfg('SPECIFICATION S\nCONSTANTS\n  N = 3 \\* three\n  P = {p1, p2} (* two\n  proposers *)\n  M = 1\n').constants)
      .toEqual([{ name: 'N', value: '3' }, { name: 'P', value: '{p1, p2}' }, { name: 'M', value: '1' }]);
  });

  it('reads a constant named in capitals at the start of its line, as TLC does, and still reports a misspelt keyword', () => {
    // Told apart by what follows: `=` or `<-` makes a constant; a name after it, a keyword meant.
    expect(parseCfg('SPECIFICATION S\nCONSTANTS\nMAX = 3\nOP <- Impl\nINVARIANT TypeOK\n').constants)
      .toEqual([{ name: 'MAX', value: '3' }, { name: 'OP', substitution: 'Impl' }]);
    expect(() => parseCfg('SPECIFICATION S\nCONSTANTS\n  N = 3\nINVARIANTZ TypeOK\n', 'm.cfg')).toThrow(/^m\.cfg:4: unknown keyword "INVARIANTZ"/);
  });
});
