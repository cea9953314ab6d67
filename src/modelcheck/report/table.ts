/** Text output: the results table and readable counterexamples. */
import { formatItf } from '../values/itf.js';
import { ERROR_KIND_LABEL, type Counterexample, type ModelResult } from '../shared/types.js';

/** `invariant Agreement`, `error (out of memory)`, `pass`. */
export function verdictText(r: Pick<ModelResult, 'verdict' | 'violated' | 'errorKind'>): string {
  if (r.violated !== undefined) return `${r.verdict} ${r.violated}`;
  if (r.errorKind !== undefined && (r.verdict === 'error' || r.verdict === 'parse-error')) return `${r.verdict} (${ERROR_KIND_LABEL[r.errorKind]})`;
  return r.verdict;
}

/** `tlc`, `tlc simulate`, `tlc distributed`, `embedded`. */
function engineText(r: Pick<ModelResult, 'engine' | 'mode'>): string {
  return r.mode !== undefined && r.mode !== 'exhaustive' ? `${r.engine} ${r.mode}` : r.engine;
}

function duration(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

function count(n: number | undefined): string {
  return n === undefined ? '-' : n.toLocaleString('en-US');
}

/**
 * One row per result. The embedded engine reports neither generated states nor depth ("-"); a
 * simulation counts no distinct states ("-") and adds a traces column. `notes` adds a last
 * column (e.g. "as expected").
 */
export function formatResultsTable(results: ModelResult[], notes?: string[]): string {
  const withTraces = results.some((r) => r.traces !== undefined);
  const header = ['model', 'engine', 'verdict', 'distinct states', 'states generated', 'depth', ...(withTraces ? ['traces'] : []), 'duration'];
  if (notes) header.push('result');
  const rows = results.map((r, i) => {
    const failed = r.verdict === 'error' || r.verdict === 'parse-error';
    const row = [
      r.model,
      engineText(r),
      verdictText(r),
      r.mode === 'simulate' || (failed && r.distinctStates === 0) ? '-' : count(r.distinctStates),
      count(r.statesGenerated),
      count(r.depth),
      ...(withTraces ? [count(r.traces)] : []),
      duration(r.durationMs),
    ];
    if (notes) row.push(notes[i] ?? '');
    return row;
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const numeric = new Set(header.map((h, c) => (['distinct states', 'states generated', 'depth', 'traces', 'duration'].includes(h) ? c : -1)));
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
