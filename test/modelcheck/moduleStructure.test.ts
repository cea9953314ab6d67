/**
 * The embedded engine rejects what TLC's parser rejects: each broken module below passes
 * tla-checker on its own (or fails with a message that names the wrong thing).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/modelcheck/check.js';
import { checkModuleStructure, withoutTrailer } from '../../src/modelcheck/tla/moduleStructure.js';
import { FIXTURES, fixture, SLOTS, SPEC_DIR } from './helpers.js';

const MULTIPAXOS_DIR = join(FIXTURES, 'multipaxos');
const MULTIPAXOS = fixture('multipaxos/MultiPaxos.tla');

const embeddedMultiPaxos = (moduleText: string) => checkModel({
  moduleName: 'MultiPaxos', moduleText, cfgText: fixture('multipaxos/ci-normal.cfg'), engine: 'embedded', specDir: MULTIPAXOS_DIR, noGraph: true,
});

describe('structural checks before the embedded engine runs', () => {
  it('MultiPaxos.tla without its closing ==== line: a parse error at MultiPaxos.tla:691:1, where TLC reports it (noend-tool.out)', async () => {
    const r = await embeddedMultiPaxos(MULTIPAXOS.replace(/\n=+\s*$/, '\n'));
    expect(r).toMatchObject({ verdict: 'parse-error', errorKind: 'spec', message: 'the module ends without its closing ==== line' });
    expect(r.location).toEqual({ module: 'MultiPaxos', file: join(MULTIPAXOS_DIR, 'MultiPaxos.tla'), line: 691, column: 1 });
  });

  it('an unclosed parenthesis in Agreement: the parenthesis, not "INVARIANT definition \'Agreement\' not found"', async () => {
    const text = MULTIPAXOS.replace('Agreement == \\A d, e \\in AllDecided : d.slot = e.slot => d.prop = e.prop', 'Agreement == \\A d, e \\in AllDecided : (d.slot = e.slot => d.prop = e.prop');
    expect(text).not.toBe(MULTIPAXOS);
    const line = text.split('\n').findIndex((l) => l.startsWith('Agreement ==')) + 1;
    const r = await embeddedMultiPaxos(text);
    expect(r).toMatchObject({ verdict: 'parse-error', errorKind: 'spec' });
    expect(r.location).toMatchObject({ file: join(MULTIPAXOS_DIR, 'MultiPaxos.tla'), line, column: 39 });
    expect(r.message).toBe('"(" is never closed (in the definition of Agreement)');
  });

  it('a syntax error tla-checker skips over is reported at the definition it dropped', async () => {
    // A missing THEN: tla-checker drops Write and says "undefined variable `Write`".
    const r = await checkModel({ moduleName: 'Slots', moduleText: SLOTS.replace('IF Buggy THEN TRUE ELSE', 'IF Buggy TRUE ELSE'), cfgText: fixture('ok.cfg'), engine: 'embedded', specDir: SPEC_DIR });
    expect(r).toMatchObject({ verdict: 'parse-error', location: { module: 'Slots', line: 15, column: 1 } });
    expect(r.message).toMatch(/^the embedded engine could not parse the definition of Write/);
  });

  it('a module whose name is not its file\'s, and a name defined twice', async () => {
    const renamed = await checkModel({ moduleName: 'Slots', moduleText: SLOTS.replace('MODULE Slots', 'MODULE Slotz'), cfgText: fixture('ok.cfg'), engine: 'embedded', specDir: SPEC_DIR });
    expect(renamed).toMatchObject({ verdict: 'parse-error', message: 'the file is Slots.tla but the module is called Slotz', location: { line: 1 } });
    const twice = await checkModel({ moduleName: 'Slots', moduleText: SLOTS.replace('Slot == 1..NSlots', 'Slot == 1..NSlots\nSlot == 1..2'), cfgText: fixture('ok.cfg'), engine: 'embedded', specDir: SPEC_DIR });
    expect(twice).toMatchObject({ verdict: 'parse-error', message: 'Slot is defined twice (first at line 10)', location: { line: 11 } });
  });

  it('an extended module is checked too, under its own file name', async () => {
    const r = await checkModel({
      moduleName: 'SlotsExt', cfgText: fixture('ok.cfg'), engine: 'embedded', specDir: SPEC_DIR,
      moduleText: fixture('spec/SlotsExt.tla'),
    });
    expect(r.verdict).toBe('pass');
    // The same with a SlotsBase.tla that lacks its closing line, read from a copy of the spec dir.
    const { mkdtempSync, cpSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'structure-'));
    cpSync(SPEC_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'SlotsBase.tla'), fixture('spec/SlotsBase.tla').replace(/\n=+\s*$/, '\n'));
    const broken = await checkModel({ moduleName: 'SlotsExt', cfgText: fixture('ok.cfg'), engine: 'embedded', specDir: dir });
    expect(broken).toMatchObject({ verdict: 'parse-error', location: { module: 'SlotsBase', file: join(dir, 'SlotsBase.tla') } });
  });

  it('what follows the closing line is ignored, as TLC ignores it', async () => {
    const r = await checkModel({ moduleName: 'Slots', moduleText: `${SLOTS}\nNotes (( after the end\n`, cfgText: fixture('ok.cfg'), engine: 'embedded', specDir: SPEC_DIR });
    expect(r).toMatchObject({ verdict: 'pass', distinctStates: 9 });
  });
});

describe('checkModuleStructure', () => {
  const mod = (body: string) => `---- MODULE M ----\n${body}\n====\n`;

  it('accepts brackets inside strings and comments, [] and <> as temporal operators, tuples, and inner modules', () => {
    expect(checkModuleStructure(mod('A == "(" \\* ( [\n(* { (* nested ( *) *)\nB == [][A]_<<x, <<y>>>> /\\ <>(x = 1)\nC == [i \\in 1..2 |-> {i}]'), 'M')).toEqual([]);
    expect(checkModuleStructure('---- MODULE M ----\n---- MODULE Inner ----\nX == 1\n====\nY == 2\n====\n', 'M')).toEqual([]);
  });

  it('finds each kind of error with its line and column', () => {
    expect(checkModuleStructure(mod('A == (1 + 2'))).toEqual([{ line: 2, column: 6, message: '"(" is never closed (in the definition of A)' }]);
    expect(checkModuleStructure(mod('A == [x |-> 1)'))).toEqual([{ line: 2, column: 14, message: '")" does not close the "[" opened at line 2, column 6 (in the definition of A)' }]);
    expect(checkModuleStructure(mod('A == 1 >>'))).toEqual([{ line: 2, column: 8, message: '">>" closes nothing (in the definition of A)' }]);
    expect(checkModuleStructure(mod('A == "abc'))).toEqual([{ line: 2, column: 6, message: 'unterminated string (in the definition of A)' }]);
    expect(checkModuleStructure(mod('(* open\nA == 1'))).toEqual([{ line: 2, column: 1, message: 'unterminated comment "(*"' }]);
    expect(checkModuleStructure('---- MODULE M ----\n---- MODULE Inner ----\nX == 1\n====\n', 'M')[0]!.message).toBe('the module ends without its closing ==== line');
    expect(checkModuleStructure('A == 1\n')[0]!.message).toBe('no "---- MODULE Name ----" header');
  });

  it('withoutTrailer cuts what follows the last closing line', () => {
    expect(withoutTrailer('---- MODULE M ----\nA == 1\n====\nfree text (\n')).toBe('---- MODULE M ----\nA == 1\n====\n');
  });
});
