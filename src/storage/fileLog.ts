/**
 * FileDurableLog: a DurableLog in a data directory.
 *
 *   DIR/meta.json            format version, node id, cluster id (meta.ts)
 *   DIR/durable.log          the records, appended, each framed with length + CRC (frame.ts)
 *   DIR/durable.log.compact  exists only while a compaction writes the live state
 *   DIR/snapshot-<slot>.bin  the latest replica snapshot's bytes (a snapshot record in the log
 *                            names its slot, length and CRC-32); `.tmp` while being written
 *
 * Why the snapshot bytes are not in the log: they weigh what the application's state weighs.
 * In the log they would be capped by the frame limit, copied by every log rewrite, and kept
 * once per snapshot until the next rewrite. Beside it, a snapshot costs one file write of its
 * own size (a replica snapshotting every K commands pays O(state / K) bytes per command, its
 * choice), the log record stays O(1), a rewrite copies only the reference, and recovery reads
 * only the latest snapshot. Order: the file is written, fsynced, renamed into place and the
 * directory fsynced BEFORE the batch holding its record is written, so a durable record always
 * names a durable file (recovery refuses one that does not match). The previous snapshot's
 * file is removed once the new record is durable; a crash in between leaves a file that no
 * durable record names as the latest, which open removes.
 *
 * A traced host stages a snapshot (`stageSnapshot`): its file is durable the moment the replica
 * takes it, before the record, because the trace line that names it may reach the disk before
 * the next sync. After a crash in between, open keeps such a file above the latest snapshot
 * (`keepStagedSnapshots`) so that the host can append the record its trace holds
 * (cli/node/durableCatchUp.ts), then drops the rest (`discardStagedSnapshots`).
 *
 * Appends are buffered in memory; `sync()` writes them with one write and one fsync. While an
 * fsync is in flight, later appends wait for ONE next fsync, however many sync() calls ask
 * for it (group commit): under load the fsync rate stays near the disk's, not the request's.
 */
import { dirname, join } from 'node:path';
import { StorageCorruptError, StorageFailedError, StorageMissingError, StorageRefusedError } from './errors.js';
import { nodeFileOps, type FileOps, type WritableFile } from './fileOps.js';
import { DurableFold, emptyDurableState, recordsOf } from './fold.js';
import { encodeFrame } from './frame.js';
import { FORMAT_VERSION, META_FILE, checkMeta, readMeta, writeMeta } from './meta.js';
import { checkRecord, encodeRecord } from './record.js';
import { recoverLog, type SnapshotFile } from './recovery.js';
import type { DurableLog, DurableRecord, DurableSnapshot, DurableState } from './types.js';
import { invariant } from '../protocol/assert.js';

export const LOG_FILE = 'durable.log';
export const COMPACTION_FILE = 'durable.log.compact';

/** The file holding the bytes of the snapshot at `slot`. */
export function snapshotFileName(slot: number): string {
  return `snapshot-${slot}.bin`;
}
const SNAPSHOT_FILE = /^snapshot-([1-9][0-9]*)\.bin$/;
const SNAPSHOT_TEMPORARY = /^snapshot-[1-9][0-9]*\.bin\.tmp$/;

/**
 * When to rewrite the log as its live state. With at most `maxLogToLive` times the live
 * state's bytes in the log, recovery reads at most that much more than it keeps, and each
 * rewrite (O(live state)) follows at least (maxLogToLive - 1) x live bytes of appends, so it
 * costs O(1) per appended byte. Below `minLogBytes` a rewrite saves too little to bother.
 */
export interface CompactionPolicy {
  readonly minLogBytes: number;
  readonly maxLogToLive: number;
}

export const DEFAULT_COMPACTION: CompactionPolicy = Object.freeze({ minLogBytes: 4 << 20, maxLogToLive: 4 });

/** Options of {@link FileDurableLog.open}. */
export interface FileDurableLogOptions {
  readonly nodeId: number;
  /** true: start a new node in an empty or missing directory (a CLI's --new); false: the
   * directory must already hold this node's state. */
  readonly create: boolean;
  readonly clusterId?: string;
  readonly compaction?: Partial<CompactionPolicy>;
  readonly ops?: FileOps;
  /** Operator-facing lines (a torn tail cut at startup); default console.warn. */
  readonly log?: (line: string) => void;
  /** Keep the snapshot files above the latest one the log names (staged before a crash took
   * their record) until `discardStagedSnapshots`; default false: open removes them. */
  readonly keepStagedSnapshots?: boolean;
}

/** Files an interrupted creation may have left behind (and nothing that holds state). */
const CREATION_LEFTOVERS = new Set([LOG_FILE, `${META_FILE}.tmp`, COMPACTION_FILE]);

/**
 * A node's durable state in a data directory: an append-only file of length- and CRC-framed records,
 * group commit, recovery of a torn last write, compaction. Open it with {@link FileDurableLog.open};
 * it rejects with `StorageRefusedError`, `StorageMissingError` or `StorageCorruptError` (the file and
 * byte offset) instead of silently starting from nothing.
 */
export class FileDurableLog implements DurableLog {
  /** Records appended, and the write + fsync batches (or compactions) that made them durable:
   * records per sync is what group commit buys. */
  readonly stats = { records: 0, syncs: 0, bytes: 0 };
  /** Frames appended and not yet handed to a write. */
  private pending: Buffer[] = [];
  /** The latest snapshot appended and not yet handed to a flush (an earlier one in the same
   * batch is superseded: no durable state will ever need its bytes). */
  private pendingSnapshot: DurableSnapshot | undefined;
  private pendingBytes = 0;
  /** The write + fsync in flight, if any. */
  private flushing: Promise<void> | undefined;
  /** The one flush that will take what is pending once `flushing` is done. */
  private queued: Promise<void> | undefined;
  private failure: StorageFailedError | undefined;
  private closed = false;
  /** Log size below which compaction is not even considered (raised after each look). */
  private nextCompactionCheck: number;
  /** The frame size of each live accept record by slot, and their sum: nearly all of the live
   * state, known without encoding it (see compactionDue). */
  private readonly acceptFrames = new Map<number, number>();
  private acceptBytes = 0;

  private constructor(
    readonly dir: string,
    private file: WritableFile,
    private readonly fold: DurableFold,
    /** Bytes in the log file (written and fsynced). */
    private logBytes: number,
    private readonly policy: CompactionPolicy,
    private readonly ops: FileOps,
    /** The slot of the snapshot file the durable log names, if any. */
    private snapshotOnDisk: number | undefined,
    /** Snapshot files on disk that no durable record names yet, by slot, with their bytes:
     * staged in this run (the record follows), or kept at open (for the host's catch-up). */
    private readonly staged: Map<number, Uint8Array>,
  ) {
    this.nextCompactionCheck = policy.minLogBytes;
    for (const pvalue of fold.state().aAccepted) this.trackLive({ kind: 'accept', pvalue }, encodeFrame(encodeRecord({ kind: 'accept', pvalue })).length);
  }

  /** Opens (and recovers) the node's data directory; see FileDurableLogOptions.create. */
  static async open(dir: string, options: FileDurableLogOptions): Promise<FileDurableLog> {
    const ops = options.ops ?? nodeFileOps;
    const log = options.log ?? ((line: string) => console.warn(line));
    const meta = await readMeta(ops, dir);
    if (meta === undefined) {
      await createDataDirectory(ops, dir, options);
    } else {
      if (options.create) throw new StorageRefusedError(dir, `it already holds node ${meta.nodeId}'s state; drop --new to restart that node`);
      checkMeta(meta, dir, options);
    }
    const logPath = join(dir, LOG_FILE);
    // A compaction that crashed before its rename leaves this behind; the log it was
    // replacing is still whole, so the leftover is only garbage.
    await ops.remove(join(dir, COMPACTION_FILE));
    const bytes = await ops.readFile(logPath);
    if (bytes === undefined) throw new StorageCorruptError(logPath, undefined, 'missing, but meta.json says this directory holds a node');
    const snapshots = await readSnapshotFiles(ops, dir);
    const recovered = recoverLog(bytes, logPath, emptyDurableState(options.nodeId), snapshots);
    const latest = recovered.fold.snapshot?.slot;
    // Files no durable record names as the latest: superseded, or written (staged) before a crash took their record.
    const staged = new Map<number, Uint8Array>();
    for (const [slot, file] of snapshots) {
      if (slot === latest) continue;
      if (options.keepStagedSnapshots === true && slot > (latest ?? 1)) staged.set(slot, file.bytes);
      else await ops.remove(join(dir, snapshotFileName(slot)));
    }
    const file = await ops.openAppend(logPath);
    if (recovered.tornTail !== undefined) {
      const { offset, bytes: cut, reason } = recovered.tornTail;
      log(`${logPath}: cut a torn tail of ${cut} bytes at byte offset ${offset} (${reason}): the last write before a crash, never acknowledged`);
      try {
        await file.truncate(recovered.validBytes);
        await file.sync();
      } catch (e) {
        await file.close().catch(() => undefined);
        throw e;
      }
    }
    const policy = { ...DEFAULT_COMPACTION, ...options.compaction };
    return new FileDurableLog(dir, file, recovered.fold, recovered.validBytes, policy, ops, latest, staged);
  }

  /**
   * Makes `snapshot`'s file durable now, blocking the thread (one write and two fsyncs per
   * checkpoint): for a traced host, whose trace may name the snapshot before the next sync()
   * writes its record. The record, appended next, then costs no second write of the bytes.
   */
  stageSnapshot(snapshot: DurableSnapshot): void {
    invariant(!this.closed, () => `stageSnapshot on the closed log of ${this.dir}`);
    if (this.failure !== undefined) throw this.failure;
    try {
      this.ops.writeFileDurablySync(join(this.dir, snapshotFileName(snapshot.slot)), snapshot.state);
    } catch (e) {
      this.failure = new StorageFailedError(join(this.dir, snapshotFileName(snapshot.slot)), e);
      throw this.failure;
    }
    this.staged.set(snapshot.slot, snapshot.state);
  }

  /** The bytes of a snapshot file found at open above the latest snapshot (keepStagedSnapshots), if any. */
  stagedSnapshot(slot: number): Uint8Array | undefined {
    return this.staged.get(slot);
  }

  /** Removes the staged snapshot files that no durable record names (call once no record for them is pending). */
  async discardStagedSnapshots(): Promise<void> {
    for (const slot of [...this.staged.keys()]) {
      if (slot === this.snapshotOnDisk || slot === this.pendingSnapshot?.slot) continue;
      this.staged.delete(slot);
      await this.ops.remove(join(this.dir, snapshotFileName(slot)));
    }
  }

  load(): DurableState | undefined {
    return this.fold.applied === 0 ? undefined : this.fold.state();
  }

  append(records: readonly DurableRecord[]): void {
    invariant(!this.closed, () => `append on the closed log of ${this.dir}`);
    for (const record of records) {
      const checked = checkRecord(record);
      invariant(checked.ok, () => `append of a malformed record: ${checked.ok ? '' : checked.reason}`);
      const frame = encodeFrame(encodeRecord(record));
      this.fold.apply(record);
      this.trackLive(record, frame.length);
      this.pending.push(frame);
      this.pendingBytes += frame.length;
      // The fold's copy: what the caller passed may change after this call.
      if (record.kind === 'snapshot') this.pendingSnapshot = this.fold.snapshot;
    }
    this.stats.records += records.length;
  }

  get pendingSync(): boolean {
    return this.pending.length > 0 || this.flushing !== undefined;
  }

  sync(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    // The queued flush takes everything pending when it starts. Checked first: between the
    // end of one flush and the start of the queued one, code awaiting the first may append
    // and sync again, and must not start a second flush that races the queued one.
    if (this.queued !== undefined) return this.queued;
    if (this.pending.length === 0) return this.flushing ?? Promise.resolve();
    if (this.flushing === undefined) return this.startFlush();
    const next = () => this.startFlush();
    this.queued = this.flushing.then(next, next);
    return this.queued;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.sync();
    } finally {
      this.closed = true;
      await this.file.close();
    }
  }

  /** Takes everything pending into one write + fsync (or one compaction). */
  private startFlush(): Promise<void> {
    this.queued = undefined;
    if (this.failure !== undefined) return Promise.reject(this.failure);
    // One flush at a time, so fsyncs complete in the order of the records they cover.
    invariant(this.flushing === undefined && this.pending.length > 0, () => `a flush of ${this.dir} started with another in flight or nothing to write`);
    const batch = Buffer.concat(this.pending, this.pendingBytes);
    const snapshot = this.pendingSnapshot;
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingSnapshot = undefined;
    this.stats.syncs++;
    this.stats.bytes += batch.length + (snapshot?.state.length ?? 0);
    // Decided now, synchronously: the live state is exactly the log plus this batch.
    const compacted = this.compactionDue(batch.length);
    const writeLog = () => (compacted === undefined ? this.writeAndSync(batch) : this.rewrite(compacted));
    // A staged snapshot's file is already durable: only its record is left to write.
    const staged = snapshot === undefined ? undefined : this.staged.get(snapshot.slot);
    const snapshotFile = snapshot === undefined || (staged !== undefined && Buffer.from(staged.buffer, staged.byteOffset, staged.byteLength).equals(snapshot.state))
      ? Promise.resolve() : this.writeSnapshot(snapshot);
    const flush = (snapshot === undefined ? writeLog() : snapshotFile.then(writeLog).then(() => this.snapshotDurable(snapshot.slot)))
      .catch((e: unknown) => {
        this.failure ??= new StorageFailedError(join(this.dir, LOG_FILE), e);
        throw this.failure;
      })
      .finally(() => {
        if (this.flushing === flush) this.flushing = undefined;
      });
    this.flushing = flush;
    return flush;
  }

  /**
   * Makes the snapshot's file durable under its final name before the log names it: write a
   * temporary file and fsync it, rename it into place, fsync the directory (the same steps,
   * for the same reasons, as `rewrite`).
   */
  private async writeSnapshot(snapshot: DurableSnapshot): Promise<void> {
    const path = join(this.dir, snapshotFileName(snapshot.slot));
    const temporary = `${path}.tmp`;
    const file = await this.ops.createFile(temporary);
    try {
      await file.write(snapshot.state);
      await file.sync();
    } finally {
      await file.close();
    }
    await this.ops.rename(temporary, path);
    await this.ops.syncDirectory(this.dir);
  }

  /** The log now names the snapshot at `slot`: the previous snapshot's file is garbage. */
  private async snapshotDurable(slot: number): Promise<void> {
    const previous = this.snapshotOnDisk;
    this.snapshotOnDisk = slot;
    // Staged at or below it: this one, or one a later snapshot of the same sync superseded.
    const superseded = [...this.staged.keys()].filter((s) => s < slot);
    this.staged.delete(slot);
    for (const s of superseded) this.staged.delete(s);
    if (previous !== undefined && previous !== slot) await this.ops.remove(join(this.dir, snapshotFileName(previous)));
    for (const s of superseded) await this.ops.remove(join(this.dir, snapshotFileName(s)));
  }

  private async writeAndSync(batch: Buffer): Promise<void> {
    await this.file.write(batch);
    await this.file.sync();
    this.logBytes += batch.length;
  }

  /** Keeps acceptFrames equal to the fold's accepted pvalues (the fold has checked `record`). */
  private trackLive(record: DurableRecord, frameBytes: number): void {
    if (record.kind === 'accept') {
      const slot = record.pvalue.slot;
      this.acceptBytes += frameBytes - (this.acceptFrames.get(slot) ?? 0);
      this.acceptFrames.set(slot, frameBytes);
    } else if (record.kind === 'compact') {
      for (const [slot, bytes] of this.acceptFrames) {
        if (slot >= record.belowSlot) continue;
        this.acceptBytes -= bytes;
        this.acceptFrames.delete(slot);
      }
    }
  }

  /** The live state's frames when the log would be too large for it, else undefined. */
  private compactionDue(batchBytes: number): Buffer | undefined {
    const logBytes = this.logBytes + batchBytes;
    if (logBytes < this.nextCompactionCheck) return undefined;
    // The accepts' frames are a lower bound of the live state's bytes: below that bound's
    // threshold no rewrite is due, and the live state is not encoded just to learn so (an
    // O(live state) pause, 13-22 ms at 2,000 slots of batches, on the event loop).
    const atLeast = this.acceptBytes * this.policy.maxLogToLive;
    if (logBytes < atLeast) {
      this.nextCompactionCheck = Math.max(this.policy.minLogBytes, atLeast);
      return undefined;
    }
    const live = Buffer.concat(recordsOf(this.fold.state()).map((record) => encodeFrame(encodeRecord(record))));
    if (logBytes >= live.length * this.policy.maxLogToLive) return live;
    this.nextCompactionCheck = Math.max(this.policy.minLogBytes, live.length * this.policy.maxLogToLive);
    return undefined;
  }

  /**
   * Replaces the log by `live` so that a crash at any point leaves one whole, valid log.
   * 1. Write a new file and fsync it: else the rename may reach the disk before the data, and
   *    a crash leaves an empty or partial file named durable.log.
   * 2. Rename it over the log: atomic, a crash sees the old file or the new one.
   * 3. fsync the directory: the rename is a change to the directory, and until that is
   *    durable a crash may bring back the old log, without this batch we report durable.
   */
  private async rewrite(live: Buffer): Promise<void> {
    const logPath = join(this.dir, LOG_FILE);
    const compactPath = join(this.dir, COMPACTION_FILE);
    const next = await this.ops.createFile(compactPath);
    try {
      await next.write(live);
      await next.sync();
      await this.ops.rename(compactPath, logPath);
      await this.ops.syncDirectory(this.dir);
    } catch (e) {
      await next.close().catch(() => undefined);
      throw e;
    }
    // The open descriptor follows the renamed file: keep appending through it.
    const old = this.file;
    this.file = next;
    this.logBytes = live.length;
    this.nextCompactionCheck = Math.max(this.policy.minLogBytes, live.length * this.policy.maxLogToLive);
    await old.close();
  }
}

/** The snapshot files of `dir` by slot (normally one; two after a crash mid-snapshot), with
 * leftover temporary files removed: a crash before their rename, nothing names them. */
async function readSnapshotFiles(ops: FileOps, dir: string): Promise<Map<number, SnapshotFile>> {
  const files = new Map<number, SnapshotFile>();
  for (const name of await ops.readDirectory(dir) ?? []) {
    if (SNAPSHOT_TEMPORARY.test(name)) {
      await ops.remove(join(dir, name));
      continue;
    }
    const match = SNAPSHOT_FILE.exec(name);
    if (match === null) continue;
    const path = join(dir, name);
    const bytes = await ops.readFile(path);
    if (bytes !== undefined) files.set(Number(match[1]), { path, bytes });
  }
  return files;
}

/** A new node's directory: an empty log, then meta.json, which marks creation complete. */
async function createDataDirectory(ops: FileOps, dir: string, options: FileDurableLogOptions): Promise<void> {
  const entries = await ops.readDirectory(dir);
  const logPath = join(dir, LOG_FILE);
  if (entries?.includes(LOG_FILE) && ((await ops.readFile(logPath))?.length ?? 0) > 0) {
    throw new StorageCorruptError(join(dir, META_FILE), undefined, `missing, but ${logPath} holds records`);
  }
  if (!options.create) throw new StorageMissingError(dir);
  const foreign = (entries ?? []).filter((name) => !CREATION_LEFTOVERS.has(name));
  if (foreign.length > 0) {
    throw new StorageRefusedError(dir, `it has no ${META_FILE} and is not empty (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''})`);
  }
  if (entries === undefined) {
    await ops.makeDirectory(dir);
    // The new directory's own entry lives in its parent: make it durable too.
    await ops.syncDirectory(dirname(dir));
  }
  const log = await ops.openAppend(logPath);
  try {
    await log.sync();
  } finally {
    await log.close();
  }
  // meta.json last, and its directory fsync also covers the log's entry: once meta.json
  // exists, the log does.
  await writeMeta(ops, dir, { format: FORMAT_VERSION, nodeId: options.nodeId, clusterId: options.clusterId ?? null });
}
