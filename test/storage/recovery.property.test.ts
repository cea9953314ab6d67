/**
 * Recovery on any damage a crash or a disk can do to a log: for any sequence of records an
 * acceptor (and its replica's snapshots) could have written, cut at ANY byte and optionally with
 * one byte flipped anywhere before the cut, recovery yields the fold of a prefix of the records
 * (cutting only a torn tail), which is a state the node could have been in (its compaction floor
 * never above its latest snapshot, no pvalue below the floor), or stops with StorageCorruptError
 * at the damaged record when intact records follow.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { StorageCorruptError } from '../../src/storage/errors.js';
import { FileDurableLog, LOG_FILE } from '../../src/storage/fileLog.js';
import { emptyDurableState, foldRecords } from '../../src/storage/fold.js';
import { recoverLog } from '../../src/storage/recovery.js';
import type { DurableRecord } from '../../src/storage/types.js';
import type { DurableState } from '../../src/storage/types.js';
import { snapshotFileName } from '../../src/storage/fileLog.js';
import { NODE, logBytesOf, snapshotFilesOf, tempDirs, validRecordsArb } from './helpers.js';

/** What any state the node could have been in satisfies: its mark is backed by a snapshot. */
function expectReachable(state: DurableState): void {
  expect(state.compactedBelow).toBeLessThanOrEqual(state.snapshot?.slot ?? 1);
  for (const pv of state.aAccepted) expect(pv.slot).toBeGreaterThanOrEqual(state.compactedBelow);
}

const FILE = '/data/durable.log';
const empty = emptyDurableState(NODE);

/** Records, a cut in [0, file length], and maybe a flipped byte (position, XOR mask). */
const damagedLogArb = validRecordsArb().chain((records) => {
  const { bytes } = logBytesOf(records);
  return fc.record({
    records: fc.constant(records),
    cut: fc.integer({ min: 0, max: bytes.length }),
    flip: bytes.length === 0
      ? fc.constant(undefined)
      : fc.option(fc.record({ at: fc.nat(bytes.length - 1), mask: fc.integer({ min: 1, max: 255 }) }), { nil: undefined }),
  });
});

/** The index of the record whose frame holds byte `at`. */
function recordAt(starts: readonly number[], at: number): number {
  let i = 0;
  while (starts[i + 1]! <= at) i++;
  return i;
}

describe('recovery of a damaged log (property)', () => {
  it('yields the fold of a prefix, or the damaged record\'s offset when intact records follow it', () => {
    fc.assert(fc.property(damagedLogArb, ({ records, cut, flip }) => {
      const { bytes: whole, starts } = logBytesOf(records);
      const bytes = Buffer.from(whole.subarray(0, cut));
      if (flip !== undefined && flip.at < cut) bytes[flip.at]! ^= flip.mask;
      const complete = starts.filter((end, i) => i > 0 && end <= cut).length;
      const flipped = flip !== undefined && flip.at < cut ? recordAt(starts, flip.at) : undefined;

      const expectPrefix = (kept: number) => {
        const recovered = recoverLog(bytes, FILE, empty, snapshotFilesOf(records));
        expect(recovered.fold.state()).toEqual(foldRecords(empty, records.slice(0, kept) as DurableRecord[]));
        expectReachable(recovered.fold.state());
        expect(recovered.validBytes).toBe(starts[kept]);
        expect(recovered.tornTail !== undefined).toBe(bytes.length > starts[kept]!);
      };
      if (flipped !== undefined && flipped < complete - 1) {
        // An intact record follows the damaged one: stop, naming the file and offset.
        let error: unknown;
        try {
          recoverLog(bytes, FILE, empty, snapshotFilesOf(records));
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(StorageCorruptError);
        expect((error as StorageCorruptError).offset).toBe(starts[flipped]);
        expect((error as Error).message).toContain(`${FILE} at byte offset ${starts[flipped]}`);
      } else if (flipped !== undefined && flipped < complete) {
        expectPrefix(flipped); // the last whole record is damaged: a torn tail from there
      } else {
        expectPrefix(complete); // a cut (crash) only: the whole records survive
      }
    }), { numRuns: 2000 });
  });
});

describe('FileDurableLog.open on a damaged log (property, through the file system)', () => {
  const dirs = tempDirs();
  afterAll(() => dirs.cleanup());

  it('loads what recoverLog gives, leaves the file cut to the intact prefix, or refuses and leaves it alone', async () => {
    await fc.assert(fc.asyncProperty(damagedLogArb, async ({ records, cut, flip }) => {
      const dir = await dirs.make();
      await (await FileDurableLog.open(dir, { nodeId: NODE, create: true })).close();
      const bytes = Buffer.from(logBytesOf(records).bytes.subarray(0, cut));
      if (flip !== undefined && flip.at < cut) bytes[flip.at]! ^= flip.mask;
      await writeFile(join(dir, LOG_FILE), bytes);
      // Every snapshot's file, as if each was written before its record (the latest intact one must be there).
      const snapshots = snapshotFilesOf(records, dir);
      for (const file of snapshots.values()) await writeFile(file.path, file.bytes);

      let expected: ReturnType<typeof recoverLog> | StorageCorruptError;
      try {
        expected = recoverLog(bytes, join(dir, LOG_FILE), empty, snapshots);
      } catch (e) {
        expected = e as StorageCorruptError;
      }
      const opened = await FileDurableLog.open(dir, { nodeId: NODE, create: false, log: () => undefined }).catch((e: unknown) => e);
      if (expected instanceof StorageCorruptError) {
        expect(opened).toEqual(expected);
        expect(await readFile(join(dir, LOG_FILE))).toEqual(bytes);
      } else {
        const log = opened as FileDurableLog;
        expect(log.load()).toEqual(expected.validBytes === 0 ? undefined : expected.fold.state());
        await log.close();
        expect((await readFile(join(dir, LOG_FILE))).length).toBe(expected.validBytes);
        // Only the latest snapshot's file is left: the others no durable record needs.
        const latest = expected.fold.snapshot?.slot;
        expect((await readdir(dir)).filter((name) => name.startsWith('snapshot-')))
          .toEqual(latest === undefined ? [] : [snapshotFileName(latest)]);
      }
    }), { numRuns: 60 });
  });
});
