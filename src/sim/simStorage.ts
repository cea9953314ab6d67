/**
 * A simulated node's durable storage: what survives its crashes. The simulator syncs every
 * call's records right after appending them (before any message of the call leaves), so
 * unlike a general DurableLog (storage/memoryLog.ts, which folds every record twice: into
 * what is appended and into what is synced) one fold of the synced records is all it needs:
 * appended records wait in a list until sync(), and crash() drops that list.
 *
 * Records are checked as a log checks them (shape on append, the fold's rules on sync); a
 * record a Node froze (its Output's records, see node.ts appendDurable) is kept as it is.
 */
import { invariant } from '../protocol/assert.js';
import type { NodeId } from '../protocol/values.js';
import { DurableFold, emptyDurableState, freezeRecord, type FrozenRecord } from '../storage/fold.js';
import { checkRecord } from '../storage/record.js';
import type { DurableRecord, DurableState } from '../storage/types.js';

export class SimStorage {
  private readonly synced: DurableFold;
  private pending: FrozenRecord[] = [];

  constructor(readonly nodeId: NodeId) {
    this.synced = new DurableFold(emptyDurableState(nodeId));
  }

  /** What a node booting now recovers; undefined if nothing was ever synced (a brand-new node). */
  load(): DurableState | undefined {
    return this.synced.applied === 0 ? undefined : this.synced.state();
  }

  /**
   * Appends records, not yet durable. `frozen`: the caller vouches that every record is one
   * freezeRecord made and that nobody holds a mutable alias of it (a Node's Output).
   */
  append(records: readonly DurableRecord[], frozen: boolean): void {
    for (const record of records) {
      const checked = checkRecord(record);
      if (!checked.ok) invariant(false, () => `append of a malformed record: ${checked.reason}`);
      this.pending.push(frozen ? (record as FrozenRecord) : freezeRecord(record));
    }
  }

  /** Makes every appended record durable (the fold asserts its rules: a promise never goes down, ...). */
  sync(): void {
    for (const record of this.pending) this.synced.applyFrozen(record);
    this.pending = [];
  }

  /** A power loss: what was appended and not synced is gone. */
  crash(): void {
    this.pending = [];
  }
}
