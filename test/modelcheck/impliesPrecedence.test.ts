/**
 * The embedded engine misreads `=>` and `<=>` beside an infix `/\\` or `\\/`, on one line or across
 * lines (src/modelcheck/tla/impliesPrecedence.ts). Shown on the engine itself, then the check
 * that refuses such a spec before the engine runs, and every spec of this repository clean. When
 * an upgrade of the engine reads these formulas as TLA+ does, the first test fails, and the check
 * can go.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { impliesMisreadings, misreadOnLine } from '../../src/modelcheck/tla/impliesPrecedence.js';
import { prepareEmbeddedModule } from '../../src/modelcheck/embedded/engine.js';
import { loadTlaChecker } from '../../src/modelcheck/embedded/wasm.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const spec = (definition: string) => `---- MODULE M ----
VARIABLE x
Init == x = 0
Next == x' = x
${definition}
====
`;
/** The engine's value of the module's definition D in the state x = 0. */
const engineValue = (definition: string): unknown =>
  (JSON.parse(loadTlaChecker().explore_eval(spec(`D == ${definition}`), 'INIT Init\nNEXT Next\n', '{}', '{"x":0}', 'D')) as { json?: unknown }).json;

/**
 * Formulas, their value in TLA+ (where /\\ and \\/ bind tighter than => and <=>; for A => B => C,
 * the value grouped to the right, where the engine groups to the left: parentheses say which is
 * meant), and whether the check reports them. Each one the engine misreads must be reported; some
 * it reads right are reported too (the rule is one rule).
 */
const SHAPES: Array<{ formula: string; tla: boolean; misread: boolean; reported: boolean }> = [
  { formula: 'FALSE => TRUE /\\ FALSE', tla: true, misread: true, reported: true },
  { formula: 'FALSE => TRUE /\\ FALSE /\\ TRUE', tla: true, misread: true, reported: true },
  { formula: 'TRUE \\/ FALSE => FALSE', tla: false, misread: true, reported: true },
  { formula: 'FALSE => TRUE \\land FALSE', tla: true, misread: true, reported: true },
  { formula: 'TRUE \\lor FALSE => FALSE', tla: false, misread: true, reported: true },
  { formula: 'FALSE <=> FALSE \\/ TRUE', tla: false, misread: true, reported: true },
  { formula: 'FALSE <=> TRUE /\\ FALSE', tla: true, misread: true, reported: true },
  { formula: 'FALSE => FALSE => FALSE', tla: true, misread: true, reported: true },
  // Across lines: an infix /\\ or \\/ continuing a formula, not a bullet.
  { formula: 'FALSE =>\n        TRUE /\\ FALSE', tla: true, misread: true, reported: true },
  { formula: 'FALSE => TRUE\n        /\\ FALSE', tla: true, misread: true, reported: true },
  { formula: 'FALSE =>\n        TRUE\n        /\\ FALSE', tla: true, misread: true, reported: true },
  { formula: 'TRUE \\/ FALSE\n        => FALSE', tla: false, misread: true, reported: true },
  { formula: 'LET a == FALSE => TRUE /\\ FALSE IN a', tla: true, misread: true, reported: true },
  { formula: 'IF FALSE => TRUE /\\ FALSE THEN TRUE ELSE FALSE', tla: true, misread: true, reported: true },
  { formula: '{y \\in {1} : FALSE => TRUE /\\ FALSE} = {1}', tla: true, misread: true, reported: true },
  // Read right, reported all the same.
  { formula: 'FALSE => TRUE \\/ FALSE', tla: true, misread: false, reported: true },
  { formula: '\\E y \\in {1} : FALSE => TRUE /\\ FALSE', tla: true, misread: false, reported: true },
  { formula: 'TRUE => FALSE <=> TRUE', tla: false, misread: false, reported: true },
  // Read right, and left alone.
  { formula: 'FALSE /\\ TRUE => FALSE', tla: true, misread: false, reported: false },
  { formula: 'TRUE /\\ FALSE <=> FALSE', tla: true, misread: false, reported: false },
  { formula: 'FALSE \\/ TRUE <=> FALSE', tla: false, misread: false, reported: false },
  { formula: 'FALSE => (TRUE /\\ FALSE)', tla: true, misread: false, reported: false },
  { formula: '(TRUE \\/ FALSE) => FALSE', tla: false, misread: false, reported: false },
  { formula: 'FALSE => \\A y \\in {1} : TRUE /\\ FALSE', tla: true, misread: false, reported: false },
  { formula: 'TRUE \\/ \\E y \\in {1} : TRUE => FALSE', tla: true, misread: false, reported: false },
  { formula: 'FALSE => IF TRUE THEN TRUE ELSE TRUE /\\ FALSE', tla: true, misread: false, reported: false },
  { formula: 'FALSE => LET a == TRUE IN a /\\ FALSE', tla: true, misread: false, reported: false },
  { formula: 'FALSE => CHOOSE y \\in {TRUE} : y /\\ FALSE', tla: true, misread: false, reported: false },
  { formula: 'FALSE =>\n        /\\ TRUE\n        /\\ FALSE', tla: true, misread: false, reported: false },
  { formula: '/\\ TRUE\n     /\\ FALSE => FALSE', tla: true, misread: false, reported: false },
  { formula: '\\/ FALSE\n     \\/ TRUE => FALSE', tla: false, misread: false, reported: false },
  { formula: '/\\ FALSE => TRUE\n     /\\ FALSE', tla: false, misread: false, reported: false },
  { formula: '/\\ TRUE\n     /\\ FALSE =>\n           FALSE\n     /\\ TRUE', tla: true, misread: false, reported: false },
  { formula: 'TRUE /\\\n     FALSE => FALSE', tla: true, misread: false, reported: false },
];

describe('=> and <=> beside /\\ and \\/', () => {
  it('is what the embedded engine misreads, on one line and across lines', () => {
    for (const s of SHAPES) {
      const value = engineValue(s.formula);
      expect(value, s.formula).toBe(s.misread ? !s.tla : s.tla);
    }
  });

  it('is reported wherever the engine misreads it, and left alone in the shapes listed as read right', () => {
    for (const s of SHAPES) {
      expect(impliesMisreadings(spec(`D == ${s.formula}`)).length > 0, s.formula).toBe(s.reported);
      if (s.misread) expect(s.reported, s.formula).toBe(true);
    }
  });

  it('is found where it happens, and refused before the engine runs', () => {
    const text = spec('C == x > 0 => x > 1 /\\ x > 2');
    expect(impliesMisreadings(text)).toEqual([expect.objectContaining({ line: 5, column: 21 })]);
    expect(impliesMisreadings(text)[0]!.message).toMatch(/`A => B \/\\ C`, which the embedded engine reads as `\(A => B\) \/\\ C`: parenthesize/);
    expect(prepareEmbeddedModule(text, () => undefined, { module: 'M' })).toMatchObject({ ok: false, parseError: { location: { line: 5, file: 'M.tla' } } });
    expect(misreadOnLine('C == p \\/ q => r')).not.toBeNull();
    expect(misreadOnLine('C == \\A y \\in S : p => q \\/ r')).not.toBeNull();
    // Across lines: the line and column of the /\\ that continues the formula.
    expect(impliesMisreadings(spec('C == x > 0 =>\n       x > 1\n       /\\ x > 2'))).toEqual([expect.objectContaining({ line: 7, column: 8 })]);
  });

  it('leaves alone the shapes read right: a bullet, /\\ before =>, brackets, comments and strings', () => {
    expect(misreadOnLine('    /\\ \\A n \\in S : p[n] => q[n]')).toBeNull();
    expect(misreadOnLine('C == p /\\ q => r')).toBeNull();
    expect(misreadOnLine('C == p => (q /\\ r)')).toBeNull();
    expect(misreadOnLine('C == (p \\/ q) => r')).toBeNull();
    expect(misreadOnLine('C == f[p \\/ q] => r')).toBeNull();
    expect(misreadOnLine('C == p => "a /\\ b"')).toBeNull();
    expect(impliesMisreadings(spec('C == p => q \\* x => y /\\ z'))).toEqual([]);
    expect(impliesMisreadings(spec('C == p => q (* x => y /\\ z *)'))).toEqual([]);
  });

  it('finds nothing in the specs of this repository', () => {
    const files = execFileSync('git', ['-C', ROOT, 'ls-files', '*.tla'], { encoding: 'utf8' }).trim().split('\n');
    expect(files.length).toBeGreaterThan(3);
    const found = files.flatMap((f) => impliesMisreadings(readFileSync(join(ROOT, f), 'utf8')).map((e) => `${f}:${e.line}: ${e.message}`));
    expect(found).toEqual([]);
  });
});
