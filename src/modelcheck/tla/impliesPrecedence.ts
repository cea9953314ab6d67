/**
 * A check for formulas the embedded engine (tla-checker) reads wrongly: `=>` or `<=>` beside an
 * infix `/\` or `\/`. TLA+ binds `/\` and `\/` tighter than both; the engine reads
 * `A => B /\ C` as `(A => B) /\ C`, `A \/ B => C` as `A \/ (B => C)`, `A <=> B \/ C` as
 * `(A <=> B) \/ C`, and `A => B => C` as `(A => B) => C` (found on 2026-12-06: the constraint
 * `restarts > 0 => aMark[1] > 1 /\ lBallot[2].num > 0` held in no state, and only the model's
 * state count told). It does so on one line and across lines (`A =>` ending a line, `B /\ C` on
 * the next), and with `\land` and `\lor` as with `/\` and `\/`. An invariant written so is checked
 * as another formula, in some shapes a weaker one, with nothing to tell. TLC is not affected.
 *
 * The check is syntactic, over the module's tokens (comments and strings blanked). It keeps a
 * frame per bracket and per junction list (a bullet `/\` or `\/`: one where an expression starts,
 * or the first token of a line in the column of an open list's bullets, which starts the next
 * item); a token that starts a line left of a list's bullets, or in their column without being
 * one, ends that list. Within a frame, the tokens after which a new formula starts (`==`, `,`,
 * `:`, `IF`, `THEN`, `ELSE`, `LET`, `IN`, `CASE`, `OTHER`, `->`, `[]`, `|->`, `EXCEPT`) begin a new
 * segment; in one segment it reports an infix `/\` or `\/` after an `=>`, `<=>` or `~>`, an infix
 * `\/` before an `=>` or `~>`, and two of `=>`, `<=>`, `~>`. Some reported shapes the engine reads
 * right (`A => B \/ C`: both readings agree), and `~>` was not tried on it (the engine gives no
 * value of a temporal formula to compare): parenthesizing costs nothing and keeps the rule one rule.
 * What it leaves alone is read right: a junction list's items, `A /\ B => C`, and a formula
 * after `=>` that starts with a bullet, a quantifier, IF, LET, CHOOSE or CASE.
 */
import { blankComments } from './flatten.js';
import type { StructureError } from './moduleStructure.js';

interface Token { text: string; line: number; column: number; first: boolean }

const TOKEN = /<=>|=>|~>|\/\\|\\\/|\\[A-Za-z]+|<<|>>|\|->|->|==|\[\]|[([{]|[)\]}]|,|:(?![:=])|"[^"\n]*"|[A-Za-z_][A-Za-z0-9_!]*|\d+|'|@|[^\sA-Za-z0-9_]/g;

const IMPLIES = new Set(['=>', '<=>', '~>']);
const AND = new Set(['/\\', '\\land']);
const OR = new Set(['\\/', '\\lor']);
const OPEN = new Set(['(', '[', '{', '<<']);
const CLOSE = new Set([')', ']', '}', '>>']);
/** After these a new formula starts: what came before in the frame is not an operand of what follows. */
const NEW_SEGMENT = new Set(['==', ',', ':', 'IF', 'THEN', 'ELSE', 'LET', 'IN', 'CASE', 'OTHER', '->', '[]', '|->', 'EXCEPT']);
/** Words that are not values: a bullet may follow them. */
const KEYWORDS = new Set(['IF', 'THEN', 'ELSE', 'LET', 'IN', 'CASE', 'OTHER', 'CHOOSE', 'EXCEPT', 'ENABLED', 'UNCHANGED',
  'SUBSET', 'UNION', 'DOMAIN', 'LAMBDA', 'ASSUME', 'THEOREM', 'LOCAL', 'RECURSIVE', 'INSTANCE', 'WITH']);

interface Frame {
  /** A junction list's bullet column and kind; undefined for a bracket. */
  column?: number;
  bullet?: 'and' | 'or';
  /** In the current segment: the first `=>`, `<=>` or `~>`, and whether an infix `\/` came before it. */
  implies?: string;
  or: boolean;
}

/** Ends a value: a junction operator after it is infix. */
function endsValue(t: Token | undefined): boolean {
  if (t === undefined) return false;
  const x = t.text;
  if (CLOSE.has(x) || x === "'" || x === '@' || x.startsWith('"') || /^\d/.test(x)) return true;
  return /^[A-Za-z_]/.test(x) && !KEYWORDS.has(x);
}

function tokens(code: string): Token[] {
  const out: Token[] = [];
  code.split('\n').forEach((text, i) => {
    TOKEN.lastIndex = 0;
    let first = true;
    for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
      out.push({ text: m[0], line: i + 1, column: m.index + 1, first });
      first = false;
    }
  });
  return out;
}

/** The text between the module's first line and its closing `====` (anything outside is not TLA+); other lines blank. */
function moduleBody(text: string): string {
  const lines = blankComments(text).split('\n');
  const start = lines.findIndex((l) => /^-{4,}\s*MODULE\b/.test(l));
  const end = lines.findIndex((l, i) => i > start && /^={4,}/.test(l));
  return lines.map((l, i) => (start >= 0 && (i <= start || (end >= 0 && i >= end)) ? '' : l)).join('\n');
}

interface Misreading { line: number; column: number; shape: string }

function scan(code: string): Misreading[] {
  const found: Misreading[] = [];
  const frames: Frame[] = [{ or: false }];
  const top = (): Frame => frames[frames.length - 1]!;
  let previous: Token | undefined;
  for (const t of tokens(code)) {
    const x = t.text;
    const junction = AND.has(x) ? 'and' : OR.has(x) ? 'or' : undefined;
    let bullet = false;
    if (t.first) {
      // A line's first token ends the junction lists whose bullets stand right of it, and those in its column unless it is their next bullet.
      for (let f = top(); f.column !== undefined; f = top()) {
        if (f.column > t.column || (f.column === t.column && f.bullet !== junction)) { frames.pop(); continue; }
        if (f.column === t.column) { bullet = true; f.implies = undefined; f.or = false; }
        break;
      }
    }
    if (junction !== undefined && !bullet && !endsValue(previous)) {
      // Where an expression starts: the first bullet of a junction list.
      frames.push({ column: t.column, bullet: junction, or: false });
      bullet = true;
    }
    if (junction !== undefined && !bullet) {
      const f = top();
      if (f.implies !== undefined) {
        found.push({ line: t.line, column: t.column, shape: `\`A ${f.implies} B ${x} C\`, which the embedded engine reads as \`(A ${f.implies} B) ${x} C\`` });
      }
      if (junction === 'or') f.or = true;
    } else if (IMPLIES.has(x)) {
      const f = top();
      if (f.implies !== undefined) {
        found.push({ line: t.line, column: t.column, shape: `\`A ${f.implies} B ${x} C\`, which the embedded engine reads as \`(A ${f.implies} B) ${x} C\`` });
      } else if (f.or && x !== '<=>') {
        found.push({ line: t.line, column: t.column, shape: `\`A \\/ B ${x} C\`, which the embedded engine reads as \`A \\/ (B ${x} C)\`` });
      }
      f.implies ??= x;
    } else if (OPEN.has(x)) {
      frames.push({ or: false });
    } else if (CLOSE.has(x)) {
      // Up to and with the innermost bracket's frame (never the outermost one).
      while (frames.length > 1 && top().column !== undefined) frames.pop();
      if (frames.length > 1) frames.pop();
    } else if (NEW_SEGMENT.has(x)) {
      const f = top();
      f.implies = undefined;
      f.or = false;
    }
    previous = t;
  }
  return found;
}

/** The text with each string's contents blanked (an escaped quote included), so no operator inside one is read. */
const blankStrings = (code: string): string => code.replace(/"(?:[^"\\\n]|\\.)*"/g, (x) => '"' + ' '.repeat(x.length - 2) + '"');

/** The first misread shape in one line of TLA+ (comments already blanked), as a sentence, and its column; or null. */
export function misreadOnLine(line: string): { column: number; shape: string } | null {
  const [first] = scan(blankStrings(line));
  return first === undefined ? null : { column: first.column, shape: first.shape };
}

export function impliesMisreadings(moduleText: string): StructureError[] {
  return scan(blankStrings(moduleBody(moduleText))).map((f) => ({
    line: f.line, column: f.column,
    message: `${f.shape}: parenthesize the operands of =>, <=> and ~> (TLA+ binds /\\ and \\/ tighter; TLC is not affected)`,
  }));
}
