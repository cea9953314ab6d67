/** Text output: the results table and readable counterexamples. */
import { formatItf } from './itf.js';
import type { Counterexample, ModelResult } from './types.js';

export function verdictText(r: Pick<ModelResult, 'verdict' | 'violated'>): string {
  return r.violated !== undefined ? `${r.verdict} ${r.violated}` : r.verdict;
}

function duration(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

function count(n: number | undefined): string {
  return n === undefined ? '-' : n.toLocaleString('en-US');
}

/**
 * One row per result. The embedded engine reports neither generated states nor depth ("-").
 * `notes` adds a last column (e.g. "as expected").
 */
export function formatResultsTable(results: ModelResult[], notes?: string[]): string {
  const header = ['model', 'engine', 'verdict', 'distinct states', 'states generated', 'depth', 'duration'];
  if (notes) header.push('result');
  const rows = results.map((r, i) => {
    const failed = r.verdict === 'error' || r.verdict === 'parse-error';
    const row = [
      r.model,
      r.engine,
      verdictText(r),
      failed && r.distinctStates === 0 ? '-' : count(r.distinctStates),
      count(r.statesGenerated),
      count(r.depth),
      duration(r.durationMs),
    ];
    if (notes) row.push(notes[i] ?? '');
    return row;
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const numeric = new Set([3, 4, 5, 6]);
  const fmt = (cells: string[]) => cells.map((x, c) => (numeric.has(c) ? x.padStart(widths[c]!) : x.padEnd(widths[c]!))).join('  ').trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

/** One block per step: the action when known, and only the variables that changed (all of them for the first state). */
export function formatCounterexample(cex: Counterexample): string {
  const out: string[] = [];
  let prev: Record<string, unknown> | undefined;
  cex.states.forEach((s, i) => {
    const head = i === 0 ? 'initial state' : s.action !== undefined ? s.action : '(action unknown)';
    out.push(`state ${i + 1}: ${head}`);
    const changed = Object.entries(s.vars).filter(([k, v]) => prev === undefined || JSON.stringify(prev[k]) !== JSON.stringify(v));
    if (changed.length === 0) out.push('  (no variable changed)');
    for (const [k, v] of changed) out.push(`  ${k} = ${formatItf(v)}`);
    prev = s.vars;
  });
  if (cex.loopTo !== undefined) {
    out.push(cex.loopTo === cex.states.length - 1
      ? `then stutters forever in state ${cex.loopTo + 1}`
      : `then loops back to state ${cex.loopTo + 1}`);
  }
  return out.join('\n');
}
