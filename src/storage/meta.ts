/**
 * `meta.json`: the marker that makes a directory one node's data directory. It is written
 * once, when the node is created, and checked on every open, so a node never starts on
 * another node's promises (or an empty directory it takes for its own after a wrong path).
 */
import { join } from 'node:path';
import { StorageCorruptError, StorageRefusedError } from './errors.js';
import type { FileOps } from './fileOps.js';

/** Bumped when the log format changes incompatibly. */
export const FORMAT_VERSION = 1;
export const META_FILE = 'meta.json';

export interface DataDirectoryMeta {
  readonly format: number;
  readonly nodeId: number;
  /** Optional: set it to refuse a directory from another cluster that reuses node ids. */
  readonly clusterId: string | null;
}

export async function readMeta(ops: FileOps, dir: string): Promise<DataDirectoryMeta | undefined> {
  const path = join(dir, META_FILE);
  const bytes = await ops.readFile(path);
  if (bytes === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new StorageCorruptError(path, undefined, `not JSON (${(e as Error).message})`);
  }
  const meta = raw as Partial<Record<keyof DataDirectoryMeta, unknown>> | null;
  if (typeof meta !== 'object' || meta === null || !Number.isSafeInteger(meta.format) || !Number.isSafeInteger(meta.nodeId)
    || (meta.clusterId !== null && typeof meta.clusterId !== 'string')) {
    throw new StorageCorruptError(path, undefined, 'expected {"format": integer, "nodeId": integer, "clusterId": string or null}');
  }
  return meta as DataDirectoryMeta;
}

/** Refuses a directory written by another format version, node or cluster. */
export function checkMeta(meta: DataDirectoryMeta, dir: string, expected: { nodeId: number; clusterId?: string }): void {
  if (meta.format !== FORMAT_VERSION) {
    throw new StorageRefusedError(dir, `its format version is ${meta.format}; this build reads version ${FORMAT_VERSION}`);
  }
  if (meta.nodeId !== expected.nodeId) {
    throw new StorageRefusedError(dir, `it belongs to node ${meta.nodeId}, not node ${expected.nodeId}`);
  }
  if (expected.clusterId !== undefined && meta.clusterId !== expected.clusterId) {
    throw new StorageRefusedError(dir, `it belongs to cluster ${JSON.stringify(meta.clusterId)}, not ${JSON.stringify(expected.clusterId)}`);
  }
}

/** Writes meta.json atomically: a crash leaves either no meta.json or a whole one. */
export async function writeMeta(ops: FileOps, dir: string, meta: DataDirectoryMeta): Promise<void> {
  const path = join(dir, META_FILE);
  const temporary = `${path}.tmp`;
  const file = await ops.createFile(temporary);
  try {
    await file.write(Buffer.from(`${JSON.stringify(meta, null, 2)}\n`, 'utf8'));
    await file.sync();
  } finally {
    await file.close();
  }
  await ops.rename(temporary, path);
  await ops.syncDirectory(dir);
}
