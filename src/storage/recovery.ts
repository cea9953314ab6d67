/**
 * Recovery: fold a log file's records, deciding what a damaged record means.
 *
 * Why only the TAIL may be cut: the log is append-only and the host sends nothing that
 * depends on a record before its fsync completes. A crash can therefore damage only the
 * records of the last, unfinished write, which nobody was told about: dropping them loses
 * nothing promised. Damage followed by an intact record is different: those bytes were
 * written (and very likely fsynced) before records that came after them, so they may hold a
 * promise other nodes rely on. Skipping or cutting there could silently break a promise;
 * stopping with the file and offset lets an operator decide (restore the node, or rebuild
 * it as a new member). One crash can look like this too: the kernel may persist the pages of
 * one unfinished write out of order, leaving a hole before intact records of that same write.
 * That is a false alarm (the operator may cut at the offset), never a silent loss.
 */
import { InvariantViolation } from '../protocol/assert.js';
import { StorageCorruptError } from './errors.js';
import { DurableFold } from './fold.js';
import { crc32 } from './crc32.js';
import { findFrameAfter, readFrame } from './frame.js';
import { decodeRecord, type SnapshotReference } from './record.js';
import type { DurableState } from './types.js';

/** A snapshot file found beside the log: its path and content. */
export interface SnapshotFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** Stands for the bytes of a snapshot that a later one superseded (their file may be gone). */
const SUPERSEDED = new Uint8Array(0);

export interface RecoveredLog {
  readonly fold: DurableFold;
  /** Length of the intact prefix; the file must be truncated to it before appending. */
  readonly validBytes: number;
  /** What was cut, when the tail was torn. */
  readonly tornTail?: { readonly offset: number; readonly bytes: number; readonly reason: string };
}

/**
 * Folds the intact records of `bytes` (the content of `file`) onto `start`, the latest snapshot
 * record taking its bytes from `snapshots` (by slot). Throws StorageCorruptError for damage that
 * is not a torn tail, a record the fold rejects, or a latest snapshot whose file is missing or
 * does not match its record (it was made durable before its record was written: fileLog.ts).
 */
export function recoverLog(bytes: Uint8Array, file: string, start: DurableState, snapshots: ReadonlyMap<number, SnapshotFile> = new Map()): RecoveredLog {
  const fold = new DurableFold(start);
  let latest: { reference: SnapshotReference; offset: number } | undefined;
  const recovered = (validBytes: number, tornTail?: RecoveredLog['tornTail']): RecoveredLog => {
    if (latest !== undefined) checkSnapshotFile(latest.reference, snapshots.get(latest.reference.slot), file, latest.offset);
    return { fold, validBytes, ...(tornTail === undefined ? {} : { tornTail }) };
  };
  let offset = 0;
  while (offset < bytes.length) {
    const frame = readFrame(bytes, offset);
    if (!frame.ok) {
      const intact = findFrameAfter(bytes, offset + 1);
      if (intact !== undefined) {
        throw new StorageCorruptError(file, offset, `damaged record (${frame.reason}) followed by an intact record at byte offset ${intact}`);
      }
      return recovered(offset, { offset, bytes: bytes.length - offset, reason: frame.reason });
    }
    // The checksum passed, so these are the bytes that were written: a record that does not
    // decode or breaks a fold rule was written wrong (or by something else), never torn.
    const decoded = decodeRecord(frame.payload);
    if (!decoded.ok) throw new StorageCorruptError(file, offset, decoded.reason);
    const record = decoded.value;
    if (record.kind === 'snapshot') latest = { reference: record, offset };
    try {
      // Only the latest snapshot's bytes are read (and checked, at the end).
      fold.apply(record.kind !== 'snapshot' ? record
        : { kind: 'snapshot', slot: record.slot, state: snapshots.get(record.slot)?.bytes ?? SUPERSEDED });
    } catch (e) {
      if (e instanceof InvariantViolation) throw new StorageCorruptError(file, offset, e.message);
      throw e;
    }
    offset = frame.end;
  }
  return recovered(offset);
}

function checkSnapshotFile(reference: SnapshotReference, found: SnapshotFile | undefined, log: string, offset: number): void {
  if (found === undefined) {
    throw new StorageCorruptError(log, offset, `the snapshot record of slot ${reference.slot} has no snapshot file`);
  }
  if (found.bytes.length !== reference.bytes || crc32(found.bytes) !== reference.crc) {
    throw new StorageCorruptError(found.path, undefined,
      `${found.bytes.length} bytes with CRC-32 ${crc32(found.bytes)}, where the log's record (byte offset ${offset}) says ${reference.bytes} bytes with CRC-32 ${reference.crc}`);
  }
}
