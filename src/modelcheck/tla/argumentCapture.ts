/**
 * A check for what the embedded engine (tla-checker 0.9.0) evaluates wrongly: it substitutes an
 * operator's arguments into its body without renaming, so an argument that mentions a name
 * which is also another parameter of the operator is captured by that parameter. With
 * `Less(a, b) == a.num < b.num \/ ...`, the call `Less(b, aBallot[n])` is evaluated as
 * `Less(aBallot[n], aBallot[n])`. TLC is not affected. MultiPaxos.tla had exactly this in
 * AcceptorStepMonotone, which made the embedded engine miss every promise that went down.
 *
 * The check is syntactic and runs on the module text (comments blanked) before the engine
 * does: a call `F(e1, ..., ek)` of a top-level `F(p1, ..., pk) ==` is reported when some ei
 * mentions pj (j # i) while ej is not pj itself (then the capture would change nothing).
 */
import { blankComments } from './flatten.js';
import type { StructureError } from './moduleStructure.js';

const DEFINITION = /^([A-Za-z_][A-Za-z0-9_]*)\(([^)]*)\)\s*==/gm;

/** The top-level arguments of a call whose "(" ends at `from`, and where the call ends. */
function argumentsAt(text: string, from: number): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) { out.push(text.slice(start, i).trim()); return out; }
      depth--;
    } else if (c === ',' && depth === 0) { out.push(text.slice(start, i).trim()); start = i + 1; }
  }
  return undefined;
}

const mentions = (expr: string, name: string): boolean => new RegExp(`(?<![A-Za-z0-9_!])${name}(?![A-Za-z0-9_])`).test(expr);

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

export function argumentCaptures(moduleText: string): StructureError[] {
  const text = blankComments(moduleText);
  const operators = new Map<string, string[]>();
  for (const m of text.matchAll(DEFINITION)) operators.set(m[1]!, m[2]!.split(',').map((p) => p.trim()));
  const out: StructureError[] = [];
  for (const [name, params] of operators) {
    for (const call of text.matchAll(new RegExp(`(?<![A-Za-z0-9_])${name}\\(`, 'g'))) {
      // The definition's own left-hand side is not a call.
      if (call.index === 0 || text[call.index - 1] === '\n') continue;
      const args = argumentsAt(text, call.index + call[0].length);
      if (args === undefined || args.length !== params.length) continue;
      args.forEach((arg, i) => {
        params.forEach((p, j) => {
          if (j === i || args[j] === p || !mentions(arg, p)) return;
          out.push({
            ...position(text, call.index),
            message: `${name}(${args.join(', ')}): its argument ${JSON.stringify(arg)} mentions ${p}, which is also a parameter of ${name}; ` +
              `the embedded engine would read it as ${JSON.stringify(args[j])} (it does not rename on substitution). Rename ${p} at the call site (TLC is not affected)`,
          });
        });
      });
    }
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}
