/**
 * Names TLC's coverage entries for actions called inside a quantifier of Next. TLC reports
 * those as parts of Next with a source span ("Next@Module:534:8-534:78", see tlcOutput.ts);
 * the action is the last operator applied in that span of the module's text, e.g.
 * `\E m \in Msgs("Prepare") : \E n \in Node : AcceptorReceivePrepare(n, m)`.
 */

const LOCATED = /^(\w+)@(\w+):(\d+):(\d+)-(\d+):(\d+)$/;

/** The text of a 1-based, inclusive span of a module. */
export function spanText(text: string, l1: number, c1: number, l2: number, c2: number): string {
  const lines = text.split('\n').slice(l1 - 1, l2);
  if (lines.length === 0) return '';
  lines[lines.length - 1] = lines[lines.length - 1]!.slice(0, c2);
  lines[0] = lines[0]!.slice(c1 - 1);
  return lines.join('\n');
}

/** The action a disjunct of Next applies: its last `Name(`, else its last identifier. */
export function actionInSpan(span: string): string | undefined {
  const calls = [...span.matchAll(/([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]!);
  if (calls.length > 0) return calls[calls.length - 1];
  const words = span.match(/[A-Za-z_]\w*/g);
  return words?.[words.length - 1];
}

/**
 * Replaces located entries by action names. An action TLC also reports under its own name
 * keeps the larger count (the two report the same states); entries whose module cannot be read
 * stay as they are.
 */
export function nameCoverage(coverage: Record<string, number>, readModule: (name: string) => string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  const put = (k: string, v: number) => { out[k] = Math.max(out[k] ?? 0, v); };
  for (const [key, count] of Object.entries(coverage)) {
    const m = LOCATED.exec(key);
    const text = m ? readModule(m[2]!) : undefined;
    const name = m && text !== undefined
      ? actionInSpan(spanText(text, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])))
      : undefined;
    put(name ?? key, count);
  }
  return out;
}
