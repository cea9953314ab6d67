/**
 * What every DurableLog does, run on both: MemoryDurableLog (the simulator's) and
 * FileDurableLog. A "crash" drops the log object without close(): only synced records
 * may come back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InvariantViolation } from '../../src/protocol/assert.js';
import { FileDurableLog } from '../../src/storage/fileLog.js';
import { emptyDurableState, foldRecords } from '../../src/storage/fold.js';
import { MemoryDurableLog } from '../../src/storage/memoryLog.js';
import type { DurableLog, DurableRecord } from '../../src/storage/types.js';
import { NODE, InstrumentedOps, accept, leaderBallot, promise, tempDirs } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

interface Subject {
  readonly log: DurableLog;
  /** A power loss and restart: the log of the restarted node. */
  crash(): Promise<DurableLog>;
}

const subjects: Record<string, () => Promise<Subject>> = {
  memory: async () => {
    const log = new MemoryDurableLog(NODE);
    return { log, crash: async () => (log.crash(), log) };
  },
  file: async () => {
    const dir = await dirs.make();
    const ops = new InstrumentedOps();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true, ops });
    return {
      log,
      crash: async () => {
        await ops.closeAll();
        return FileDurableLog.open(dir, { nodeId: NODE, create: false });
      },
    };
  },
};

const foldOf = (records: readonly DurableRecord[]) => foldRecords(emptyDurableState(NODE), records);

describe.each(Object.keys(subjects))('DurableLog contract: %s', (name) => {
  const open = subjects[name]!;

  it('loads nothing before the first record, then the fold of what was appended', async () => {
    const { log } = await open();
    expect(log.load()).toBeUndefined();
    const records = [promise(2), accept(1, 2), leaderBallot(1)];
    log.append(records);
    expect(log.load()).toEqual(foldOf(records));
    await log.close();
  });

  it('keeps synced records through a crash and loses the unsynced ones', async () => {
    const subject = await open();
    const synced = [promise(2), accept(1, 2)];
    subject.log.append(synced);
    await subject.log.sync();
    subject.log.append([promise(3), accept(2, 3)]);
    expect(subject.log.pendingSync).toBe(true);

    const restarted = await subject.crash();
    expect(restarted.load()).toEqual(foldOf(synced));
    restarted.append([promise(4)]);
    await restarted.close();
  });

  it('rejects a record that breaks the fold, or a malformed one, at append time', async () => {
    const { log } = await open();
    log.append([promise(5)]);
    expect(() => log.append([promise(4)])).toThrow(InvariantViolation);
    const notASlot = { kind: 'accept', pvalue: { ...(accept(1, 5) as { pvalue: object }).pvalue, slot: Number.NaN } } as DurableRecord;
    expect(() => log.append([notASlot])).toThrow(/malformed record: accept record: pvalue must be/);
    await log.close();
  });

  it('does not alias the records it was given', async () => {
    const { log } = await open();
    const record = { kind: 'promise', ballot: { num: 2, leader: 1 } } as { kind: 'promise'; ballot: { num: number; leader: number } };
    log.append([record]);
    record.ballot.num = 9;
    await log.sync();
    expect(log.load()?.aBallot).toEqual({ num: 2, leader: 1 });
    await log.close();
  });
});
