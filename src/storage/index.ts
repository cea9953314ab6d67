/**
 * Durable storage for a node: what its acceptor promised and accepted, and its leader's
 * ballot, must survive a crash, or a restarted node could let two values be chosen for one
 * slot. The roles append small records (promise, accept, leaderBallot, compact) instead of
 * rewriting their whole state, so an accept costs O(1) bytes, not O(history); `fold.ts`
 * defines what the records mean, with the spec's monotonicity rules as assertions. A host
 * appends during a step and awaits `sync()` before sending that step's messages (types.ts);
 * one fsync then covers every record appended before it (group commit). `FileDurableLog`
 * keeps them in an append-only file of length + CRC framed records in a data directory
 * marked by `meta.json` (node id, format); on open, a torn last write is cut, and any other
 * damage stops the node with the file and byte offset, never a silent reset. When the file
 * grows to several times its live state, the live state is written to a new file, fsynced,
 * renamed over the log, and the directory fsynced, so a crash at any point leaves one whole
 * log. `MemoryDurableLog` is the same interface for the simulator, with `crash()` dropping
 * unsynced records. A replica's `snapshot` record (its slot and opaque bytes) backs the
 * acceptor's `compact` record: the fold refuses a compaction above the latest snapshot, and
 * the file log keeps the snapshot's bytes in a file beside the log, durable before the record
 * that names it (fileLog.ts says why).
 */
export type { DurableLog, DurableRecord, DurableRecordKind, DurableSnapshot, DurableState, DurableView } from './types.js';
export { DurableFold, applyRecord, emptyDurableState, foldRecords, recordsOf } from './fold.js';
export { MemoryDurableLog } from './memoryLog.js';
export {
  COMPACTION_FILE, DEFAULT_COMPACTION, FileDurableLog, LOG_FILE, snapshotFileName, type CompactionPolicy, type FileDurableLogOptions,
} from './fileLog.js';
export { FORMAT_VERSION, META_FILE, type DataDirectoryMeta } from './meta.js';
export { nodeFileOps, type FileOps, type WritableFile } from './fileOps.js';
export { StorageCorruptError, StorageFailedError, StorageMissingError, StorageRefusedError } from './errors.js';
export { MAX_RECORD_BYTES } from './frame.js';
export { recordFileBytes } from './record.js';
