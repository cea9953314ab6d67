/**
 * Group commit: one fsync covers every record appended before the sync() that asked for
 * it; sync() calls made while an fsync is in flight share ONE next fsync; and a sync()
 * resolves only once its records are covered by a completed fsync.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { StorageFailedError } from '../../src/storage/errors.js';
import { FileDurableLog } from '../../src/storage/fileLog.js';
import { NODE, InstrumentedOps, accept, logBytesOf, tempDirs } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

async function openCounted(): Promise<{ log: FileDurableLog; ops: InstrumentedOps }> {
  const ops = new InstrumentedOps();
  const log = await FileDurableLog.open(await dirs.make(), { nodeId: NODE, create: true, ops });
  ops.fileSyncs = 0;
  ops.writtenBytes = 0;
  ops.durableBytes = 0;
  return { log, ops };
}

describe('FileDurableLog group commit', () => {
  it('N appends with concurrent sync() calls take 2 fsyncs, and each sync resolves only once its record is durable', async () => {
    const { log, ops } = await openCounted();
    const records = Array.from({ length: 50 }, (_, i) => accept(i, 1));
    const { starts } = logBytesOf(records);
    const covered: boolean[] = [];
    const syncs = records.map((record, i) => {
      log.append([record]);
      return log.sync().then(() => {
        covered[i] = ops.durableBytes >= starts[i + 1]!;
      });
    });
    expect(log.pendingSync).toBe(true);
    await Promise.all(syncs);

    // The first sync starts an fsync for record 0; the 49 calls made while it runs share one more.
    expect(ops.fileSyncs).toBe(2);
    expect(covered).toEqual(records.map(() => true));
    expect(log.pendingSync).toBe(false);
    await log.close();
  });

  it('a sync() from a continuation of a finished fsync joins the queued flush instead of racing it', async () => {
    const { log, ops } = await openCounted();
    const records = [accept(0, 1), accept(1, 1), accept(2, 1)];
    const { starts } = logBytesOf(records);
    const covered: Record<string, boolean> = {};
    log.append([records[0]!]);
    // This continuation runs as soon as the first fsync is done, before the queued flush starts.
    const first = log.sync().then(() => {
      covered['record 0'] = ops.durableBytes >= starts[1]!;
      log.append([records[2]!]);
      return log.sync().then(() => {
        covered['record 2'] = ops.durableBytes >= starts[3]!;
      });
    });
    log.append([records[1]!]);
    const second = log.sync().then(() => {
      covered['record 1'] = ops.durableBytes >= starts[2]!;
    });
    await Promise.all([first, second]);

    expect(covered).toEqual({ 'record 0': true, 'record 1': true, 'record 2': true });
    expect(ops.fileSyncs).toBe(2);
    await log.close();
  });

  it('one sync per append costs one fsync per append (the batch-1 baseline the counter is checked on)', async () => {
    const { log, ops } = await openCounted();
    for (let i = 0; i < 10; i++) {
      log.append([accept(i, 1)]);
      await log.sync();
    }
    expect(ops.fileSyncs).toBe(10);
    await log.close();
  });

  it('a sync with nothing appended costs no fsync; one during an fsync waits for that fsync', async () => {
    const { log, ops } = await openCounted();
    await log.sync();
    expect(ops.fileSyncs).toBe(0);
    log.append([accept(1, 1)]);
    const first = log.sync();
    let secondResolvedEarly = false;
    const second = log.sync().then(() => {
      secondResolvedEarly = ops.fileSyncs === 0;
    });
    await Promise.all([first, second]);
    expect(secondResolvedEarly).toBe(false);
    expect(ops.fileSyncs).toBe(1);
    await log.close();
  });

  it('after a failed fsync every sync rejects, even for new records (no retrying an fsync)', async () => {
    const { log, ops } = await openCounted();
    log.append([accept(1, 1)]);
    ops.failSyncs = true;
    await expect(log.sync()).rejects.toBeInstanceOf(StorageFailedError);
    ops.failSyncs = false;
    const callsAfterFailure = ops.calls.length;
    log.append([accept(2, 1)]);
    await expect(log.sync()).rejects.toThrow(/failed \(EIO \(simulated\)\); the node must stop/);
    expect(ops.calls.length).toBe(callsAfterFailure);
    await log.close().catch(() => undefined);
  });
});
