/**
 * MemoryDurableLog: the DurableLog interface in memory, for the simulator and tests. `sync()`
 * makes everything appended durable at once (synchronously, before it returns its resolved
 * promise), and `crash()` drops what was appended but never synced, as a power loss would:
 * a host that sends before it syncs loses promises in simulation too.
 */
import { invariant } from '../protocol/assert.js';
import type { NodeId } from '../protocol/values.js';
import { DurableFold, emptyDurableState, freezeRecord, type FrozenRecord } from './fold.js';
import { checkRecord } from './record.js';
import type { DurableLog, DurableRecord, DurableState } from './types.js';

/**
 * A {@link DurableLog} in memory, for the simulator and tests: `crash()` drops what was not synced, as
 * a power loss would.
 */
export class MemoryDurableLog implements DurableLog {
  /** The fold of the records synced so far: what survives `crash()`. */
  private readonly durable: DurableFold;
  /** Records appended since the last sync. */
  private pending: FrozenRecord[] = [];
  /** The fold of durable + pending, which `append` checks each record against. */
  private live: DurableFold;
  private syncedRecords = 0;
  private closed = false;
  /** Calls of sync() that had records to make durable (the simulator's fsync count). */
  syncs = 0;

  constructor(readonly nodeId: NodeId) {
    this.durable = new DurableFold(emptyDurableState(nodeId));
    this.live = new DurableFold(emptyDurableState(nodeId));
  }

  load(): DurableState | undefined {
    return this.syncedRecords + this.pending.length === 0 ? undefined : this.live.state();
  }

  append(records: readonly DurableRecord[]): void {
    invariant(!this.closed, () => `append on the closed memory log of node ${this.nodeId}`);
    for (const record of records) {
      const checked = checkRecord(record);
      invariant(checked.ok, () => `append of a malformed record: ${checked.ok ? '' : checked.reason}`);
      // One frozen copy, shared by both folds and the pending list: what is kept never aliases
      // an object the caller may mutate later, and sync() folds it without copying it again.
      const frozen = freezeRecord(record);
      this.live.applyFrozen(frozen);
      this.pending.push(frozen);
    }
  }

  get pendingSync(): boolean {
    return this.pending.length > 0;
  }

  sync(): Promise<void> {
    if (this.pending.length > 0) {
      for (const record of this.pending) this.durable.applyFrozen(record);
      this.syncedRecords += this.pending.length;
      this.pending = [];
      this.syncs++;
    }
    return Promise.resolve();
  }

  /** A power loss: records appended since the last sync are gone. The log stays usable
   * (it is the restarted node's log). */
  crash(): void {
    this.pending = [];
    this.live = new DurableFold(this.durable.state());
  }

  async close(): Promise<void> {
    await this.sync();
    this.closed = true;
  }
}
