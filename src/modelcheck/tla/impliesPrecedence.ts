/**
 * A check for another formula the embedded engine (tla-checker) reads wrongly: `=>` beside `/\`
 * or `\/` on one line. It reads `A => B /\ C` as `(A => B) /\ C` and `A \/ B => C` as
 * `A \/ (B => C)`, where TLA+ binds `/\` and `\/` tighter than `=>` (`A /\ B => C` it reads
 * right). Found on 2026-12-06: the constraint `restarts > 0 => aMark[1] > 1 /\ lBallot[2].num > 0`
 * held in no state, and only the model's state count told. An invariant written so is checked
 * as another formula, in the second shape a weaker one, with nothing to tell. TLC is not affected.
 *
 * The check is syntactic and reads one line at a time (comments and strings blanked): on a line,
 * at the bracket depth of an `=>`, a `/\` or `\/` after it, or a `\/` before it, is reported. A
 * line's leading bullet belongs to a junction list, not to an infix formula, and is skipped; a
 * formula broken across lines around its `=>` is not seen. `A => B \/ C` is reported too, though
 * both readings agree there: parenthesizing costs nothing and keeps the rule one rule.
 */
import { blankComments } from './flatten.js';
import type { StructureError } from './moduleStructure.js';

const TOKEN = /=>|\/\\|\\\/|[([{]|[)\]}]/g;

/** The misread shape on one line (comments already blanked), as a sentence, and its column; or null. */
export function misreadOnLine(line: string): { column: number; shape: string } | null {
  const code = line.replace(/"(?:[^"\\]|\\.)*"/g, (s) => '"' + ' '.repeat(s.length - 2) + '"');
  const bullet = /^\s*(?:\/\\|\\\/)\s/.exec(code);
  const from = bullet === null ? 0 : bullet[0].length;
  // Per bracket depth: whether an `=>`, and a `\/`, were met there.
  const implies: boolean[] = [false];
  const or: boolean[] = [false];
  let depth = 0;
  TOKEN.lastIndex = from;
  for (let m = TOKEN.exec(code); m !== null; m = TOKEN.exec(code)) {
    const t = m[0];
    if (t === '(' || t === '[' || t === '{') { depth++; implies[depth] = false; or[depth] = false; continue; }
    if (t === ')' || t === ']' || t === '}') { depth = Math.max(0, depth - 1); continue; }
    if (t === '=>') {
      if (or[depth]) return { column: m.index + 1, shape: '`A \\/ B => C`, which the embedded engine reads as `A \\/ (B => C)`' };
      implies[depth] = true;
    } else {
      if (implies[depth]) return { column: m.index + 1, shape: `\`A => B ${t} C\`, which the embedded engine reads as \`(A => B) ${t} C\`` };
      if (t === '\\/') or[depth] = true;
    }
  }
  return null;
}

export function impliesMisreadings(moduleText: string): StructureError[] {
  const out: StructureError[] = [];
  blankComments(moduleText).split('\n').forEach((line, i) => {
    const found = misreadOnLine(line);
    if (found !== null) {
      out.push({ line: i + 1, column: found.column, message: `${found.shape}: parenthesize the operands of => (TLA+ binds /\\ and \\/ tighter; TLC is not affected)` });
    }
  });
  return out;
}
