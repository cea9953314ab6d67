import { describe, expect, it } from 'vitest';
import { blankComments, flattenModule } from '../../src/modelcheck/tla/flatten.js';
import { fixture } from './helpers.js';

const modules: Record<string, string> = {
  A: '---- MODULE A ----\nEXTENDS B, Sequences\nFromA == FromB + 1\n====\n',
  B: '---- MODULE B ----\nEXTENDS Naturals\nFromB == 41\n====\n',
  C: '---- MODULE C ----\nEXTENDS B\nFromC == FromB\n====\n',
  Loop1: '---- MODULE Loop1 ----\nEXTENDS Loop2\n====\n',
  Loop2: '---- MODULE Loop2 ----\nEXTENDS Loop1\n====\n',
};
const load = (n: string) => modules[n];

describe('EXTENDS flattener', () => {
  it('leaves a module that extends only standard modules alone', () => {
    const text = fixture('Slots.tla');
    const f = flattenModule(text, load);
    expect(f.text).toBe(text);
    expect(f.inlined).toEqual([]);
  });

  it('inlines user modules recursively, once each, keeping standard modules in EXTENDS', () => {
    const main = '---- MODULE Main ----\nEXTENDS A, C, FiniteSets,\n        TLC\nVARIABLE x\nInit == x = FromA + FromC\n====\n';
    const f = flattenModule(main, load);
    expect(f.inlined).toEqual(['B', 'A', 'C']);
    const lines = f.text.split('\n');
    expect(lines[1]).toBe('EXTENDS Naturals, Sequences, FiniteSets, TLC');
    expect(f.text.match(/FromB == 41/g)).toHaveLength(1); // B is reached twice, inlined once
    expect(f.text.indexOf('FromB ==')).toBeLessThan(f.text.indexOf('FromA =='));
    expect(f.text.indexOf('FromA ==')).toBeLessThan(f.text.indexOf('Init =='));
    // Lines map back to their modules.
    const initLine = lines.findIndex((l) => l.startsWith('Init =='));
    expect(f.lineMap[initLine]).toEqual({ module: 'Main', line: 5 });
    const bLine = lines.findIndex((l) => l.startsWith('FromB =='));
    expect(f.lineMap[bLine]).toEqual({ module: 'B', line: 3 });
  });

  it('flattens the two-module fixture so the embedded engine can load it', () => {
    const f = flattenModule(fixture('spec/SlotsExt.tla'), (n) => (n === 'SlotsBase' ? fixture('spec/SlotsBase.tla') : undefined));
    expect(f.inlined).toEqual(['SlotsBase']);
    expect(f.text).toMatch(/^-+ MODULE SlotsExt -+\nEXTENDS Naturals, FiniteSets, TLC\n/);
    expect(f.text).toContain('AtMostOne(S) ==');
  });

  it('reports missing modules, cycles and INSTANCE of user modules', () => {
    expect(() => flattenModule('---- MODULE M ----\nEXTENDS Nope\n====\n', load)).toThrow(/EXTENDS Nope, which is neither a standard module nor found/);
    expect(() => flattenModule('---- MODULE M ----\nEXTENDS Loop1\n====\n', load)).toThrow(/cycle: M -> Loop1 -> Loop2 -> Loop1/);
    expect(flattenModule(fixture('spec/SlotsInst.tla'), load).instances).toEqual(['Slots']);
    expect(flattenModule('---- MODULE M ----\n(* INSTANCE Hidden *)\nX == 1 \\* INSTANCE Gone\n====\n', load).instances).toEqual([]);
  });

  it('blanks comments but keeps strings and offsets', () => {
    const src = 'a (* b (* c *) d *) "\\* not a comment" \\* e\nf';
    const out = blankComments(src);
    expect(out).toHaveLength(src.length);
    expect(out.replace(/\s+/g, ' ').trim()).toBe('a "\\* not a comment" f');
  });
});
