/**
 * Shared by the storage tests: temporary data directories, record generators, and FileOps
 * wrappers that count fsyncs, record the order of operations, or crash at a chosen step.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { maxBallot, type Ballot, type PValue } from '../../src/protocol/values.js';
import { DurableFold, emptyDurableState } from '../../src/storage/fold.js';
import { nodeFileOps, type FileOps, type WritableFile } from '../../src/storage/fileOps.js';
import { encodeFrame } from '../../src/storage/frame.js';
import { encodeRecord } from '../../src/storage/record.js';
import { snapshotFileName } from '../../src/storage/fileLog.js';
import type { SnapshotFile } from '../../src/storage/recovery.js';
import type { DurableRecord, DurableState } from '../../src/storage/types.js';

export const NODE = 1;

/** A fresh directory under os.tmpdir(); `cleanup` removes every one made so far. */
export function tempDirs(): { make(): Promise<string>; cleanup(): Promise<void> } {
  const made: string[] = [];
  return {
    async make() {
      const dir = await mkdtemp(join(tmpdir(), 'paxos-storage-'));
      made.push(dir);
      return dir;
    },
    async cleanup() {
      await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

export const ballot = (num: number, leader: number): Ballot => ({ num, leader });
export const promise = (num: number, leader = 1): DurableRecord => ({ kind: 'promise', ballot: ballot(num, leader) });
export const leaderBallot = (num: number, leader = NODE): DurableRecord => ({ kind: 'leaderBallot', ballot: ballot(num, leader) });
export const compact = (belowSlot: number): DurableRecord => ({ kind: 'compact', belowSlot });
/** A replica snapshot at `slot` whose bytes say which slot they are for. */
export const snapshot = (slot: number, bytes = 3): DurableRecord => ({ kind: 'snapshot', slot, state: new Uint8Array(bytes).fill(slot % 256) });
export function pvalue(slot: number, num: number, input = `cmd-${slot}-${num}`, leader = 1): PValue {
  return { ballot: ballot(num, leader), slot, prop: { caller: leader, clientId: slot, input } };
}
export function accept(slot: number, num: number, input?: string, leader?: number): DurableRecord {
  return { kind: 'accept', pvalue: pvalue(slot, num, input, leader) };
}

/** Records of every kind, small ranges so that records often supersede one another. */
const ballotArb = fc.record({ num: fc.integer({ min: 0, max: 12 }), leader: fc.integer({ min: 0, max: 3 }) });
const recordArb: fc.Arbitrary<DurableRecord> = fc.oneof(
  { weight: 2, arbitrary: ballotArb.map((b): DurableRecord => ({ kind: 'promise', ballot: b })) },
  {
    weight: 4,
    arbitrary: fc.record({
      ballot: ballotArb,
      slot: fc.integer({ min: 0, max: 8 }),
      prop: fc.record({ caller: fc.integer({ min: 0, max: 3 }), clientId: fc.nat(1000), input: fc.string({ unit: 'binary', maxLength: 12 }) }),
    }).map((pvalue): DurableRecord => ({ kind: 'accept', pvalue })),
  },
  { weight: 1, arbitrary: ballotArb.map((b): DurableRecord => ({ kind: 'leaderBallot', ballot: b })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 4 }).map((belowSlot): DurableRecord => ({ kind: 'compact', belowSlot })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3000 }).map((below): DurableRecord => ({ kind: 'clientIds', below })) },
  {
    weight: 1,
    arbitrary: fc.record({ slot: fc.integer({ min: 2, max: 6 }), state: fc.uint8Array({ maxLength: 24 }) })
      .map(({ slot, state }): DurableRecord => ({ kind: 'snapshot', slot, state })),
  },
);

/** Sequences an acceptor and leader could have written: random records, each raised just
 * enough to respect the fold's rules after the ones before it (so none is dropped). */
export function validRecordsArb(maxLength = 30): fc.Arbitrary<DurableRecord[]> {
  return fc.array(recordArb, { maxLength, size: 'max' }).map(makeValid);
}

export function makeValid(records: readonly DurableRecord[]): DurableRecord[] {
  const fold = new DurableFold(emptyDurableState(NODE));
  return records.map((raw) => {
    const state = fold.state();
    const record = raised(raw, state);
    fold.apply(record);
    return record;
  });
}

function raised(record: DurableRecord, state: DurableState): DurableRecord {
  switch (record.kind) {
    case 'promise':
      return { kind: 'promise', ballot: maxBallot(record.ballot, state.aBallot) };
    case 'leaderBallot':
      return { kind: 'leaderBallot', ballot: maxBallot(record.ballot, state.lBallot) };
    case 'compact':
      // Never above the latest snapshot (the floor is never above it either).
      return { kind: 'compact', belowSlot: Math.max(state.compactedBelow, Math.min(record.belowSlot, state.snapshot?.slot ?? 1)) };
    case 'snapshot':
      return { kind: 'snapshot', slot: Math.max(record.slot, (state.snapshot?.slot ?? 1) + 1), state: record.state };
    case 'clientIds':
      return { kind: 'clientIds', below: Math.max(record.below, state.clientIdsBelow ?? 0) };
    case 'accept': {
      const slot = Math.max(record.pvalue.slot, state.compactedBelow);
      const kept = state.aAccepted.find((pv) => pv.slot === slot);
      const ballot = kept === undefined ? record.pvalue.ballot : maxBallot(record.pvalue.ballot, kept.ballot);
      return { kind: 'accept', pvalue: { ...record.pvalue, slot, ballot } };
    }
  }
}

/** The snapshot files a log of `records` may have beside it (every one written; recovery reads the latest). */
export function snapshotFilesOf(records: readonly DurableRecord[], dir = '/data'): Map<number, SnapshotFile> {
  const files = new Map<number, SnapshotFile>();
  for (const r of records) if (r.kind === 'snapshot') files.set(r.slot, { path: `${dir}/${snapshotFileName(r.slot)}`, bytes: r.state });
  return files;
}

/** The log file bytes for `records`, and where each record's frame starts (plus the end). */
export function logBytesOf(records: readonly DurableRecord[]): { bytes: Buffer; starts: number[] } {
  const frames = records.map((record) => encodeFrame(encodeRecord(record)));
  const starts = [0];
  for (const frame of frames) starts.push(starts[starts.length - 1]! + frame.length);
  return { bytes: Buffer.concat(frames), starts };
}

/**
 * The real FileOps, instrumented: every operation is named in `calls` (with the file's base
 * name), fsyncs of files are counted, `durableBytes` is what the last completed fsync of the
 * log covered, and `crashAt(n)` makes the n-th operation from now throw instead of running.
 * `closeAll` closes the files a simulated crash left open.
 */
export class InstrumentedOps implements FileOps {
  readonly calls: string[] = [];
  fileSyncs = 0;
  writtenBytes = 0;
  durableBytes = 0;
  private countdown: number | undefined;
  private readonly open = new Set<WritableFile>();
  failSyncs = false;

  constructor(private readonly inner: FileOps = nodeFileOps) {}

  /** The `operations`-th operation from now (0: the next one) throws a simulated crash. */
  crashAt(operations: number): void {
    this.countdown = operations;
  }

  async closeAll(): Promise<void> {
    for (const file of this.open) await file.close().catch(() => undefined);
    this.open.clear();
  }

  private step(name: string): void {
    if (this.countdown !== undefined) {
      if (this.countdown === 0) {
        this.countdown = undefined;
        throw new Error(`simulated crash before ${name}`);
      }
      this.countdown--;
    }
    this.calls.push(name);
  }

  private wrap(file: WritableFile, name: string): WritableFile {
    this.open.add(file);
    return {
      write: async (bytes) => {
        this.step(`write ${name}`);
        await file.write(bytes);
        this.writtenBytes += bytes.length;
      },
      sync: async () => {
        this.step(`sync ${name}`);
        if (this.failSyncs) throw new Error('EIO (simulated)');
        const covered = this.writtenBytes;
        await file.sync();
        this.fileSyncs++;
        this.durableBytes = covered;
      },
      truncate: async (length) => {
        this.step(`truncate ${name}`);
        await file.truncate(length);
      },
      close: async () => {
        this.step(`close ${name}`);
        this.open.delete(file);
        await file.close();
      },
    };
  }

  async readFile(path: string) { this.step(`readFile ${base(path)}`); return this.inner.readFile(path); }
  async readDirectory(path: string) { this.step('readDirectory'); return this.inner.readDirectory(path); }
  async makeDirectory(path: string) { this.step('makeDirectory'); return this.inner.makeDirectory(path); }
  async openAppend(path: string) { this.step(`openAppend ${base(path)}`); return this.wrap(await this.inner.openAppend(path), base(path)); }
  async createFile(path: string) { this.step(`createFile ${base(path)}`); return this.wrap(await this.inner.createFile(path), base(path)); }
  async rename(from: string, to: string) { this.step(`rename ${base(from)} ${base(to)}`); return this.inner.rename(from, to); }
  async remove(path: string) { this.step(`remove ${base(path)}`); return this.inner.remove(path); }
  async syncDirectory(path: string) { this.step('syncDirectory'); return this.inner.syncDirectory(path); }
  writeFileDurablySync(path: string, bytes: Uint8Array) { this.step(`writeFileDurablySync ${base(path)}`); this.inner.writeFileDurablySync(path, bytes); }
}

function base(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
