/**
 * The replica snapshot record (issue 11): the fold keeps the latest and refuses a compaction
 * above it; a file log keeps its bytes in a file of their own, durable before the record that
 * names it, and recovers it with the log (torn tail, crash mid-snapshot, damaged file).
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageCorruptError, StorageFailedError } from '../../src/storage/errors.js';
import { FileDurableLog, LOG_FILE, snapshotFileName } from '../../src/storage/fileLog.js';
import { applyRecord, emptyDurableState, foldRecords, recordsOf } from '../../src/storage/fold.js';
import { MAX_RECORD_BYTES } from '../../src/storage/frame.js';
import { MemoryDurableLog } from '../../src/storage/memoryLog.js';
import { recordFileBytes } from '../../src/storage/record.js';
import type { DurableRecord } from '../../src/storage/types.js';
import { NODE, InstrumentedOps, accept, compact, promise, snapshot, tempDirs } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());
const empty = emptyDurableState(NODE);
const snapshotFiles = async (dir: string) => (await readdir(dir)).filter((name) => name.startsWith('snapshot-')).sort();

describe('the snapshot record in the fold', () => {
  it('keeps the latest snapshot; snapshotSlot is 1 before the first', async () => {
    const log = new MemoryDurableLog(NODE);
    log.append([promise(1)]);
    expect(log.load()?.snapshot).toBeUndefined();
    const s = foldRecords(empty, [snapshot(3), accept(3, 1), snapshot(5, 7)]);
    expect(s.snapshot).toEqual({ slot: 5, state: new Uint8Array(7).fill(5) });
  });

  it('refuses a snapshot that is not above the latest, or at slot 1 ("no snapshot")', () => {
    const s = foldRecords(empty, [snapshot(4)]);
    expect(() => applyRecord(s, snapshot(4))).toThrow(/a snapshot at slot 4 is not above the latest snapshot's slot 4/);
    expect(() => applyRecord(s, snapshot(3))).toThrow(/not above/);
    expect(() => new MemoryDurableLog(NODE).append([{ kind: 'snapshot', slot: 1, state: new Uint8Array(1) }])).toThrow(/slot must be an integer >= 2/);
  });

  it('refuses a compaction above the latest snapshot: the acceptor\'s mark promises the snapshot exists', () => {
    expect(() => foldRecords(empty, [compact(2)])).toThrow(/compaction below slot 2 is above the latest snapshot's slot 1/);
    expect(() => foldRecords(empty, [snapshot(4), compact(5)])).toThrow(/above the latest snapshot's slot 4/);
    expect(foldRecords(empty, [snapshot(4), compact(4)]).compactedBelow).toBe(4);
  });

  it('copies the bytes on the way in: the caller may reuse its buffer', () => {
    const log = new MemoryDurableLog(NODE);
    const bytes = new Uint8Array([1, 2, 3]);
    log.append([{ kind: 'snapshot', slot: 2, state: bytes }]);
    bytes[0] = 9;
    expect(log.load()?.snapshot?.state).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('recordsOf writes the snapshot before the compaction that needs it', () => {
    const state = foldRecords(empty, [accept(2, 1), snapshot(3), compact(3), accept(4, 1)]);
    expect(recordsOf(state)[0]).toMatchObject({ kind: 'snapshot', slot: 3 });
    expect(foldRecords(empty, recordsOf(state))).toEqual(state);
  });

  it('survives a memory log crash only once synced', async () => {
    const log = new MemoryDurableLog(NODE);
    log.append([snapshot(2)]);
    log.crash();
    expect(log.load()).toBeUndefined();
    log.append([snapshot(2), compact(2)]);
    await log.sync();
    log.crash();
    expect(log.load()).toMatchObject({ compactedBelow: 2, snapshot: { slot: 2 } });
  });
});

describe('FileDurableLog snapshots', () => {
  it('recovers a snapshot record with its bytes, kept in a file of its own beside an O(1) record', async () => {
    const dir = await dirs.make();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true });
    // Larger than any frame may be: the bytes are not in the log.
    const big = new Uint8Array(MAX_RECORD_BYTES * 2);
    for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) % 251;
    // Deep equality walks arrays element by element: compare these megabytes as bytes.
    const sameBytes = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && Buffer.compare(a, b) === 0;
    const records: DurableRecord[] = [promise(1), accept(1, 1), accept(2, 1), { kind: 'snapshot', slot: 3, state: big }, compact(3), accept(3, 1)];
    log.append(records);
    await log.sync();
    await log.close();

    expect((await stat(join(dir, LOG_FILE))).size).toBeLessThan(1000);
    expect(sameBytes(await readFile(join(dir, snapshotFileName(3))), big)).toBe(true);
    const reopened = await FileDurableLog.open(dir, { nodeId: NODE, create: false });
    const { snapshot: loaded, ...rest } = reopened.load()!;
    const { snapshot: _expected, ...expectedRest } = foldRecords(empty, records);
    expect(rest).toEqual(expectedRest);
    expect(loaded?.slot).toBe(3);
    expect(sameBytes(loaded?.state, big)).toBe(true);
    await reopened.close();
    // A host that counts bytes without a file counts the snapshot's own file too.
    expect(recordFileBytes(records[3]!)).toBeGreaterThan(big.length);
  });

  it('makes the file durable under its name before the log names it, then removes the previous one', async () => {
    const dir = await dirs.make();
    const ops = new InstrumentedOps();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true, ops });
    log.append([snapshot(2)]);
    await log.sync();
    ops.calls.length = 0;
    log.append([snapshot(5), compact(5)]);
    await log.sync();
    expect(ops.calls).toEqual([
      `createFile ${snapshotFileName(5)}.tmp`,
      `write ${snapshotFileName(5)}.tmp`,
      `sync ${snapshotFileName(5)}.tmp`,
      `close ${snapshotFileName(5)}.tmp`,
      `rename ${snapshotFileName(5)}.tmp ${snapshotFileName(5)}`,
      'syncDirectory',
      `write ${LOG_FILE}`,
      `sync ${LOG_FILE}`,
      `remove ${snapshotFileName(2)}`,
    ]);
    expect(await snapshotFiles(dir)).toEqual([snapshotFileName(5)]);
    await log.close();
  });

  it('stages a snapshot (a traced host): durable before stageSnapshot returns, and not written again by the sync of its record', async () => {
    const dir = await dirs.make();
    const ops = new InstrumentedOps();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true, ops });
    log.append([snapshot(2)]);
    await log.sync();
    ops.calls.length = 0;
    const record = snapshot(5, 40) as Extract<DurableRecord, { kind: 'snapshot' }>;
    log.stageSnapshot({ slot: 5, state: record.state });
    expect(ops.calls).toEqual([`writeFileDurablySync ${snapshotFileName(5)}`]);
    expect(await snapshotFiles(dir)).toEqual([snapshotFileName(2), snapshotFileName(5)]);
    log.append([record, compact(5)]);
    await log.sync();
    expect(ops.calls.slice(1)).toEqual([`write ${LOG_FILE}`, `sync ${LOG_FILE}`, `remove ${snapshotFileName(2)}`]);
    await log.close();
    const reopened = await FileDurableLog.open(dir, { nodeId: NODE, create: false });
    expect(reopened.load()).toMatchObject({ compactedBelow: 5, snapshot: { slot: 5, state: record.state } });
    await reopened.close();
  });

  it('after a crash between staging and the record, open keeps the staged file only when asked, for the host to adopt or discard', async () => {
    const dir = await dirs.make();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true });
    log.append([promise(1), snapshot(2)]);
    await log.sync();
    const staged = new Uint8Array(9).fill(7);
    log.stageSnapshot({ slot: 7, state: staged });
    await log.close(); // the crash: the record of slot 7 was never appended

    const kept = await FileDurableLog.open(dir, { nodeId: NODE, create: false, keepStagedSnapshots: true });
    expect(kept.load()?.snapshot?.slot).toBe(2);
    expect(new Uint8Array(kept.stagedSnapshot(7)!)).toEqual(staged);
    expect(kept.stagedSnapshot(2)).toBeUndefined();
    kept.append([{ kind: 'snapshot', slot: 7, state: kept.stagedSnapshot(7)! }, compact(7)]);
    await kept.sync();
    await kept.discardStagedSnapshots();
    expect(await snapshotFiles(dir)).toEqual([snapshotFileName(7)]);
    await kept.close();

    // Not adopted: discarded by the host, or removed at open by a host that stages nothing.
    const again = await FileDurableLog.open(dir, { nodeId: NODE, create: false });
    again.stageSnapshot({ slot: 9, state: staged });
    await again.close();
    const host = await FileDurableLog.open(dir, { nodeId: NODE, create: false, keepStagedSnapshots: true });
    expect(await snapshotFiles(dir)).toEqual([snapshotFileName(7), snapshotFileName(9)]);
    await host.discardStagedSnapshots();
    expect(await snapshotFiles(dir)).toEqual([snapshotFileName(7)]);
    await host.close();
    const plain = await FileDurableLog.open(dir, { nodeId: NODE, create: false });
    plain.stageSnapshot({ slot: 11, state: staged });
    await plain.close();
    await (await FileDurableLog.open(dir, { nodeId: NODE, create: false })).close();
    expect(await snapshotFiles(dir)).toEqual([snapshotFileName(7)]);
  });

  it('removes a staged snapshot that a later one of the same sync superseded (no file, no bytes held)', async () => {
    const dir = await dirs.make();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true });
    const first = snapshot(3) as Extract<DurableRecord, { kind: 'snapshot' }>;
    const second = snapshot(6) as Extract<DurableRecord, { kind: 'snapshot' }>;
    log.stageSnapshot(first);
    log.stageSnapshot(second);
    log.append([first, second]);
    await log.sync();
    expect(await snapshotFiles(dir)).toEqual([snapshotFileName(6)]);
    expect(log.stagedSnapshot(3)).toBeUndefined();
    await log.close();
  });

  it('rewrites a file kept at open when a later record at its slot holds other bytes', async () => {
    const dir = await dirs.make();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true });
    log.append([promise(1)]);
    await log.sync();
    log.stageSnapshot({ slot: 4, state: new Uint8Array([1, 1]) });
    await log.close();
    const reopened = await FileDurableLog.open(dir, { nodeId: NODE, create: false, keepStagedSnapshots: true });
    reopened.append([{ kind: 'snapshot', slot: 4, state: new Uint8Array([2, 2, 2]) }]);
    await reopened.sync();
    await reopened.close();
    const last = await FileDurableLog.open(dir, { nodeId: NODE, create: false });
    expect(last.load()?.snapshot?.state).toEqual(new Uint8Array([2, 2, 2]));
    await last.close();
  });

  it('rewrites a file kept at open when a later record at its slot holds other bytes of the same length', async () => {
    // Only the bytes tell the kept file from the record's: a length alone would leave the old
    // bytes under a record whose CRC names the new ones, and the next open would refuse the log.
    const dir = await dirs.make();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true });
    log.append([promise(1)]);
    await log.sync();
    log.stageSnapshot({ slot: 4, state: new Uint8Array([1, 1, 1]) });
    await log.close();
    const reopened = await FileDurableLog.open(dir, { nodeId: NODE, create: false, keepStagedSnapshots: true });
    reopened.append([{ kind: 'snapshot', slot: 4, state: new Uint8Array([2, 2, 2]) }]);
    await reopened.sync();
    await reopened.close();
    expect(new Uint8Array(await readFile(join(dir, snapshotFileName(4))))).toEqual(new Uint8Array([2, 2, 2]));
    const last = await FileDurableLog.open(dir, { nodeId: NODE, create: false });
    expect(last.load()?.snapshot?.state).toEqual(new Uint8Array([2, 2, 2]));
    await last.close();
  });

  it('writes only the latest snapshot of a batch (the earlier one is superseded before it is durable)', async () => {
    const dir = await dirs.make();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true });
    log.append([snapshot(2), snapshot(3)]);
    await log.sync();
    expect(await snapshotFiles(dir)).toEqual([snapshotFileName(3)]);
    await log.close();
    const reopened = await FileDurableLog.open(dir, { nodeId: NODE, create: false });
    expect(reopened.load()?.snapshot?.slot).toBe(3);
    await reopened.close();
  });

  it('cuts a torn tail after a snapshot and keeps the snapshot', async () => {
    const dir = await dirs.make();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true });
    const kept: DurableRecord[] = [promise(1), snapshot(4, 50), compact(4)];
    log.append(kept);
    await log.sync();
    log.append([accept(4, 1)]);
    await log.sync();
    await log.close();
    const bytes = await readFile(join(dir, LOG_FILE));
    await writeFile(join(dir, LOG_FILE), bytes.subarray(0, bytes.length - 5));

    const lines: string[] = [];
    const reopened = await FileDurableLog.open(dir, { nodeId: NODE, create: false, log: (line) => lines.push(line) });
    expect(reopened.load()).toEqual(foldRecords(empty, kept));
    expect(lines.join('\n')).toMatch(/cut a torn tail/);
    await reopened.close();
  });

  describe('a crash at each step of writing a snapshot leaves the log and its snapshot whole', () => {
    const steps = ['createFile', 'write', 'sync', 'close', 'rename', 'syncDirectory', 'write log', 'sync log'];
    for (const [step, name] of steps.entries()) {
      const written = name === 'sync log';
      it(`crash before ${name}: ${written ? 'the new snapshot (its record was written, not fsynced)' : 'the previous snapshot'}, and no stray file`, async () => {
        const dir = await dirs.make();
        const setup = await FileDurableLog.open(dir, { nodeId: NODE, create: true });
        const before = [promise(1), snapshot(2), compact(2)];
        setup.append(before);
        await setup.close();

        const ops = new InstrumentedOps();
        const log = await FileDurableLog.open(dir, { nodeId: NODE, create: false, ops });
        ops.crashAt(step);
        log.append([snapshot(6), compact(6)]);
        await expect(log.sync()).rejects.toBeInstanceOf(StorageFailedError);
        await ops.closeAll();

        const restarted = await FileDurableLog.open(dir, { nodeId: NODE, create: false });
        // The batch was never reported durable, so either state is allowed, each with the one file it names.
        const batch = written ? [snapshot(6), compact(6)] : [];
        expect(restarted.load()).toEqual(foldRecords(empty, [...before, ...batch]));
        expect(await snapshotFiles(dir)).toEqual([snapshotFileName(written ? 6 : 2)]);
        await restarted.close();
      });
    }
  });

  it('refuses to start when the latest snapshot\'s file is missing or damaged, naming it', async () => {
    const dir = await dirs.make();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true });
    log.append([snapshot(3, 40), compact(3)]);
    await log.close();
    const path = join(dir, snapshotFileName(3));
    const good = await readFile(path);

    const damaged = Buffer.from(good);
    damaged[7]! ^= 0x10;
    await writeFile(path, damaged);
    const error = await FileDurableLog.open(dir, { nodeId: NODE, create: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageCorruptError);
    expect((error as Error).message).toContain(path);

    await writeFile(path, good.subarray(0, 39));
    await expect(FileDurableLog.open(dir, { nodeId: NODE, create: false })).rejects.toThrow(/39 bytes .* says 40 bytes/);

    await writeFile(path, good);
    await (await FileDurableLog.open(dir, { nodeId: NODE, create: false })).close();
    const { rm } = await import('node:fs/promises');
    await rm(path);
    await expect(FileDurableLog.open(dir, { nodeId: NODE, create: false })).rejects.toThrow(/the snapshot record of slot 3 has no snapshot file/);
  });

  it('a log rewrite copies the snapshot\'s reference, not its bytes', async () => {
    const dir = await dirs.make();
    const ops = new InstrumentedOps();
    const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true, ops, compaction: { minLogBytes: 256, maxLogToLive: 2 } });
    const state = new Uint8Array(200_000).fill(7);
    log.append([{ kind: 'snapshot', slot: 2, state }, compact(2)]);
    await log.sync();
    const afterSnapshot = ops.writtenBytes;
    let rewrites = 0;
    for (let i = 1; i <= 300; i++) {
      log.append([promise(i), accept(2 + (i % 3), i)]);
      await log.sync();
    }
    rewrites = ops.calls.filter((call) => call.startsWith('rename durable.log.compact')).length;
    expect(rewrites).toBeGreaterThan(3);
    // Every byte written after the snapshot is log records: no rewrite copied its 200,000 bytes.
    expect(ops.writtenBytes - afterSnapshot).toBeLessThan(state.length);
    await log.close();
    const reopened = await FileDurableLog.open(dir, { nodeId: NODE, create: false });
    expect(Buffer.compare(reopened.load()!.snapshot!.state, state)).toBe(0);
    await reopened.close();
  });
});
