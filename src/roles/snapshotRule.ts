/**
 * When a replica takes its next snapshot. The spec allows one at any slot past the last; the
 * code takes one every `checkpointEvery` executed slots, and, once the application's snapshot
 * has grown past SNAPSHOT_SIZE_FLOOR bytes, only when at least that many bytes of log (the
 * executed slots' requests) came since the last one.
 *
 * Why: a snapshot costs O(state). Taken every K slots, a state that grows with the history (a kv
 * store of ever new keys) costs O(state / K) per command, which grows without bound. Waiting
 * for as much log as the state makes it O(1) per command, amortized, and keeps the log kept
 * between snapshots (pvalues, decisions, a Promise's parts) no larger than the state a Welcome
 * carries anyway. It is the rule of Ongaro's Raft dissertation (chapter 5: snapshot when the log
 * outgrows the last snapshot). Small states keep the plain count, and no gap between two
 * snapshots grows past maxSnapshotGap slots.
 *
 * It pays off with Welcome parts sent again as they were (replica.ts welcome): the longer tail
 * of decisions makes a Welcome larger, and at 5% loss a new Welcome of a hundred parts at each
 * Join almost never arrived whole (docs/design-checkpoints.md, 2026-12-05).
 */

/** An application snapshot up to this size is taken every `checkpointEvery` slots, whatever the log. */
export const SNAPSHOT_SIZE_FLOOR = 64 * 1024;
/** Bytes counted per slot and per request beyond the request's input: what a pvalue and a decision carry besides. */
export const LOG_OVERHEAD_BYTES = 64;

/**
 * The most slots between two snapshots a replica waits for, given its limits: a quarter of what
 * a Promise (pvalues from the acceptor's mark, its latest snapshot) and a Welcome (decisions from
 * the previous snapshot on) may hold, so a large state with small commands never makes either
 * too long for a peer to take (a Promise over maxPValues would elect no leader). Never below
 * `every`.
 */
export function maxSnapshotGap(every: number, limits: { readonly maxPValues: number; readonly maxWelcomeDecisions: number }): number {
  return Math.max(every, Math.floor(Math.min(limits.maxPValues, limits.maxWelcomeDecisions) / 4));
}

export class SnapshotRule {
  /** Size of the last snapshot this replica took (0: none yet, or since a Welcome: the count alone decides). */
  private appBytes = 0;
  /** Log bytes executed since the last snapshot. */
  private logBytes = 0;

  /** `every`: the node's checkpointEvery (0: never); `maxGap`: see maxSnapshotGap. */
  constructor(private readonly every: number, private readonly maxGap: number) {}

  /** A slot was executed: its requests (executed, or skipped as duplicates; none for a no-op). */
  executed(requests: readonly { readonly input: string }[]): void {
    let bytes = LOG_OVERHEAD_BYTES;
    for (const r of requests) bytes += r.input.length + LOG_OVERHEAD_BYTES;
    this.logBytes += bytes;
  }

  /** Whether to snapshot now, `slotsSince` slots past the last snapshot. */
  due(slotsSince: number): boolean {
    return this.every > 0 && slotsSince >= this.every
      && (this.appBytes <= SNAPSHOT_SIZE_FLOOR || this.logBytes >= this.appBytes || slotsSince >= this.maxGap);
  }

  /** A snapshot was taken whose application part has `appBytes` bytes. */
  taken(appBytes: number): void {
    this.appBytes = appBytes;
    this.logBytes = 0;
  }

  /** The replica installed a state it did not build (a Welcome): the count decides the next snapshot, as after a restart. */
  restored(): void {
    this.appBytes = 0;
    this.logBytes = 0;
  }
}
