/**
 * Compaction: when the log holds many superseded records, it is rewritten as the live state
 * (new file, fsync, rename over the log, fsync the directory). The folded state never
 * changes, and a crash at any step leaves one whole log: the old one until the rename.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageFailedError } from '../../src/storage/errors.js';
import { COMPACTION_FILE, FileDurableLog, LOG_FILE } from '../../src/storage/fileLog.js';
import { emptyDurableState, foldRecords } from '../../src/storage/fold.js';
import type { DurableRecord } from '../../src/storage/types.js';
import { NODE, InstrumentedOps, accept, compact, leaderBallot, logBytesOf, promise, snapshot, tempDirs } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

/** Rewrite as soon as the log is twice its live state (the default waits for 4 MiB). */
const EAGER = { minLogBytes: 256, maxLogToLive: 2 };
const foldOf = (records: readonly DurableRecord[]) => foldRecords(emptyDurableState(NODE), records);
const renames = (ops: InstrumentedOps) => ops.calls.filter((call) => call.startsWith('rename durable.log.compact')).length;

/** A leader re-proposing on a few slots at rising ballots: almost every record supersedes one. */
function churn(from: number, to: number, firstSlot = 10): DurableRecord[] {
  const records: DurableRecord[] = [];
  for (let i = from; i < to; i++) records.push(promise(i), accept(firstSlot + (i % 4), i), leaderBallot(i));
  return records;
}

describe('FileDurableLog compaction', () => {
  it('keeps the folded state through many rewrites, and the file stays near the live state', async () => {
    const dir = await dirs.make();
    const ops = new InstrumentedOps();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true, ops, compaction: EAGER });
    const all: DurableRecord[] = [];
    for (let round = 0; round < 60; round++) {
      // Half way, the slots so far are compacted away and the churn moves to later slots.
      const batch = round === 30 ? [snapshot(14), compact(14)] : churn(round * 3, round * 3 + 3, round < 30 ? 10 : 14);
      log.append(batch);
      all.push(...batch);
      await log.sync();
      expect(log.load()).toEqual(foldOf(all));
    }
    await log.close();

    expect(renames(ops)).toBeGreaterThan(5);
    const size = (await stat(join(dir, LOG_FILE))).size;
    expect(size).toBeLessThan(logBytesOf(all).bytes.length / 10);
    const reopened = await FileDurableLog.open(dir, { nodeId: NODE, create: false });
    expect(reopened.load()).toEqual(foldOf(all));
    expect(reopened.load()?.compactedBelow).toBe(14);
    await reopened.close();
  });

  it('rewrites a log whose live state a compaction shrank as often as the smaller state calls for', async () => {
    const dir = await dirs.make();
    const ops = new InstrumentedOps();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true, ops, compaction: EAGER });
    const wide: DurableRecord[] = [];
    for (let slot = 2; slot < 202; slot++) wide.push(accept(slot, 1));
    log.append(wide);
    await log.sync();
    log.append([snapshot(202), compact(202)]); // the 200 accepts are no longer live
    await log.sync();
    const rewritesBefore = renames(ops);
    // About three times the 200 accepts' bytes of churn on two slots.
    for (let i = 1; i <= 600; i++) {
      log.append([promise(i), accept(202 + (i % 2), i)]);
      await log.sync();
    }
    // The live state is two accepts and a few small records: a rewrite every few hundred bytes.
    // Catches a size estimate that keeps counting the compacted accepts: it would rewrite only
    // when the log passes twice their bytes again, once or twice in this loop.
    expect(renames(ops) - rewritesBefore).toBeGreaterThan(10);
    expect(log.load()).toEqual(foldOf([...wide, snapshot(202), compact(202), ...Array.from({ length: 600 }, (_, k) => [promise(k + 1), accept(202 + ((k + 1) % 2), k + 1)]).flat()]));
    await log.close();
  });

  it('fsyncs the new file before the rename, and the directory after it', async () => {
    const dir = await dirs.make();
    const ops = new InstrumentedOps();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true, ops, compaction: { minLogBytes: 1, maxLogToLive: 2 } });
    log.append(churn(0, 20));
    ops.calls.length = 0;
    await log.sync();
    expect(ops.calls).toEqual([
      `createFile ${COMPACTION_FILE}`,
      `write ${COMPACTION_FILE}`,
      `sync ${COMPACTION_FILE}`,
      `rename ${COMPACTION_FILE} ${LOG_FILE}`,
      'syncDirectory',
      `close ${LOG_FILE}`,
    ]);
    await log.close();
  });

  describe('a crash at each step of a rewrite leaves one whole log', () => {
    const before = churn(0, 20);
    const batch = [accept(50, 30)];
    const steps = ['createFile', 'write', 'sync', 'rename', 'syncDirectory'];

    for (const [step, name] of steps.entries()) {
      it(`crash before ${name}: ${step <= 3 ? 'the old log, untouched' : 'the new log'}`, async () => {
        const dir = await dirs.make();
        const setup = await FileDurableLog.open(dir, { nodeId: NODE, create: true });
        setup.append(before);
        await setup.close();
        const oldBytes = await readFile(join(dir, LOG_FILE));

        const ops = new InstrumentedOps();
        const log = await FileDurableLog.open(dir, { nodeId: NODE, create: false, ops, compaction: { minLogBytes: 1, maxLogToLive: 2 } });
        ops.crashAt(step);
        log.append(batch);
        await expect(log.sync()).rejects.toBeInstanceOf(StorageFailedError);
        await ops.closeAll(); // the process is gone: nothing of it runs any more

        if (step <= 3) expect(await readFile(join(dir, LOG_FILE))).toEqual(oldBytes);
        const restarted = await FileDurableLog.open(dir, { nodeId: NODE, create: false });
        // The batch was never reported durable, so either state is allowed; which one is not.
        expect(restarted.load()).toEqual(foldOf(step <= 3 ? before : [...before, ...batch]));
        expect(await readdir(dir)).not.toContain(COMPACTION_FILE);
        await restarted.close();
      });
    }

    it('a half-written leftover (power lost before its fsync) is ignored and removed', async () => {
      const dir = await dirs.make();
      const setup = await FileDurableLog.open(dir, { nodeId: NODE, create: true });
      setup.append(before);
      await setup.close();
      await writeFile(join(dir, COMPACTION_FILE), logBytesOf(before).bytes.subarray(0, 37));

      const restarted = await FileDurableLog.open(dir, { nodeId: NODE, create: false });
      expect(restarted.load()).toEqual(foldOf(before));
      expect(await readdir(dir)).not.toContain(COMPACTION_FILE);
      await restarted.close();
    });
  });
});
