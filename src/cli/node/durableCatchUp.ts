/**
 * After a crash, a traced node's data directory may be BEHIND its trace, never ahead: a
 * step's event is written to the trace part (write-ahead, before anything else) while the
 * step's durable records are written by the next sync, so a SIGKILL in between leaves a
 * promise, an accept, a snapshot or a compaction in the trace that the log lost. No message
 * of that step left (the host sends only after the sync), so the lost records bound nobody;
 * but the spec's NodeRestart keeps the acceptor's, leader's and replica snapshot's state of
 * the last event, and a restarted node whose state is older would not match its own trace.
 *
 * So the restarted node first appends the records that bring its log up to the traced
 * state. Keeping a promise or an accept that the node made but never announced is always
 * safe (the acceptor only ever moves forward). A snapshot needs its bytes, which no trace
 * holds: a traced host stages them (durable at once, FileDurableLog.stageSnapshot) before
 * the trace can name them, so the file is there. The opposite, a log ahead of the trace,
 * means the trace lost events and is refused. So is a staged file whose frame is damaged
 * (its checksum): appending it would make the log name a snapshot no restart can read, in
 * place of the readable one it names now.
 */
import { ballotLess, batchEquals, type Ballot, type PValue } from '../../protocol/values.js';
import { REPLICA_IMAGE_APP } from '../../roles/replicaImage.js';
import { readSnapshotFrame } from '../../statemachines/snapshotFormat.js';
import type { DurableRecord, DurableState } from '../../storage/types.js';
import type { TracedDurable } from '../../trace/format/partFile.js';

export class TraceBehindLogError extends Error {
  override readonly name = 'TraceBehindLogError';
}

const show = (b: Ballot): string => `(${b.num}, ${b.leader})`;
const sameProposal = (a: PValue, b: PValue): boolean => batchEquals(a.prop, b.prop);

/** Where the bytes of a snapshot staged before the crash are (undefined: not on disk). */
export type StagedSnapshots = (slot: number) => Uint8Array | undefined;

/** The records that make `logged` equal to `traced` (empty if they agree); throws if the log is ahead. */
export function recordsToReach(logged: DurableState, traced: TracedDurable, staged: StagedSnapshots = () => undefined): DurableRecord[] {
  const records: DurableRecord[] = [];
  const ahead = (what: string): never => {
    throw new TraceBehindLogError(`the data directory is ahead of the trace part (${what}): the trace lost events, and its part cannot be continued (restore it, or start the node without --trace-dir)`);
  };
  if (ballotLess(traced.aBallot, logged.aBallot)) ahead(`promised ${show(logged.aBallot)}, the trace's last event ${show(traced.aBallot)}`);
  if (ballotLess(logged.aBallot, traced.aBallot)) records.push({ kind: 'promise', ballot: traced.aBallot });
  // The snapshot before the compaction that it allows (the fold refuses them the other way round).
  const loggedSnap = logged.snapshot?.slot ?? 1;
  if (traced.snapSlot < loggedSnap) ahead(`snapshot at slot ${loggedSnap}, the trace's at slot ${traced.snapSlot}`);
  if (loggedSnap < traced.snapSlot) {
    const state = staged(traced.snapSlot);
    if (state === undefined) {
      throw new TraceBehindLogError(`the trace part names a snapshot at slot ${traced.snapSlot} that the data directory lacks (its log names slot ${loggedSnap}, and no staged snapshot file is left): the node cannot restart from it`);
    }
    try {
      readSnapshotFrame(REPLICA_IMAGE_APP, state); // magic, length and checksum: the bytes as staged
    } catch (e) {
      throw new TraceBehindLogError(`the staged snapshot file for slot ${traced.snapSlot}, which the trace part names, is damaged (${(e as Error).message}); the data directory is left as it was: restore the file, or start the node without --trace-dir`);
    }
    records.push({ kind: 'snapshot', slot: traced.snapSlot, state });
  }
  const loggedMark = Math.max(1, logged.compactedBelow);
  if (traced.aMark < loggedMark) ahead(`compacted below slot ${loggedMark}, the trace's mark ${traced.aMark}`);
  if (loggedMark < traced.aMark) records.push({ kind: 'compact', belowSlot: traced.aMark });
  const kept = new Map(logged.aAccepted.map((pv) => [pv.slot, pv]));
  const tracedSlots = new Set<number>();
  for (const pv of traced.aAccepted) {
    // Compacted slots are decided and kept elsewhere: the log no longer holds their pvalues.
    if (pv.slot < loggedMark) continue;
    tracedSlots.add(pv.slot);
    const mine = kept.get(pv.slot);
    if (mine === undefined || ballotLess(mine.ballot, pv.ballot)) records.push({ kind: 'accept', pvalue: pv });
    else if (ballotLess(pv.ballot, mine.ballot)) ahead(`slot ${pv.slot} accepted at ${show(mine.ballot)}, the trace ${show(pv.ballot)}`);
    else if (!sameProposal(mine, pv)) ahead(`slot ${pv.slot} holds another proposal at ${show(pv.ballot)}`);
  }
  // Below the traced mark the compaction record above drops them.
  for (const slot of kept.keys()) if (slot >= traced.aMark && !tracedSlots.has(slot)) ahead(`slot ${slot} accepted in the log, not in the trace`);
  if (ballotLess(traced.lBallot, logged.lBallot)) ahead(`leader ballot ${show(logged.lBallot)}, the trace's ${show(traced.lBallot)}`);
  if (ballotLess(logged.lBallot, traced.lBallot)) records.push({ kind: 'leaderBallot', ballot: traced.lBallot });
  return records;
}
