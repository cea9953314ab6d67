/**
 * The file-system operations FileDurableLog uses, behind a seam: tests count fsyncs, record
 * the order of operations, and inject a crash at any step. `nodeFileOps` is the real thing.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import * as fs from 'node:fs/promises';

/** An open file written sequentially from its current end. */
export interface WritableFile {
  /** Writes all of `bytes` (looping over short writes). */
  write(bytes: Uint8Array): Promise<void>;
  /** fsync: returns once the data written so far is on stable storage. */
  sync(): Promise<void>;
  /** Cuts the file to `length` bytes (a torn last record, at recovery). */
  truncate(length: number): Promise<void>;
  /** Closes the file. */
  close(): Promise<void>;
}

/**
 * The file-system operations a {@link FileDurableLog} uses (`FileDurableLogOptions.ops`): tests replace
 * them to count fsyncs and inject crashes; the default is the real file system.
 */
export interface FileOps {
  /** The file's bytes, or undefined when it does not exist. */
  readFile(path: string): Promise<Buffer | undefined>;
  /** The names in a directory, or undefined when it does not exist. */
  readDirectory(path: string): Promise<string[] | undefined>;
  /** Creates the directory and its parents if missing. */
  makeDirectory(path: string): Promise<void>;
  /** Opens for appending, creating an empty file if missing. */
  openAppend(path: string): Promise<WritableFile>;
  /** Creates the file, or empties an existing one, for writing from the start. */
  createFile(path: string): Promise<WritableFile>;
  /** Atomically replaces `to` with `from` (POSIX rename). */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file if it exists. */
  remove(path: string): Promise<void>;
  /** fsync on the directory itself: makes its entries (a create, a rename) durable. */
  syncDirectory(path: string): Promise<void>;
  /**
   * Blocks the thread until `bytes` are durable in a new file at `path`: written to `path.tmp`,
   * fsynced, renamed into place, the directory fsynced. For the one write that must be on disk
   * before the caller's next statement (FileDurableLog.stageSnapshot); everything else is async.
   */
  writeFileDurablySync(path: string, bytes: Uint8Array): void;
}

export const nodeFileOps: FileOps = {
  async readFile(path) {
    return ifExists(() => fs.readFile(path));
  },
  async readDirectory(path) {
    return ifExists(() => fs.readdir(path));
  },
  async makeDirectory(path) {
    await fs.mkdir(path, { recursive: true });
  },
  async openAppend(path) {
    return writable(await fs.open(path, 'a'));
  },
  async createFile(path) {
    return writable(await fs.open(path, 'w'));
  },
  async rename(from, to) {
    await fs.rename(from, to);
  },
  async remove(path) {
    await fs.rm(path, { force: true });
  },
  async syncDirectory(path) {
    // Linux and macOS allow fsync on a read-only directory descriptor; Windows cannot open
    // a directory this way (and has no such directory durability to ask for).
    const dir = await fs.open(path, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  },
  writeFileDurablySync(path, bytes) {
    const temporary = `${path}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
    const dir = openSync(dirname(path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  },
};

/**
 * Writes up to this size go to the page cache synchronously, on the calling thread: tens of
 * microseconds, where an asynchronous write costs a thread-pool round trip before the fsync
 * can start (measured: write + fsync of 2 KB took 0.25-0.70 ms synchronously, 0.41-1.0 ms
 * asynchronously). A group commit's batch is a few KB; a compaction's rewrite can be
 * megabytes and stays asynchronous, so it never stalls the event loop.
 */
const SYNCHRONOUS_WRITE_MAX_BYTES = 256 * 1024;

function writable(handle: fs.FileHandle): WritableFile {
  return {
    async write(bytes) {
      let done = 0;
      while (done < bytes.length) {
        const bytesWritten = bytes.length <= SYNCHRONOUS_WRITE_MAX_BYTES
          ? writeSync(handle.fd, bytes, done, bytes.length - done)
          : (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
        done += bytesWritten;
      }
    },
    sync: () => handle.sync(),
    truncate: (length) => handle.truncate(length),
    close: () => handle.close(),
  };
}

async function ifExists<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
