/**
 * What a restarted traced node does before its Member starts: continue its part (or refuse a
 * part that cannot be continued), and bring its data directory up to its trace.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordsToReach, TraceBehindLogError } from '../../src/cli/node/durableCatchUp.js';
import { openNodeTrace, TraceSetupError, type NodeTraceOptions } from '../../src/cli/node/nodeTrace.js';
import type { DurableState } from '../../src/storage/types.js';
import { REPLICA_IMAGE_APP } from '../../src/roles/replicaImage.js';
import { writeSnapshotFrame } from '../../src/statemachines/snapshotFormat.js';

const pv = (slot: number, num: number, input = `cmd${slot}`) => ({ ballot: { num, leader: 1 }, slot, prop: { caller: 2, clientId: slot, input } });
const logged = (over: Partial<DurableState> = {}): DurableState => ({ aBallot: { num: 1, leader: 1 }, aAccepted: [pv(1, 1)], lBallot: { num: 0, leader: 3 }, compactedBelow: 0, ...over });

describe('recordsToReach', () => {
  it('gives nothing when the log holds what the trace says', () => {
    expect(recordsToReach(logged(), { aBallot: { num: 1, leader: 1 }, aAccepted: [pv(1, 1)], lBallot: { num: 0, leader: 3 }, aMark: 1, snapSlot: 1 })).toEqual([]);
  });

  it('appends the promise, the accepts and the leader ballot the crash took from the log, promise first', () => {
    const traced = { aBallot: { num: 2, leader: 1 }, aAccepted: [pv(1, 2), pv(2, 2)], lBallot: { num: 1, leader: 3 }, aMark: 1, snapSlot: 1 };
    expect(recordsToReach(logged(), traced)).toEqual([
      { kind: 'promise', ballot: { num: 2, leader: 1 } },
      { kind: 'accept', pvalue: pv(1, 2) },
      { kind: 'accept', pvalue: pv(2, 2) },
      { kind: 'leaderBallot', ballot: { num: 1, leader: 3 } },
    ]);
  });

  it('refuses a log ahead of the trace: a higher promise, a pvalue the trace lacks, another proposal at one ballot, a pvalue at a higher ballot', () => {
    const traced = { aBallot: { num: 1, leader: 1 }, aAccepted: [pv(1, 1)], lBallot: { num: 0, leader: 3 }, aMark: 1, snapSlot: 1 };
    expect(() => recordsToReach(logged({ aBallot: { num: 5, leader: 1 } }), traced)).toThrow(TraceBehindLogError);
    expect(() => recordsToReach(logged({ aAccepted: [pv(1, 1), pv(2, 1)] }), traced)).toThrow(/slot 2 accepted in the log, not in the trace/);
    expect(() => recordsToReach(logged({ aAccepted: [pv(1, 1, 'other')] }), traced)).toThrow(/slot 1 holds another proposal/);
    expect(() => recordsToReach(logged({ aAccepted: [pv(1, 2)] }), traced)).toThrow(/slot 1 accepted at \(2, 1\), the trace \(1, 1\)/);
    expect(() => recordsToReach(logged({ lBallot: { num: 4, leader: 3 } }), traced)).toThrow(/leader ballot/);
  });

  it('leaves compacted slots alone', () => {
    const traced = { aBallot: { num: 1, leader: 1 }, aAccepted: [pv(5, 1)], lBallot: { num: 0, leader: 3 }, aMark: 3, snapSlot: 3 };
    const snapshot = { slot: 3, state: new Uint8Array([3]) };
    expect(recordsToReach(logged({ aAccepted: [], compactedBelow: 3, snapshot }), traced)).toEqual([{ kind: 'accept', pvalue: pv(5, 1) }]);
  });

  // A SIGKILL after a checkpoint's trace lines were written and before its records were
  // (chaos CI, issue 11): the log still names the previous snapshot and keeps the pvalues below the new mark.
  const checkpointed = { aBallot: { num: 1, leader: 1 }, aAccepted: [pv(7, 1)], lBallot: { num: 0, leader: 3 }, aMark: 6, snapSlot: 6 };
  const beforeCheckpoint = logged({ aAccepted: [pv(3, 1), pv(4, 1), pv(5, 1), pv(7, 1)], compactedBelow: 3, snapshot: { slot: 3, state: new Uint8Array([3]) } });

  // A staged file as a traced host writes it: a replica image's frame (body unread here).
  const staged = writeSnapshotFrame(REPLICA_IMAGE_APP, new Uint8Array([6, 6]));

  it('appends a checkpoint the crash took from the log: the staged snapshot, then the compaction', () => {
    expect(recordsToReach(beforeCheckpoint, checkpointed, (slot) => (slot === 6 ? staged : undefined))).toEqual([
      { kind: 'snapshot', slot: 6, state: staged },
      { kind: 'compact', belowSlot: 6 },
    ]);
  });

  it('refuses a traced snapshot whose bytes are not on disk, and a log whose checkpoint is ahead of the trace', () => {
    expect(() => recordsToReach(beforeCheckpoint, checkpointed)).toThrow(/names a snapshot at slot 6 that the data directory lacks/);
    const traced = { ...checkpointed, aAccepted: [pv(3, 1), pv(4, 1), pv(5, 1), pv(7, 1)], aMark: 3, snapSlot: 3 };
    const later = logged({ aAccepted: [pv(7, 1)], compactedBelow: 6, snapshot: { slot: 6, state: new Uint8Array([6]) } });
    expect(() => recordsToReach(later, traced)).toThrow(/snapshot at slot 6, the trace's at slot 3/);
    expect(() => recordsToReach(logged({ ...later, snapshot: { slot: 3, state: new Uint8Array([3]) } }), traced)).toThrow(/compacted below slot 6, the trace's mark 3/);
  });

  it('refuses a staged snapshot file damaged on disk, and appends nothing of the checkpoint', () => {
    const flipped = staged.slice();
    flipped[flipped.length - 6]! ^= 0x10; // one bit of the body
    expect(() => recordsToReach(beforeCheckpoint, checkpointed, () => flipped)).toThrow(/staged snapshot file for slot 6, which the trace part names, is damaged \(cannot restore replica snapshot: checksum mismatch/);
    expect(() => recordsToReach(beforeCheckpoint, checkpointed, () => staged.subarray(0, 12))).toThrow(/is damaged \(cannot restore replica snapshot: truncated/);
    expect(() => recordsToReach(beforeCheckpoint, checkpointed, () => new Uint8Array([6, 6]))).toThrow(/is damaged \(cannot restore replica snapshot: truncated: 2 bytes/);
  });
});

describe('openNodeTrace', () => {
  const options = (dir: string, over: Partial<NodeTraceOptions> = {}): NodeTraceOptions =>
    ({ dir, runId: 'run', node: 2, nodes: 3, window: 5, app: 'bank', fresh: true, ...over });
  const event = (seq: number, clock: number) => ({
    node: 2, seq, clock, role: 'Node', action: 'Stutter', params: {}, sent: [],
    state: { aBallot: { num: 0, leader: 0 }, aAccepted: [], lBallot: { num: 0, leader: 2 }, lActive: false, lProposals: [], scout: null, commanders: [], rSlotIn: 1, rSlotOut: 1, rRequests: [], rProposals: [], rDecisions: [], rExecuted: [], invoked: [], aMark: 1, lMark: 1, rSnap: { slot: 1, executed: [] } },
  });

  it('a new node starts a part; its restart continues it after a crash line, numbering on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nodetrace-'));
    const first = openNodeTrace(options(dir));
    first.file.emit(event(1, 3));
    first.file.emit(event(2, 7));
    // The host writes them before the node acts on them (it sends or syncs): see Member traceFlush.
    first.file.flush();
    first.file.emit(event(3, 9)); // never acted on: still buffered when the process dies
    // SIGKILL: no end line, and a line cut mid-write.
    writeFileSync(first.path, readFileSync(first.path, 'utf8') + '{"node":2,"seq":3,');
    const again = openNodeTrace(options(dir, { fresh: false }));
    expect(again.resume).toEqual({ traceSeq: 2, clock: 7 });
    expect(again.crashRecorded).toBe(true);
    expect(again.traced).toEqual({ aBallot: { num: 0, leader: 0 }, aAccepted: [], lBallot: { num: 0, leader: 2 }, aMark: 1, snapSlot: 1 });
    again.file.close();
    const lines = readFileSync(first.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind?: string; seq?: number });
    expect(lines.at(-1)).toMatchObject({ kind: 'crash', seq: 2 });
  });

  it('refuses to start a new node over a part with events, and a restarted node without its part', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nodetrace-'));
    const first = openNodeTrace(options(dir));
    first.file.emit(event(1, 1));
    first.file.close();
    expect(() => openNodeTrace(options(dir))).toThrow(TraceSetupError);
    expect(() => openNodeTrace(options(dir))).toThrow(/already holds 1 events of node 2/);
    expect(() => openNodeTrace(options(mkdtempSync(join(tmpdir(), 'nodetrace-')), { fresh: false }))).toThrow(/a trace must start when the node does/);
    // Killed before its part had a header, with nothing in its log yet: a new part describes it.
    const empty = openNodeTrace(options(mkdtempSync(join(tmpdir(), 'nodetrace-')), { fresh: false, durableEmpty: true }));
    expect(empty.resume).toBeUndefined();
    empty.file.close();
  });

  it('refuses a part written for another run, cluster size or app', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nodetrace-'));
    openNodeTrace(options(dir)).file.close();
    expect(() => openNodeTrace(options(dir, { fresh: false, nodes: 5 }))).toThrow(/was written for spec constants/);
    expect(() => openNodeTrace(options(dir, { fresh: false, app: 'kv' }))).toThrow(/was written for app "bank"/);
  });
});
