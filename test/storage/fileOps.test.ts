/**
 * The real file operations (nodeFileOps): a small write goes to the file synchronously, a
 * large one asynchronously; either way the file holds exactly the bytes, in order, appended.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFileOps } from '../../src/storage/fileOps.js';
import { tempDirs } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

describe('nodeFileOps', () => {
  it('appends small and large writes whole and in order, then syncs them', async () => {
    const path = join(await dirs.make(), 'log');
    const file = await nodeFileOps.openAppend(path);
    const small = Buffer.from('first record');
    const large = Buffer.alloc(1 << 20, 7); // above the synchronous-write limit
    const last = Buffer.from('after the large one');
    await file.write(small);
    await file.write(large);
    await file.write(last);
    await file.sync();
    await file.close();
    expect((await readFile(path)).equals(Buffer.concat([small, large, last]))).toBe(true);
  });

  it('a write to a closed file rejects instead of throwing', async () => {
    const file = await nodeFileOps.openAppend(join(await dirs.make(), 'log'));
    await file.close();
    await expect(file.write(Buffer.from('x'))).rejects.toThrow();
  });
});
