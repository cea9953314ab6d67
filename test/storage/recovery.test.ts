/**
 * Opening a data directory whose log a crash or a disk damaged: a torn tail is cut (with a
 * log line) and the node continues; damage followed by intact records stops the node with
 * the file and offset, and the file is left exactly as it was.
 */
import { readFile, truncate, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageCorruptError } from '../../src/storage/errors.js';
import { FileDurableLog, LOG_FILE } from '../../src/storage/fileLog.js';
import { emptyDurableState, foldRecords } from '../../src/storage/fold.js';
import { encodeFrame } from '../../src/storage/frame.js';
import type { DurableRecord } from '../../src/storage/types.js';
import { NODE, accept, leaderBallot, logBytesOf, promise, tempDirs } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const RECORDS: DurableRecord[] = [promise(1), accept(1, 1), accept(2, 1), leaderBallot(2), promise(3, 2), accept(1, 3)];
const foldOf = (records: readonly DurableRecord[]) => foldRecords(emptyDurableState(NODE), records);

/** A data directory whose log holds RECORDS, synced and closed. */
async function directoryWith(records: readonly DurableRecord[]): Promise<{ dir: string; logPath: string }> {
  const dir = await dirs.make();
  const log = await FileDurableLog.open(dir, { nodeId: NODE, create: true });
  log.append(records);
  await log.close();
  return { dir, logPath: join(dir, LOG_FILE) };
}

async function reopen(dir: string): Promise<{ log: FileDurableLog; lines: string[] }> {
  const lines: string[] = [];
  const log = await FileDurableLog.open(dir, { nodeId: NODE, create: false, log: (line) => lines.push(line) });
  return { log, lines };
}

describe('FileDurableLog recovery', () => {
  it('writes the records as length + CRC frames, byte for byte', async () => {
    const { logPath } = await directoryWith(RECORDS);
    expect(await readFile(logPath)).toEqual(logBytesOf(RECORDS).bytes);
  });

  it('cuts a truncated last record, says so in a log line, and appends after the cut', async () => {
    const { dir, logPath } = await directoryWith(RECORDS);
    const { starts } = logBytesOf(RECORDS);
    await truncate(logPath, starts[RECORDS.length]! - 3);

    const { log, lines } = await reopen(dir);
    expect(log.load()).toEqual(foldOf(RECORDS.slice(0, -1)));
    expect(lines).toEqual([expect.stringContaining(`${logPath}: cut a torn tail of ${starts[RECORDS.length]! - 3 - starts[RECORDS.length - 1]!} bytes at byte offset ${starts[RECORDS.length - 1]}`)]);
    expect((await readFile(logPath)).length).toBe(starts[RECORDS.length - 1]);
    log.append([accept(3, 3)]);
    await log.close();

    const again = await reopen(dir);
    expect(again.log.load()).toEqual(foldOf([...RECORDS.slice(0, -1), accept(3, 3)]));
    expect(again.lines).toEqual([]);
    await again.log.close();
  });

  it('cuts a tail of zeros (a file extended by the filesystem but never written)', async () => {
    const { dir, logPath } = await directoryWith(RECORDS);
    await appendFile(logPath, Buffer.alloc(4096));
    const { log, lines } = await reopen(dir);
    expect(log.load()).toEqual(foldOf(RECORDS));
    expect(lines[0]).toContain('impossible record length 0');
    await log.close();
  });

  it('recovers from a crash between write and fsync at every byte offset of the last record', async () => {
    const { dir, logPath } = await directoryWith(RECORDS);
    const whole = await readFile(logPath);
    const { starts } = logBytesOf(RECORDS);
    const last = RECORDS.length - 1;
    for (let cut = starts[last]!; cut < starts[last + 1]!; cut++) {
      await writeFile(logPath, whole.subarray(0, cut));
      const { log, lines } = await reopen(dir);
      expect(log.load(), `cut at ${cut}`).toEqual(foldOf(RECORDS.slice(0, last)));
      expect(lines).toHaveLength(cut === starts[last] ? 0 : 1);
      await log.close();
      expect((await readFile(logPath)).length).toBe(starts[last]);
    }
  });

  it('stops on a flipped byte in the middle of the file, naming file and offset, and leaves the file alone', async () => {
    const { dir, logPath } = await directoryWith(RECORDS);
    const { starts } = logBytesOf(RECORDS);
    const damaged = await readFile(logPath);
    damaged[starts[2]! + 20]! ^= 0x04; // inside the payload of the third record
    await writeFile(logPath, damaged);

    const error = await reopen(dir).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StorageCorruptError);
    expect(error).toMatchObject({ file: logPath, offset: starts[2] });
    expect((error as Error).message).toContain(`${logPath} at byte offset ${starts[2]}: damaged record (checksum mismatch) followed by an intact record at byte offset ${starts[3]}`);
    expect(await readFile(logPath)).toEqual(damaged);
  });

  it('stops on an intact frame whose payload is not a record, and keeps the records after it', async () => {
    // The checksum passed, so these bytes were written so: a bug or another writer, never a tear.
    for (const [payload, reason] of [['{"kind":"bogus"}', /kind/], ['not json', /payload is not JSON/]] as const) {
      const { dir, logPath } = await directoryWith([promise(5)]);
      const at = logBytesOf([promise(5)]).bytes.length;
      await appendFile(logPath, encodeFrame(Buffer.from(payload)));
      await appendFile(logPath, logBytesOf([accept(1, 5)]).bytes);
      const before = await readFile(logPath);
      const error = await reopen(dir).then(() => undefined, (e: unknown) => e);
      expect(error, payload).toBeInstanceOf(StorageCorruptError);
      expect(error).toMatchObject({ file: logPath, offset: at });
      expect((error as Error).message).toMatch(reason);
      expect(await readFile(logPath)).toEqual(before);
    }
  });

  it('stops on an intact last frame whose payload is not a record: a checksum that passed is never a torn tail', async () => {
    // The frame is whole and its CRC matches, so nothing was torn: cutting it would silently
    // drop what some writer put there (a bug, or a newer format) and destroy the evidence.
    for (const [payload, reason] of [['{"kind":"bogus"}', /kind/], ['not json', /payload is not JSON/],
      ['{"kind":"promise","ballot":{"num":-1,"leader":1}}', /ballot must be/]] as const) {
      const { dir, logPath } = await directoryWith([promise(5)]);
      const at = logBytesOf([promise(5)]).bytes.length;
      await appendFile(logPath, encodeFrame(Buffer.from(payload)));
      const before = await readFile(logPath);
      const error = await reopen(dir).then(({ log }) => log.close(), (e: unknown) => e);
      expect(error, payload).toBeInstanceOf(StorageCorruptError);
      expect(error).toMatchObject({ file: logPath, offset: at });
      expect((error as Error).message).toMatch(reason);
      expect(await readFile(logPath)).toEqual(before);
    }
  });

  it('stops on an intact accept whose batch holds something that is not a request, rather than load it', async () => {
    // A file is input: every request of a batch is checked, not only the batch's outline, or
    // the node would start with pvalues of empty requests (and propose, answer or execute them).
    const bad = (prop: unknown) => JSON.stringify({ kind: 'accept', pvalue: { ballot: { num: 5, leader: 1 }, slot: 2, prop } });
    const request = { caller: 2, clientId: 7, input: 'x' };
    for (const prop of [{ batch: [1, 2] }, { batch: [request, { caller: 2 }] }, { batch: [request, { ...request, input: 3 }] }]) {
      const { dir, logPath } = await directoryWith([promise(5)]);
      const at = logBytesOf([promise(5)]).bytes.length;
      await appendFile(logPath, encodeFrame(Buffer.from(bad(prop))));
      await appendFile(logPath, logBytesOf([accept(1, 5)]).bytes);
      const error = await reopen(dir).then(({ log }) => log.close(), (e: unknown) => e);
      expect(error, JSON.stringify(prop)).toBeInstanceOf(StorageCorruptError);
      expect(error).toMatchObject({ file: logPath, offset: at });
      expect((error as Error).message).toMatch(/accept record: pvalue must be/);
    }
  });

  it('stops on an intact record the fold rejects (a promise going down), naming its offset', async () => {
    const { dir, logPath } = await directoryWith([promise(5)]);
    await appendFile(logPath, logBytesOf([promise(4)]).bytes);
    await expect(reopen(dir)).rejects.toThrow(`${logPath} at byte offset ${logBytesOf([promise(5)]).bytes.length}: invariant: a promise of <<4, 1>> would lower`);
  });
});
