/**
 * Broken restores: a replica restarted from its durable snapshot (Replica.restore) that takes
 * over something other than the snapshot's content. A restart's trace event claims only the
 * restored history (by its length, in a compact trace), never the application state or the
 * duplicate table restored with it; these mutants plant the bug in that content, and the
 * steps after the restart must show it.
 *
 * restore() runs inside Replica's constructor, before a subclass's field initialisers: these
 * classes keep no fields of their own.
 */
import { ExecutedTable, type ExecutedTableJson } from '../roles/executedTable.js';
import { Replica } from '../roles/replica.js';
import type { ReplicaImage } from '../roles/replicaImage.js';

/**
 * Restores the snapshot's slot, history and duplicate table but keeps the application's
 * initial state (as if the snapshot's app bytes were never read): the log is right, the state
 * the next requests run on is not.
 */
export class RestoreInitialAppReplica extends Replica {
  protected override restore(slot: number, image: ReplicaImage): void {
    super.restore(slot, { ...image, app: this.host.stateMachine.initial() });
  }
}

/**
 * Restores a duplicate table that misses the newest request of its own node the snapshot
 * executed (its id and its kept output). A client whose
 * answer the crash lost retries it, and this replica takes it for a new request. Only a request
 * the replica installed from a Welcome can still be retried: one it executed itself was
 * answered in that same step (catalogue.ts, owedAfterRestart).
 */
export class RestoreForgetsIdReplica extends Replica {
  protected override restore(slot: number, image: ReplicaImage): void {
    super.restore(slot, { ...image, table: forgetNewestOf(image.table, this.host.self, this.host.limits.maxPendingRequests) });
  }
}

/** `table` without `caller`'s newest executed request (its id and kept output), through its JSON. */
function forgetNewestOf(table: ExecutedTable, caller: number, keepOutputs: number): ExecutedTable {
  const json = table.toJson();
  const entry = json.callers.find(([c]) => c === caller);
  if (entry === undefined) return table;
  const [, ranges, outputs] = entry;
  // The kept output with the highest index is the caller's newest execution.
  const newest = outputs.reduce<(typeof outputs)[number] | undefined>((a, o) => (a === undefined || o[1] > a[1] ? o : a), undefined);
  if (newest === undefined) return table;
  const id = newest[0];
  // Cut `id` out of the range that holds it (an empty side is dropped).
  const without = ranges.flatMap(([lo, hi]): (readonly [number, number])[] => {
    if (id < lo || id > hi) return [[lo, hi]];
    return ([[lo, id - 1], [id + 1, hi]] as const).filter(([a, b]) => a <= b);
  });
  const edited: ExecutedTableJson = {
    count: json.count,
    callers: json.callers.map((e) => (e[0] === caller ? [caller, without, outputs.filter((o) => o[0] !== id)] as const : e)),
  };
  return ExecutedTable.fromJson(edited, keepOutputs);
}
