/**
 * The cluster key: a shared secret every node reads from a file at start. The file holds
 * the key as hex text (whitespace around it is ignored). Every problem is reported with
 * the path and what to do about it, before any socket opens.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';

/** SHA-256's output size: RFC 2104 advises HMAC keys no shorter than the hash output. */
export const MIN_CLUSTER_KEY_BYTES = 32;
/** A key file larger than this is the wrong file, not a key: refuse it instead of reading it. */
export const MAX_KEY_FILE_BYTES = 4096;
/** Length in bytes of the keys {@link generateClusterKey} writes. */
export const GENERATED_KEY_BYTES = 32;

/** A cluster key file is missing, unreadable, malformed, too short, or would be overwritten. */
export class ClusterKeyError extends Error {
  override readonly name = 'ClusterKeyError';
}

/** Options of {@link readClusterKey}. */
export interface ReadClusterKeyOptions {
  /** Called with a warning (e.g. the file is readable by others); default: ignored. */
  readonly warn?: (message: string) => void;
}

/**
 * Reads the shared cluster key (hex) that {@link TcpTransport} authenticates frames with.
 *
 * @throws ClusterKeyError when the file is missing, unreadable, not hex, or shorter than {@link MIN_CLUSTER_KEY_BYTES}.
 */
export function readClusterKey(path: string, options: ReadClusterKeyOptions = {}): Buffer {
  const { text, mode } = readSmallFile(path);
  const hex = text.trim();
  if (hex.length === 0) throw new ClusterKeyError(`cluster key file ${path} is empty; write one with generateClusterKey()`);
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) {
    throw new ClusterKeyError(`cluster key file ${path} must hold the key as hex digits (an even number of 0-9, a-f), nothing else`);
  }
  const key = Buffer.from(hex, 'hex');
  if (key.length < MIN_CLUSTER_KEY_BYTES) {
    throw new ClusterKeyError(`cluster key in ${path} is ${key.length} bytes; at least ${MIN_CLUSTER_KEY_BYTES} are needed (${MIN_CLUSTER_KEY_BYTES * 2} hex digits)`);
  }
  if ((mode & 0o077) !== 0 && process.platform !== 'win32') {
    options.warn?.(`cluster key file ${path} has mode ${mode.toString(8).padStart(4, '0')}: readable by group or others; chmod 600 it`);
  }
  return key;
}

/** Writes a fresh random key (hex, mode 0600) to `path`; refuses to overwrite an existing file. */
export function generateClusterKey(path: string): Buffer {
  const key = randomBytes(GENERATED_KEY_BYTES);
  try {
    writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new ClusterKeyError(`cluster key file ${path} already exists; not overwriting it (every node must share one key)`);
    throw new ClusterKeyError(`cannot write cluster key file ${path}: ${(e as Error).message}`);
  }
  return key;
}

function readSmallFile(path: string): { text: string; mode: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ClusterKeyError(`cluster key file ${path} does not exist; create it once (paxos keygen FILE, or generateClusterKey() from the library) and copy it to every node`);
    if (code === 'EACCES') throw new ClusterKeyError(`cluster key file ${path} is not readable by this process`);
    throw new ClusterKeyError(`cannot open cluster key file ${path}: ${(e as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new ClusterKeyError(`cluster key path ${path} is not a regular file`);
    if (stat.size > MAX_KEY_FILE_BYTES) throw new ClusterKeyError(`cluster key file ${path} is ${stat.size} bytes; a key file is at most ${MAX_KEY_FILE_BYTES}`);
    const buf = Buffer.alloc(MAX_KEY_FILE_BYTES + 1);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return { text: buf.subarray(0, n).toString('utf8'), mode: stat.mode & 0o777 };
  } finally {
    closeSync(fd);
  }
}
