/**
 * The embedded engine (tla-checker) misreads `=>` next to `\/` or `/\` on one line: it reads
 * `A => B /\ C` as `(A => B) /\ C` and `A \/ B => C` as `A \/ (B => C)`, where TLA+ binds
 * `/\` and `\/` tighter than `=>`. Found on 2026-12-06, when the constraint
 * `restarts > 0 => aMark[1] > 1 /\ lBallot[2].num > 0` held in no state at all (the model's
 * state count caught it). An invariant written so would be checked as another formula, a
 * weaker one in the second case, with no count to tell: CI's embedded models have no TLC
 * beside them. So the specs are kept free of both shapes (parenthesize, or use a junction
 * list), and the engine's reading is pinned: when an upgrade reads them right, the second test
 * fails and this guard can go. The guard reads one line at a time: an infix formula broken
 * across lines around `=>` is not seen (the specs break lines at junction bullets instead).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTlaChecker } from '../../src/modelcheck/embedded/wasm.js';

const SPEC = resolve(import.meta.dirname, '..', '..', 'spec');

/**
 * The misread shapes on one line of TLA+: outside comments and strings, at the bracket depth
 * of an `=>`, a `/\` or `\/` after it, or a `\/` before it. A line's leading bullet is a
 * junction list's, not an infix operator, and is skipped.
 */
function misreadShape(line: string): string | null {
  const code = line.replace(/\\\*.*$/, '').replace(/\(\*.*?\*\)/g, '').replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const body = code.replace(/^\s*(?:\/\\|\\\/)\s/, '');
  const tokens = body.match(/=>|\/\\|\\\/|[([{]|[)\]}]/g) ?? [];
  // Per bracket depth: whether an `=>` and a `\/` were seen there.
  const implies: boolean[] = [false];
  const or: boolean[] = [false];
  let depth = 0;
  for (const t of tokens) {
    if (t === '(' || t === '[' || t === '{') { depth++; implies[depth] = false; or[depth] = false; continue; }
    if (t === ')' || t === ']' || t === '}') { depth = Math.max(0, depth - 1); continue; }
    if (t === '=>') {
      if (or[depth]) return '`A \\/ B => C` (the engine reads `A \\/ (B => C)`)';
      implies[depth] = true;
    } else {
      if (implies[depth]) return `\`A => B ${t} C\` (the engine reads \`(A => B) ${t} C\`)`;
      if (t === '\\/') or[depth] = true;
    }
  }
  return null;
}

describe('=> beside \\/ and /\\ on one line', () => {
  it('no spec line has a shape the embedded engine misreads', () => {
    const found: string[] = [];
    for (const f of readdirSync(SPEC).filter((x) => x.endsWith('.tla'))) {
      readFileSync(join(SPEC, f), 'utf8').split('\n').forEach((line, i) => {
        const shape = misreadShape(line);
        if (shape !== null) found.push(`${f}:${i + 1}: ${shape}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('the engine still misreads them (when it reads them as TLA+ does, the guard above can go)', () => {
    const exprs: Record<string, [string, boolean]> = {
      ImpliesAnd: ['FALSE => TRUE /\\ FALSE', true],
      OrImplies: ['TRUE \\/ FALSE => FALSE', false],
      ImpliesAndParenthesized: ['FALSE => (TRUE /\\ FALSE)', true],
      OrImpliesParenthesized: ['(TRUE \\/ FALSE) => FALSE', false],
    };
    const spec = ['---- MODULE T ----', 'VARIABLE x', 'Init == x = 0', "Next == x' = x",
      ...Object.entries(exprs).map(([k, [text]]) => `${k} == ${text}`), '===='].join('\n');
    const engine = loadTlaChecker();
    const read = (name: string): unknown => (JSON.parse(engine.explore_eval(spec, 'INIT Init\nNEXT Next\n', '{}', '{"x":0}', name)) as { json?: unknown }).json;
    // TLA+'s values: the parenthesized forms give them; the bare ones do not.
    expect(read('ImpliesAndParenthesized')).toBe(exprs.ImpliesAndParenthesized![1]);
    expect(read('OrImpliesParenthesized')).toBe(exprs.OrImpliesParenthesized![1]);
    expect(read('ImpliesAnd')).toBe(!exprs.ImpliesAnd![1]);
    expect(read('OrImplies')).toBe(!exprs.OrImplies![1]);
  });

  it('the guard finds both shapes and passes the ones read right', () => {
    expect(misreadShape('C == restarts > 0 => aMark[1] > 1 /\\ lBallot[2].num > 0')).not.toBeNull();
    expect(misreadShape('C == p \\/ q => r')).not.toBeNull();
    expect(misreadShape('C == p => q \\/ r')).not.toBeNull();
    expect(misreadShape('    /\\ \\A n \\in S : p[n] => q[n]')).toBeNull();
    expect(misreadShape('C == p /\\ q => r')).toBeNull();
    expect(misreadShape('C == p => (q /\\ r)')).toBeNull();
    expect(misreadShape('C == (p \\/ q) => r')).toBeNull();
    expect(misreadShape('C == p => q   \\* a comment: x => y /\\ z')).toBeNull();
  });
});
