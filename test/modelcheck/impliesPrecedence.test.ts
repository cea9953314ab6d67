/**
 * The embedded engine misreads `=>` beside `/\` or `\/` on one line
 * (src/modelcheck/tla/impliesPrecedence.ts). Shown on the engine itself, then the check that
 * refuses such a spec before the engine runs, and every spec of this repository clean. When an
 * upgrade of the engine reads these formulas as TLA+ does, the first test fails, and the check
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

describe('=> beside /\\ and \\/ on one line', () => {
  it('is what the embedded engine misreads (TLA+ gives the parenthesized forms\' values)', () => {
    // TLA+: FALSE => (TRUE /\ FALSE) is TRUE; the engine reads (FALSE => TRUE) /\ FALSE.
    expect(engineValue('FALSE => (TRUE /\\ FALSE)')).toBe(true);
    expect(engineValue('FALSE => TRUE /\\ FALSE')).toBe(false);
    // TLA+: (TRUE \/ FALSE) => FALSE is FALSE; the engine reads TRUE \/ (FALSE => FALSE).
    expect(engineValue('(TRUE \\/ FALSE) => FALSE')).toBe(false);
    expect(engineValue('TRUE \\/ FALSE => FALSE')).toBe(true);
    // Read right: /\ before =>.
    expect(engineValue('FALSE /\\ TRUE => FALSE')).toBe(true);
  });

  it('is found where it happens, and refused before the engine runs', () => {
    const text = spec('C == x > 0 => x > 1 /\\ x > 2');
    expect(impliesMisreadings(text)).toEqual([expect.objectContaining({ line: 5, column: 21 })]);
    expect(impliesMisreadings(text)[0]!.message).toMatch(/`A => B \/\\ C`, which the embedded engine reads as `\(A => B\) \/\\ C`: parenthesize/);
    expect(prepareEmbeddedModule(text, () => undefined, { module: 'M' })).toMatchObject({ ok: false, parseError: { location: { line: 5, file: 'M.tla' } } });
    expect(misreadOnLine('C == p \\/ q => r')).not.toBeNull();
    expect(misreadOnLine('C == \\A y \\in S : p => q \\/ r')).not.toBeNull();
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
