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
import { findFrameAfter, readFrame } from './frame.js';
import { decodeRecord } from './record.js';
import type { DurableState } from './types.js';

export interface RecoveredLog {
  readonly fold: DurableFold;
  /** Length of the intact prefix; the file must be truncated to it before appending. */
  readonly validBytes: number;
  /** What was cut, when the tail was torn. */
  readonly tornTail?: { readonly offset: number; readonly bytes: number; readonly reason: string };
}

/** Folds the intact records of `bytes` (the content of `file`) onto `start`. Throws
 * StorageCorruptError for damage that is not a torn tail, or a record the fold rejects. */
export function recoverLog(bytes: Uint8Array, file: string, start: DurableState): RecoveredLog {
  const fold = new DurableFold(start);
  let offset = 0;
  while (offset < bytes.length) {
    const frame = readFrame(bytes, offset);
    if (!frame.ok) {
      const intact = findFrameAfter(bytes, offset + 1);
      if (intact !== undefined) {
        throw new StorageCorruptError(file, offset, `damaged record (${frame.reason}) followed by an intact record at byte offset ${intact}`);
      }
      return { fold, validBytes: offset, tornTail: { offset, bytes: bytes.length - offset, reason: frame.reason } };
    }
    // The checksum passed, so these are the bytes that were written: a record that does not
    // decode or breaks a fold rule was written wrong (or by something else), never torn.
    const decoded = decodeRecord(frame.payload);
    if (!decoded.ok) throw new StorageCorruptError(file, offset, decoded.reason);
    try {
      fold.apply(decoded.value);
    } catch (e) {
      if (e instanceof InvariantViolation) throw new StorageCorruptError(file, offset, e.message);
      throw e;
    }
    offset = frame.end;
  }
  return { fold, validBytes: offset };
}
