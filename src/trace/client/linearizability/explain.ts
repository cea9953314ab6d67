/**
 * A short report of a check, for people: on failure, how far a linearization got, the state
 * it reached, and for each operation that could come next, what the client was told and
 * what the model says it should have been told from that state.
 */
import type { LinearizabilityResult } from './check.js';
import type { Operation } from './history.js';
import { shortJson } from './model.js';

/** Operations listed at most, before and at the point where the search got stuck. */
const PREFIX_TAIL_LISTED = 5;
const STUCK_LISTED = 8;
/** Longest state text printed; a bank with many accounts has a long state. */
const MAX_STATE_CHARS = 400;

function when(op: Operation): string {
  return op.ret === undefined ? `called ${op.call}, never returned` : `called ${op.call}, returned ${op.ret}`;
}

function head(op: Operation): string {
  return `op ${JSON.stringify(op.id)} (client ${op.client}, ${when(op)})`;
}

export function explain(result: LinearizabilityResult): string {
  const ms = `${result.ms.toFixed(1)} ms`;
  if (result.ok === true) {
    return `linearizable: ${result.operations} operations in ${result.partitions} part(s), checked in ${ms}`;
  }
  if (result.ok === 'unknown') return `unknown (the check gave up after ${ms}): ${result.reason}`;

  const { longestPrefix, stuckAt } = result;
  const lines = [
    `NOT linearizable (model ${result.model}): part #${result.partition + 1}, ${result.partitionOperations.length} operations, checked in ${ms}.`,
    `The longest linearization found places ${longestPrefix.length} of them${longestPrefix.length > 0 ? '; it ends with:' : '.'}`,
  ];
  const tail = longestPrefix.slice(-PREFIX_TAIL_LISTED);
  if (longestPrefix.length > tail.length) lines.push(`  ... ${longestPrefix.length - tail.length} before`);
  for (const op of tail) lines.push(`  ${head(op)} ${shortJson(op.input)} -> ${op.ret === undefined ? '(took effect here)' : shortJson(op.output)}`);
  const state = result.state.length <= MAX_STATE_CHARS ? result.state : `${result.state.slice(0, MAX_STATE_CHARS - 1)}…`;
  lines.push(`From the state it reaches, ${state}, no operation can come next:`);
  // Wrong outputs first: they are the likely culprits; operations that fit only led to dead ends.
  const ordered = [...stuckAt.filter((s) => !s.placeable), ...stuckAt.filter((s) => s.placeable)];
  for (const s of ordered.slice(0, STUCK_LISTED)) {
    lines.push(`  ${head(s.op)} ${s.description}`);
    if (s.placeable) lines.push(`    fits here (the model gives ${shortJson(s.expected)}), but no linearization goes on from it`);
    else lines.push(`    the client was told ${shortJson(s.op.output)}`, `    the model gives       ${shortJson(s.expected)}`);
  }
  if (ordered.length > STUCK_LISTED) lines.push(`  ... and ${ordered.length - STUCK_LISTED} more`);
  return lines.join('\n');
}
