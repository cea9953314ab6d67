/**
 * The meaning of the records: how a sequence of them folds into a DurableState. Recovery,
 * compaction and both DurableLog implementations use this one definition.
 *
 * The rules are the spec's AcceptorMonotonicity (a promise never goes down; a pvalue is only
 * replaced by one with a higher ballot) plus the same for the leader's ballot and the
 * compaction floor. They are assertions: a record that breaks one is a bug in the writer.
 */
import { invariant } from '../protocol/assert.js';
import { BOTTOM_BALLOT, ballotLess, copyBatch, firstBallot, isLongBatch, type Ballot, type Batch, type NodeId, type PValue } from '../protocol/values.js';
import type { DurableRecord, DurableSnapshot, DurableState, DurableView } from './types.js';

/** A node's durable state before its first record: the same defaults as src/node/node.ts. */
export function emptyDurableState(nodeId: NodeId): DurableState {
  return { aBallot: BOTTOM_BALLOT, aAccepted: [], lBallot: firstBallot(nodeId), compactedBelow: 0 };
}

/**
 * A mutable fold: O(1) per record, for recovery, for the logs' live state and for a Node's
 * durable view (it is a DurableView). Records are copied and frozen on the way in, so the
 * caller may reuse its objects.
 */
export class DurableFold implements DurableView {
  private promised: Ballot;
  private leaderBallot: Ballot;
  private floor: number;
  private latestSnapshot: DurableSnapshot | undefined;
  private clientIds: number | undefined;
  private readonly kept = new Map<number, PValue>();
  /** Records applied since construction (0: `state()` is still the starting state). */
  applied = 0;

  constructor(start: DurableState) {
    this.promised = frozenBallot(start.aBallot);
    this.leaderBallot = frozenBallot(start.lBallot);
    this.floor = start.compactedBelow;
    this.latestSnapshot = start.snapshot;
    this.clientIds = start.clientIdsBelow;
    invariant(this.floor <= this.snapshotSlot, () => `a durable state compacted below ${this.floor} with its snapshot at ${this.snapshotSlot}`);
    for (const pv of start.aAccepted) {
      invariant(!this.kept.has(pv.slot), () => `two pvalues for slot ${pv.slot} in a durable state`);
      this.kept.set(pv.slot, frozenPValue(pv));
    }
  }

  get aBallot(): Ballot {
    return this.promised;
  }

  get lBallot(): Ballot {
    return this.leaderBallot;
  }

  get compactedBelow(): number {
    return this.floor;
  }

  get snapshotSlot(): number {
    return this.latestSnapshot?.slot ?? 1;
  }

  get snapshot(): DurableSnapshot | undefined {
    return this.latestSnapshot;
  }

  get accepted(): ReadonlyMap<number, PValue> {
    return this.kept;
  }

  /** Every client id handed out is below this (0: no clientIds record). */
  get clientIdsBelow(): number {
    return this.clientIds ?? 0;
  }

  apply(record: DurableRecord): void {
    this.applyFrozen(freezeRecord(record));
  }

  /** {@link apply} for a record {@link freezeRecord} made: kept as it is, no second copy. */
  applyFrozen(record: FrozenRecord): void {
    switch (record.kind) {
      case 'promise':
        invariant(!ballotLess(record.ballot, this.promised),
          () => `a promise of ${show(record.ballot)} would lower the promised ballot ${show(this.promised)}`);
        this.promised = record.ballot;
        break;
      case 'accept': {
        const { slot, ballot } = record.pvalue;
        const kept = this.kept.get(slot);
        invariant(slot >= this.floor, () => `an accept for slot ${slot} is below the compaction floor ${this.floor}`);
        invariant(kept === undefined || !ballotLess(ballot, kept.ballot),
          () => `an accept at ${show(ballot)} would replace the pvalue of slot ${slot} accepted at ${show(kept!.ballot)}`);
        this.kept.set(slot, record.pvalue);
        break;
      }
      case 'leaderBallot':
        invariant(!ballotLess(record.ballot, this.leaderBallot),
          () => `leader ballot ${show(record.ballot)} would lower ${show(this.leaderBallot)}`);
        this.leaderBallot = record.ballot;
        break;
      case 'compact':
        invariant(record.belowSlot >= this.floor,
          () => `compaction below slot ${record.belowSlot} would lower the floor ${this.floor}`);
        // The acceptor's mark is a promise that the slots below it are held in a snapshot.
        invariant(record.belowSlot <= this.snapshotSlot,
          () => `compaction below slot ${record.belowSlot} is above the latest snapshot's slot ${this.snapshotSlot}`);
        this.floor = record.belowSlot;
        for (const slot of this.kept.keys()) if (slot < record.belowSlot) this.kept.delete(slot);
        break;
      case 'snapshot':
        invariant(record.slot > this.snapshotSlot,
          () => `a snapshot at slot ${record.slot} is not above the latest snapshot's slot ${this.snapshotSlot}`);
        this.latestSnapshot = { slot: record.slot, state: record.state };
        break;
      case 'clientIds':
        invariant(record.below >= this.clientIdsBelow,
          () => `client ids below ${record.below} would lower the bound ${this.clientIdsBelow}`);
        this.clientIds = record.below;
        break;
    }
    this.applied++;
  }

  /** A snapshot; pvalues are frozen and shared, `aAccepted` is sorted by slot. */
  state(): DurableState {
    const aAccepted = [...this.kept.values()].sort((a, b) => a.slot - b.slot);
    return {
      aBallot: this.promised, aAccepted, lBallot: this.leaderBallot, compactedBelow: this.floor,
      ...(this.latestSnapshot === undefined ? {} : { snapshot: this.latestSnapshot }),
      ...(this.clientIds === undefined ? {} : { clientIdsBelow: this.clientIds }),
    };
  }
}

/** The pure form of one step, as the rules are stated: O(state), for tests and readers. */
export function applyRecord(state: DurableState, record: DurableRecord): DurableState {
  const fold = new DurableFold(state);
  fold.apply(record);
  return fold.state();
}

export function foldRecords(start: DurableState, records: readonly DurableRecord[]): DurableState {
  const fold = new DurableFold(start);
  for (const record of records) fold.apply(record);
  return fold.state();
}

/** The records that rebuild `state` from `emptyDurableState`: what compaction writes. */
export function recordsOf(state: DurableState): DurableRecord[] {
  return [
    // The snapshot first: the compaction floor may not pass it.
    ...(state.snapshot === undefined ? [] : [{ kind: 'snapshot', slot: state.snapshot.slot, state: state.snapshot.state } as const]),
    { kind: 'compact', belowSlot: state.compactedBelow },
    ...state.aAccepted.map((pvalue): DurableRecord => ({ kind: 'accept', pvalue })),
    { kind: 'promise', ballot: state.aBallot },
    { kind: 'leaderBallot', ballot: state.lBallot },
    ...(state.clientIdsBelow === undefined ? [] : [{ kind: 'clientIds', below: state.clientIdsBelow } as const]),
  ];
}

declare const FROZEN: unique symbol;
/** A record that {@link freezeRecord} copied and froze: nobody can change it, so it may be shared. */
export type FrozenRecord = DurableRecord & { readonly [FROZEN]: true };

/** A frozen copy of `record` with exactly its record fields (what a log file would keep). */
export function freezeRecord(record: DurableRecord): FrozenRecord {
  switch (record.kind) {
    case 'promise':
    case 'leaderBallot':
      return Object.freeze({ kind: record.kind, ballot: frozenBallot(record.ballot) }) as FrozenRecord;
    case 'accept':
      return Object.freeze({ kind: 'accept', pvalue: frozenPValue(record.pvalue) }) as FrozenRecord;
    case 'compact':
      return Object.freeze({ kind: 'compact', belowSlot: record.belowSlot }) as FrozenRecord;
    case 'clientIds':
      return Object.freeze({ kind: 'clientIds', below: record.below }) as FrozenRecord;
    case 'snapshot':
      // A typed array cannot be frozen: the copy (a plain Uint8Array, never a view) is the log's own, which nobody else holds.
      return Object.freeze({ kind: 'snapshot', slot: record.slot, state: new Uint8Array(record.state) }) as FrozenRecord;
  }
}

function frozenBallot(b: Ballot): Ballot {
  return Object.freeze({ num: b.num, leader: b.leader });
}

/** A deep frozen copy of a pvalue (its batch's requests included): safe to share with anyone. */
export function frozenPValue(pv: PValue): PValue {
  return Object.freeze({
    ballot: frozenBallot(pv.ballot),
    slot: pv.slot,
    prop: frozenBatch(pv.prop),
  });
}

function show(b: Ballot): string {
  return `<<${b.num}, ${b.leader}>>`;
}

function frozenBatch(b: Batch): Batch {
  const copy = copyBatch(b);
  if (isLongBatch(copy)) {
    for (const p of copy.batch) Object.freeze(p);
    Object.freeze(copy.batch);
  }
  return Object.freeze(copy);
}
