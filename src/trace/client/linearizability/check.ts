/**
 * checkLinearizable: validate the history, split it into parts when the model allows
 * (partition.ts), and search each part for a linearization (search.ts).
 */
import { assertValidHistory, type Operation } from './history.js';
import type { Model } from './model.js';
import { partitionByFootprint, type FootprintOf } from './partition.js';
import { PartitionSearch, type Budget, type StuckOperation } from './search.js';
import { checkWitness } from './witness.js';

export type { StuckOperation } from './search.js';

export type LinearizabilityResult =
  | {
      readonly ok: true;
      readonly partitions: number;
      readonly operations: number;
      /** One linearization per part (operation ids); operations that never returned and never took effect are absent. */
      readonly linearizations: readonly (readonly string[])[];
      /** The proposed order (CheckOptions.witness) was a linearization: no search ran. */
      readonly byWitness?: true;
      readonly ms: number;
    }
  | {
      readonly ok: false;
      /** Index of the part that has no linearization, and its operations. */
      readonly partition: number;
      readonly partitionOperations: readonly Operation[];
      /** The longest linearization of that part the search reached. */
      readonly longestPrefix: readonly Operation[];
      /** The model state after longestPrefix (Model.describeState). */
      readonly state: string;
      /** The operations that could come next, none of which leads to a full linearization. */
      readonly stuckAt: readonly StuckOperation[];
      readonly model: string;
      readonly ms: number;
    }
  | { readonly ok: 'unknown'; readonly reason: string; readonly ms: number };

export interface CheckOptions {
  /** Give up (ok: 'unknown') after this much wall-clock time. Default: no limit. */
  readonly budgetMs?: number;
  /** Give up after this many model steps over all parts (deterministic, for tests). Default: no limit. */
  readonly budgetSteps?: number;
  /**
   * Use the model's footprints to split the history into independent parts (default true);
   * false checks it as one part. For benchmarks and tests.
   */
  readonly partition?: boolean;
  /** Use the model's footprints to try only the operations that can matter next (default true). For benchmarks and tests. */
  readonly reduce?: boolean;
  /** Use the memo cache (default true); false is for benchmarks only: the search can take exponential time. */
  readonly memo?: boolean;
  /**
   * A proposed order (an operation's position in it; undefined: left out), tried first: when
   * it is a linearization (witness.ts) no search runs; when not, the search decides. A caller
   * with the replicas' execution order in hand passes it (the trace checker needs none: it checks
   * that order online, in src/trace/client/appReplay.ts).
   */
  readonly witness?: (op: Operation) => number | undefined;
}

function checkBudget(name: string, value: number | undefined): number {
  if (value === undefined) return Infinity;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw new RangeError(`${name} must be a number >= 0, got ${value}`);
  return value;
}

/**
 * Whether the history is linearizable with respect to the model. Throws InvalidHistoryError
 * when the history itself is malformed (see history.ts).
 */
export function checkLinearizable<S>(model: Model<S>, ops: readonly Operation[], opts: CheckOptions = {}): LinearizabilityResult {
  const start = performance.now();
  assertValidHistory(ops);
  let witnessFailed: string | undefined;
  if (opts.witness !== undefined) {
    const w = checkWitness(model, ops, opts.witness);
    if (w.ok) return { ok: true, partitions: 1, operations: ops.length, linearizations: [w.order], byWitness: true, ms: performance.now() - start };
    witnessFailed = w.reason;
  }
  const budget: Budget = {
    deadlineMs: start + checkBudget('budgetMs', opts.budgetMs),
    maxSteps: checkBudget('budgetSteps', opts.budgetSteps),
    memo: opts.memo ?? true,
    steps: 0,
    nextClockRead: 0,
  };
  const footprintOf: FootprintOf | undefined = model.footprints?.(ops);
  const parts = footprintOf !== undefined && (opts.partition ?? true) ? partitionByFootprint(ops, footprintOf) : [[...ops]];
  const reduceWith = (opts.reduce ?? true) ? footprintOf : undefined;
  const linearizations: string[][] = [];
  for (const [index, part] of parts.entries()) {
    const outcome = new PartitionSearch(model, part, reduceWith).run(budget);
    const ms = performance.now() - start;
    if (outcome.kind === 'budget-exhausted') {
      const limit = budget.steps > budget.maxSteps ? `${budget.maxSteps} steps` : `${opts.budgetMs} ms`;
      const why = witnessFailed === undefined ? '' : `; the proposed order was no linearization: ${witnessFailed}`;
      return { ok: 'unknown', reason: `budget of ${limit} exhausted in part ${index + 1} of ${parts.length} (${part.length} operations; parts before it are linearizable)${why}`, ms };
    }
    if (outcome.kind === 'not-linearizable') {
      const { longestPrefix, state, stuckAt } = outcome;
      return { ok: false, partition: index, partitionOperations: part, longestPrefix, state, stuckAt, model: model.name, ms };
    }
    linearizations.push(outcome.order.map((op) => op.id));
  }
  return { ok: true, partitions: parts.length, operations: ops.length, linearizations, ms: performance.now() - start };
}
