/**
 * Action coverage across the models of a check-spec run: a table (actions x models) and, per
 * module, which actions of Next no model reached. An action no model reaches is shown
 * reachable by a witness (spec/witnesses, replayed on the embedded engine) or reported.
 */
import type { ModelResult } from '../shared/types.js';

export interface ModuleCoverage {
  module: string;
  /** Actions Next declares, in their order in Next (empty: Next was not found, coverage not computed). */
  declared: string[];
  /** The module that defines Next, when it is not `module` itself (a module that EXTENDS it). */
  nextModule?: string;
  /** Action -> the models (with engine) whose check reached it. */
  reachedBy: Record<string, string[]>;
  /** Action -> witness file that reaches it (for actions no model reached). */
  witnesses: Record<string, string>;
  /** Actions neither a model nor a witness reached. */
  unreached: string[];
  /** Problems replaying witnesses (a witness that no longer replays is a failure). */
  witnessErrors: string[];
}

type Covered = Pick<ModelResult, 'model' | 'engine' | 'coverage' | 'coverageUnit'>;

const column = (r: Covered): string => `${r.model}${r.engine === 'tlc' ? ' (tlc)' : ''}`;

/** Actions reached per model; models without coverage are left out. */
export function reachedBy(results: Covered[], declared: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const a of declared) out[a] = [];
  for (const r of results) {
    if (!r.coverage) continue;
    for (const a of declared) if ((r.coverage[a] ?? 0) > 0) out[a]!.push(column(r));
  }
  return out;
}

export function formatCoverageTable(results: Covered[], declared: string[]): string {
  const withCov = results.filter((r) => r.coverage !== undefined);
  if (withCov.length === 0) return '';
  const units = [...new Set(withCov.map((r) => `${r.engine}: ${r.coverageUnit ?? 'count'}`))];
  const extra = [...new Set(withCov.flatMap((r) => Object.keys(r.coverage!)))].filter((a) => !declared.includes(a) && a !== 'Init' && a !== 'Next' && !a.includes('@'));
  const rows = [...declared, ...extra].map((a) => [a, ...withCov.map((r) => {
    const n = r.coverage![a] ?? 0;
    return n === 0 ? '-' : n.toLocaleString('en-US');
  })]);
  const header = ['action', ...withCov.map(column)];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const fmt = (cells: string[]) => cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ').trimEnd();
  return [
    `action coverage (${units.join('; ')}; "-": never)`,
    fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt),
  ].join('\n');
}

export function formatModuleCoverage(c: ModuleCoverage): string {
  if (c.declared.length === 0) {
    // Nothing to compare against: saying "every action is reachable" would be vacuous.
    return `${c.module}: action coverage not computed: no next-state relation with actions was found in ${c.module} or the modules it extends`;
  }
  const byModels = c.declared.filter((a) => (c.reachedBy[a] ?? []).length > 0);
  const whose = c.nextModule !== undefined && c.nextModule !== c.module ? ` (the actions of Next in ${c.nextModule}, which ${c.module} extends)` : '';
  const lines = [`${c.module}: ${byModels.length} of ${c.declared.length} actions reached by the models checked${whose}`];
  for (const [a, file] of Object.entries(c.witnesses)) lines.push(`  ${a}: reached by witness ${file} (replayed step by step on the embedded engine)`);
  for (const e of c.witnessErrors) lines.push(`  witness FAILED: ${e}`);
  if (c.unreached.length > 0) lines.push(`  NOT reached by any model or witness: ${c.unreached.join(', ')}`);
  else lines.push(`  every action of Next is reachable`);
  return lines.join('\n');
}
