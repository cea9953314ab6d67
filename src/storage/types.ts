/**
 * The incremental durable-storage interface: the roles append small records instead of
 * handing over their whole durable state on every write.
 *
 * THE HOST CONTRACT (etcd raft's Ready pattern). During one step the roles call
 * `append(records)`; that only buffers them. Before the host sends ANY message produced by
 * that step, it must `await sync()`. A Promise, an Accepted or a Prepare with a new ballot
 * is a claim about durable state ("I will never accept below b", "I accepted v"); if it left
 * before the fsync and the node then lost power, the node would come back having forgotten
 * a promise that another node already counted on, and two values could be chosen for a slot.
 * One `sync()` covers every record appended before the call (group commit), so a host that
 * handles many messages per turn pays one fsync for all of them.
 */
import type { Ballot, PValue } from '../protocol/values.js';

/** One durable change. Each kind changes exactly one part of the state. */
export type DurableRecord =
  /** The acceptor's promised ballot (never lowered). An accept does not raise it: an acceptor
   * whose ballot rises on an Accept appends a promise record first. */
  | { readonly kind: 'promise'; readonly ballot: Ballot }
  /** Replaces the pvalue kept for `pvalue.slot` (never by a lower ballot). */
  | { readonly kind: 'accept'; readonly pvalue: PValue }
  /** The leader's current ballot (never lowered). */
  | { readonly kind: 'leaderBallot'; readonly ballot: Ballot }
  /** The acceptor discards its pvalues below `belowSlot` (their slots are decided and kept
   * in the node's snapshot). The floor never goes down, nothing is accepted below it, and it
   * never passes the latest snapshot's slot: the acceptor's mark promises the snapshot exists. */
  | { readonly kind: 'compact'; readonly belowSlot: number }
  /** The replica's snapshot at `slot` (>= 2, above the previous one's): `state` is opaque bytes
   * the replica builds (application state and duplicate-suppression table after slot - 1).
   * Only the latest is kept. A file log stores the bytes beside the record stream (fileLog.ts). */
  | { readonly kind: 'snapshot'; readonly slot: number; readonly state: Uint8Array }
  /** The Member's client ids (member.ts): every id it hands out is below `below`, written
   * before the id leaves the node, so the next incarnation starts at or above it whatever the
   * wall clock says after a restart. Never lowered. */
  | { readonly kind: 'clientIds'; readonly below: number };

export type DurableRecordKind = DurableRecord['kind'];

/** What the records fold to, and what a Node starts from after a restart: what survives a
 * crash (the acceptor's promise and accepted pvalues, the leader's ballot). */
export interface DurableState {
  readonly aBallot: Ballot;
  /** Sorted by slot, at most one per slot. */
  readonly aAccepted: readonly PValue[];
  readonly lBallot: Ballot;
  /** Every slot below this was compacted away (0: nothing was). */
  readonly compactedBelow: number;
  /** The latest snapshot record's slot and bytes; absent when none was ever written. */
  readonly snapshot?: DurableSnapshot;
  /** Every client id handed out before is below this (the latest clientIds record); absent: none was written. */
  readonly clientIdsBelow?: number;
}

/** A replica snapshot as the log keeps it. The bytes are the log's own copy: read, never change them. */
export interface DurableSnapshot {
  readonly slot: number;
  readonly state: Uint8Array;
}

/** The same state as a live, read-only view of a fold (`DurableFold`), updated in place by
 * every record: what a Node's roles read through `RoleHost.durable()`, in O(1), where a
 * `DurableState` snapshot would copy and sort every pvalue. */
export interface DurableView {
  readonly aBallot: Ballot;
  readonly lBallot: Ballot;
  readonly compactedBelow: number;
  /** The latest snapshot's slot; 1 when there is none (the spec's rSnap.slot of NoSnapshot). */
  readonly snapshotSlot: number;
  /** The latest snapshot, if any. */
  readonly snapshot: DurableSnapshot | undefined;
  /** slot -> the pvalue kept for it (frozen objects). */
  readonly accepted: ReadonlyMap<number, PValue>;
}

/**
 * Where a node's durable state lives: records appended during a step, made durable by `sync()` before
 * the step's messages leave. Implementations: {@link FileDurableLog}, {@link MemoryDurableLog}.
 */
export interface DurableLog {
  /** The fold of every record appended so far and not lost to a crash; `undefined` when no
   * record was ever appended (a brand-new node). Call it at startup, before appending. */
  load(): DurableState | undefined;
  /** Buffers records; they are NOT durable yet. Throws on a record that is malformed, too
   * large for a frame, or would break the fold's rules: a bug in the caller, never an input
   * error (the roles validate what they receive first). */
  append(records: readonly DurableRecord[]): void;
  /** Resolves once every record appended before this call is durable. Concurrent calls share
   * one fsync in flight. Rejects (and every later call rejects) after an I/O error: the host
   * must then stop the node, since it cannot know which of its writes survived. */
  sync(): Promise<void>;
  /** Optional (FileDurableLog has it): makes a snapshot's bytes durable at once, before the
   * record that names it is appended. A traced host calls it when the replica takes the
   * snapshot, because the trace line naming the snapshot may be written before the next sync. */
  stageSnapshot?(snapshot: DurableSnapshot): void;
  /** True while some appended record is not known durable yet. */
  readonly pendingSync: boolean;
  /** Syncs what is pending, then releases the storage; the log is unusable afterwards. */
  close(): Promise<void>;
}
