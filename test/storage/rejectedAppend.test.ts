/**
 * An append the fold refuses (a record that would lower a promise or replace an accepted value
 * by a lower ballot: a bug in the caller) throws, and must leave the log exactly as it was: its
 * live state (what the roles read and a compaction would write), what the next sync writes, and
 * what the next open recovers. Otherwise the refused record either shows up in the live state
 * (a value accepted at a higher ballot replaced by a lower one) or reaches the disk, where the
 * next open refuses it as corruption and the node cannot restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InvariantViolation } from '../../src/protocol/assert.js';
import { FileDurableLog } from '../../src/storage/fileLog.js';
import { emptyDurableState, foldRecords } from '../../src/storage/fold.js';
import { MemoryDurableLog } from '../../src/storage/memoryLog.js';
import type { DurableLog, DurableRecord } from '../../src/storage/types.js';
import { NODE, accept, promise, tempDirs } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const GOOD: DurableRecord[] = [promise(5), accept(1, 5, 'chosen')];
/** Each breaks a fold rule after GOOD. */
const REFUSED: [string, DurableRecord][] = [['a lower promise', promise(4)], ['a lower-ballot accept of an accepted slot', accept(1, 3, 'other')]];
const foldOf = (records: readonly DurableRecord[]) => foldRecords(emptyDurableState(NODE), records);

describe.each(REFUSED)('an append of %s', (_what, bad) => {
  it('memory log: throws and changes neither the live nor the synced state', async () => {
    const log: DurableLog = new MemoryDurableLog(NODE);
    log.append(GOOD);
    await log.sync();
    expect(() => log.append([bad])).toThrow(InvariantViolation);
    expect(log.load()).toEqual(foldOf(GOOD));
    await log.sync();
    expect(log.load()).toEqual(foldOf(GOOD));
    await log.close();
  });

  it('file log: throws, changes nothing live, and writes nothing the next open would refuse', async () => {
    const dir = await dirs.make();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true });
    log.append(GOOD);
    await log.sync();
    expect(() => log.append([bad])).toThrow(InvariantViolation);
    expect(log.load()).toEqual(foldOf(GOOD));
    log.append([accept(2, 5)]); // the log stays usable
    await log.close();

    const reopened = await FileDurableLog.open(dir, { nodeId: NODE, create: false });
    expect(reopened.load()).toEqual(foldOf([...GOOD, accept(2, 5)]));
    await reopened.close();
  });
});
