/**
 * A MemoryDurableLog whose sync takes time: it completes after a delay the test draws (a
 * timer), as an fsync does, so records and steps keep arriving while a sync is in flight. The
 * plain memory log syncs before its promise is even returned, which hides every ordering bug
 * between what a member appends, syncs, sends and tells its application.
 */
import { MemoryDurableLog } from '../../src/storage/memoryLog.js';
import type { DurableLog, DurableRecord, DurableState } from '../../src/storage/types.js';

export class SlowSyncLog implements DurableLog {
  readonly memory: MemoryDurableLog;
  /** Syncs started and not yet complete. */
  inFlight = 0;
  /** The most syncs in flight at once (a member never starts a second while one runs). */
  peakInFlight = 0;

  constructor(nodeId: number, private readonly delayMs: () => number) {
    this.memory = new MemoryDurableLog(nodeId);
  }

  load(): DurableState | undefined { return this.memory.load(); }
  append(records: readonly DurableRecord[]): void { this.memory.append(records); }
  get pendingSync(): boolean { return this.memory.pendingSync; }

  /** Covers what was appended when it completes (at least what was appended before the call). */
  async sync(): Promise<void> {
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.delayMs()));
      await this.memory.sync();
    } finally {
      this.inFlight--;
    }
  }

  async close(): Promise<void> { await this.memory.close(); }
}
