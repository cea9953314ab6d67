/**
 * The data directory marker: a node starts only on its own state, and only creates new state
 * when asked to (`create`, a CLI's --new).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageCorruptError, StorageMissingError, StorageRefusedError } from '../../src/storage/errors.js';
import { FileDurableLog, LOG_FILE } from '../../src/storage/fileLog.js';
import { META_FILE } from '../../src/storage/meta.js';
import { InstrumentedOps, logBytesOf, promise, tempDirs } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

async function createdFor(nodeId: number, clusterId?: string): Promise<string> {
  const dir = await dirs.make();
  const log = await FileDurableLog.open(dir, { nodeId, create: true, ...(clusterId === undefined ? {} : { clusterId }) });
  log.append([promise(1)]);
  await log.close();
  return dir;
}

describe('FileDurableLog data directory', () => {
  it('refuses an empty directory without create, saying how to start a new node', async () => {
    const dir = await dirs.make();
    const opening = FileDurableLog.open(dir, { nodeId: 2, create: false });
    await expect(opening).rejects.toBeInstanceOf(StorageMissingError);
    await expect(opening).rejects.toThrow(`no state in ${dir}; pass --new to start a new node`);
  });

  it('refuses a missing directory without create, and creates nothing', async () => {
    const dir = join(await dirs.make(), 'node-2');
    await expect(FileDurableLog.open(dir, { nodeId: 2, create: false })).rejects.toThrow(`no state in ${dir}; pass --new`);
    await expect(readFile(join(dir, META_FILE))).rejects.toThrow(/ENOENT/);
  });

  it('creates a missing directory with meta.json and an empty log; a new node has no state to load', async () => {
    const dir = join(await dirs.make(), 'data', 'node-2');
    const log = await FileDurableLog.open(dir, { nodeId: 2, create: true, clusterId: 'bank-1' });
    expect(log.load()).toBeUndefined();
    await log.close();
    expect(JSON.parse(await readFile(join(dir, META_FILE), 'utf8'))).toEqual({ format: 1, nodeId: 2, clusterId: 'bank-1' });
    expect((await readFile(join(dir, LOG_FILE))).length).toBe(0);
  });

  it('creates durably: the new directory\'s entry, the empty log, then meta.json fsynced before its rename and the directory after', async () => {
    // A power loss right after creation must leave either no meta.json or a whole one: a
    // rename that reaches the disk before the data leaves an empty meta.json, and the node
    // could never restart on its own directory.
    const ops = new InstrumentedOps();
    const dir = join(await dirs.make(), 'node-2');
    const log = await FileDurableLog.open(dir, { nodeId: 2, create: true, ops });
    await log.close();
    const created = ops.calls.slice(0, ops.calls.indexOf(`rename ${META_FILE}.tmp ${META_FILE}`) + 2);
    expect(created).toEqual([
      `readFile ${META_FILE}`,
      'readDirectory',
      'makeDirectory',
      'syncDirectory', // the parent: the new directory's entry
      `openAppend ${LOG_FILE}`,
      `sync ${LOG_FILE}`,
      `close ${LOG_FILE}`,
      `createFile ${META_FILE}.tmp`,
      `write ${META_FILE}.tmp`,
      `sync ${META_FILE}.tmp`,
      `close ${META_FILE}.tmp`,
      `rename ${META_FILE}.tmp ${META_FILE}`,
      'syncDirectory',
    ]);
  });

  it('refuses the directory of another node id', async () => {
    const dir = await createdFor(2);
    await expect(FileDurableLog.open(dir, { nodeId: 3, create: false })).rejects.toThrow(`refusing data directory ${dir}: it belongs to node 2, not node 3`);
  });

  it('refuses the directory of another cluster', async () => {
    const dir = await createdFor(2, 'bank-1');
    await expect(FileDurableLog.open(dir, { nodeId: 2, create: false, clusterId: 'kv-7' })).rejects.toThrow(/belongs to cluster "bank-1", not "kv-7"/);
  });

  it('refuses create over existing state (never starts a "new" node on old promises)', async () => {
    const dir = await createdFor(2);
    const opening = FileDurableLog.open(dir, { nodeId: 2, create: true });
    await expect(opening).rejects.toBeInstanceOf(StorageRefusedError);
    await expect(opening).rejects.toThrow("it already holds node 2's state; drop --new");
  });

  it('refuses create in a directory of other files', async () => {
    const dir = await dirs.make();
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await expect(FileDurableLog.open(dir, { nodeId: 2, create: true })).rejects.toThrow(/has no meta.json and is not empty \(notes.txt\)/);
  });

  it('refuses another format version', async () => {
    const dir = await createdFor(2);
    await writeFile(join(dir, META_FILE), JSON.stringify({ format: 2, nodeId: 2, clusterId: null }));
    await expect(FileDurableLog.open(dir, { nodeId: 2, create: false })).rejects.toThrow('its format version is 2; this build reads version 1');
  });

  it('stops on a damaged meta.json, naming it', async () => {
    const dir = await createdFor(2);
    await writeFile(join(dir, META_FILE), '{"format": 1, "nodeId"');
    const opening = FileDurableLog.open(dir, { nodeId: 2, create: false });
    await expect(opening).rejects.toBeInstanceOf(StorageCorruptError);
    await expect(opening).rejects.toThrow(`${join(dir, META_FILE)}: not JSON`);
  });

  it('stops when meta.json is there but the log is gone, or the log is there but meta.json is gone', async () => {
    const noLog = await createdFor(2);
    await rm(join(noLog, LOG_FILE));
    await expect(FileDurableLog.open(noLog, { nodeId: 2, create: false })).rejects.toThrow(`${join(noLog, LOG_FILE)}: missing, but meta.json says`);

    const noMeta = await dirs.make();
    await writeFile(join(noMeta, LOG_FILE), logBytesOf([promise(1)]).bytes);
    for (const create of [false, true]) {
      await expect(FileDurableLog.open(noMeta, { nodeId: 2, create })).rejects.toThrow(`${join(noMeta, META_FILE)}: missing, but ${join(noMeta, LOG_FILE)} holds records`);
    }
  });

  it('finishes a creation that crashed before meta.json was written (only an empty log left)', async () => {
    const dir = await dirs.make();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, LOG_FILE), '');
    await writeFile(join(dir, `${META_FILE}.tmp`), '{"form');
    const log = await FileDurableLog.open(dir, { nodeId: 2, create: true });
    expect(log.load()).toBeUndefined();
    await log.close();
    expect(JSON.parse(await readFile(join(dir, META_FILE), 'utf8'))).toMatchObject({ nodeId: 2 });
  });
});
