/**
 * Two ways a file log could come back with a snapshot that is not the one the replica took,
 * which the other snapshot tests do not reach:
 * - The caller reuses its buffer after append (the DurableLog contract allows it): the file must
 *   hold the bytes as they were at append, the bytes the record's CRC-32 was computed over.
 *   Writing the caller's live buffer instead leaves a file that disagrees with its record, and
 *   the node refuses to start.
 * - A torn tail AND a damaged or missing latest snapshot file: recovery must still check that
 *   file (the torn tail says nothing about it). Skipping the check on the torn-tail path would
 *   start the node on a snapshot whose bytes are missing (read as empty) or wrong.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageCorruptError } from '../../src/storage/errors.js';
import { FileDurableLog, LOG_FILE, snapshotFileName } from '../../src/storage/fileLog.js';
import { emptyDurableState } from '../../src/storage/fold.js';
import { recoverLog } from '../../src/storage/recovery.js';
import type { DurableRecord } from '../../src/storage/types.js';
import { NODE, accept, compact, logBytesOf, promise, snapshotFilesOf, tempDirs } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

describe('FileDurableLog snapshot bytes', () => {
  it('writes the bytes as they were at append, though the caller reuses its buffer before the sync', async () => {
    const dir = await dirs.make();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true });
    const buffer = new Uint8Array([1, 2, 3, 4, 5]);
    log.append([promise(1), { kind: 'snapshot', slot: 3, state: buffer }, compact(3)]);
    buffer.fill(9); // the replica builds its next snapshot in the same buffer
    await log.close();

    const reopened = await FileDurableLog.open(dir, { nodeId: NODE, create: false });
    expect(reopened.load()?.snapshot).toEqual({ slot: 3, state: new Uint8Array([1, 2, 3, 4, 5]) });
    await reopened.close();
  });
});

describe('recovery of a torn log whose latest snapshot file is bad', () => {
  const records: DurableRecord[] = [promise(1), { kind: 'snapshot', slot: 4, state: new Uint8Array(30).fill(4) }, compact(4), accept(4, 1)];
  // The last record torn: 5 bytes of its frame lost.
  const torn = () => logBytesOf(records).bytes.subarray(0, logBytesOf(records).bytes.length - 5);

  it('recoverLog refuses a missing or damaged latest snapshot file, torn tail or not', () => {
    const files = snapshotFilesOf(records);
    // The premise: with the file whole, the torn tail is cut and the snapshot kept.
    const whole = recoverLog(torn(), '/data/durable.log', emptyDurableState(NODE), files);
    expect(whole.tornTail).toBeDefined();
    expect(whole.fold.snapshot?.slot).toBe(4);

    expect(() => recoverLog(torn(), '/data/durable.log', emptyDurableState(NODE), new Map()))
      .toThrow(/the snapshot record of slot 4 has no snapshot file/);
    const damaged = new Map([[4, { path: '/data/snapshot-4.bin', bytes: new Uint8Array(30).fill(5) }]]);
    expect(() => recoverLog(torn(), '/data/durable.log', emptyDurableState(NODE), damaged)).toThrow(StorageCorruptError);
  });

  it('FileDurableLog.open refuses it and leaves the log uncut', async () => {
    const dir = await dirs.make();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true });
    log.append(records);
    await log.close();
    await writeFile(join(dir, LOG_FILE), torn());
    await rm(join(dir, snapshotFileName(4)));

    await expect(FileDurableLog.open(dir, { nodeId: NODE, create: false, log: () => undefined })).rejects.toBeInstanceOf(StorageCorruptError);
    expect(await readFile(join(dir, LOG_FILE))).toEqual(torn());
  });
});
