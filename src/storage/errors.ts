/**
 * Why a data directory cannot be used. Each names the file (and byte offset) so an operator
 * can look at it; none of them is ever answered by resetting the state, since a node that
 * forgets its promises can let two values be chosen for one slot.
 */

/** A file's content is damaged or inconsistent somewhere other than a torn tail. */
export class StorageCorruptError extends Error {
  override readonly name = 'StorageCorruptError';
  constructor(readonly file: string, readonly offset: number | undefined, readonly reason: string) {
    super(`${file}${offset === undefined ? '' : ` at byte offset ${offset}`}: ${reason}; refusing to start (the state is not reset automatically)`);
  }
}

/** The directory holds no node state and the caller did not ask to create a node. */
export class StorageMissingError extends Error {
  override readonly name = 'StorageMissingError';
  constructor(readonly dir: string) {
    super(`no state in ${dir}; pass --new to start a new node`);
  }
}

/** The directory exists but is not this node's: another node id or cluster, another format
 * version, state where a new node was asked for, or foreign files. */
export class StorageRefusedError extends Error {
  override readonly name = 'StorageRefusedError';
  constructor(readonly dir: string, readonly reason: string) {
    super(`refusing data directory ${dir}: ${reason}`);
  }
}

/** A write or fsync failed: which records reached the disk is unknown, so the log refuses
 * all further work and the node must stop (retrying an fsync after a failure can report
 * success for pages the kernel already dropped: PostgreSQL's "fsyncgate", 2018). */
export class StorageFailedError extends Error {
  override readonly name = 'StorageFailedError';
  constructor(readonly file: string, cause: unknown) {
    super(`writing ${file} failed (${cause instanceof Error ? cause.message : String(cause)}); the node must stop and recover from disk`, { cause });
  }
}
