/**
 * What the roles of a node report at each trace event for its compact delta (Role.traceChanges):
 * the current value of each scalar spec variable (cheap to read), and the elements of spec sets
 * that changed since the previous event. The node turns it into the event's `delta`, in the
 * same form and order DeltaEncoder writes when it diffs whole states.
 */
import { copyBallot, type Ballot, type Proposal } from '../protocol/values.js';
import { SET_KEY } from '../trace/format/deltaEncoder.js';
import { SET_FIELDS, type HistoryLength, type StateDelta } from '../trace/format/types.js';
import type { NodeSpecState } from './api.js';
import { ballotKey as canonicalBallotKey } from '../trace/format/keys.js';
import { invariant } from '../protocol/assert.js';

export type SetField = (typeof SET_FIELDS)[number];
type ScoutState = NodeSpecState['scout'];

/** The scalars compared at every event (the scout is reported only when it may have changed). */
export interface Scalars {
  aBallot: Ballot;
  lBallot: Ballot;
  lActive: boolean;
  rSlotIn: number;
  rSlotOut: number;
  aMark: number;
  lMark: number;
  /** The replica snapshot's slot and the length of its executed history (rSnap.executed is
   * that prefix of rExecuted, so the delta carries only the length). */
  rSnapSlot: number;
  rSnapLength: number;
}

/** The checkpoint scalars before any checkpoint: what a node without them reports. */
export const NO_CHECKPOINT = { aMark: 1, lMark: 1, rSnapSlot: 1, rSnapLength: 0 } as const;

/** rExecuted's change since the previous event: appended to; replaced by something its previous
 * value is not a prefix of; or cut to its first `truncate` entries (a restart restoring the
 * replica's snapshot, whose history is a prefix of what the replica had executed). */
export type ExecutedChange = { append: Proposal[] } | { reset: Proposal[] } | { truncate: number }
  /** A Welcome installed by a replica keeping no history (its length), then what it executed. */
  | { reset: HistoryLength; append?: Proposal[] };

/**
 * A history by length in a whole state (Node.traceState): the first `length` requests of what
 * the node had at its previous event. Typed as the list it stands for: only the trace writer's
 * diff reads it (deltaEncoder.ts), and it never reaches a file.
 */
export const historyByLength = (length: number): Proposal[] => ({ historyLength: length }) as unknown as Proposal[];

export class StateChanges {
  readonly scalars: Scalars;
  /** Undefined: no scout was touched since the previous event (its value is unchanged). */
  scout: ScoutState | undefined = undefined;
  /** rExecuted's change (see ExecutedChange); undefined: unchanged. */
  executed: ExecutedChange | undefined = undefined;
  /** Per set field: canonical key -> element added, or removed, since the previous event. */
  private readonly added = new Map<SetField, Map<string, object>>();
  private readonly removed = new Map<SetField, Map<string, object>>();

  /** `defaults`: the scalars of a node hosting no role; the checkpoint ones default to NO_CHECKPOINT. */
  constructor(defaults: Omit<Scalars, keyof typeof NO_CHECKPOINT> & Partial<Scalars>) {
    this.scalars = { ...NO_CHECKPOINT, ...defaults };
  }

  /**
   * An element of `field` went from `before` to `after` (undefined: absent) since the previous
   * event. Equal elements are no change; an element removed by one role and added by another
   * cancels out, as it does in a diff of whole sets.
   */
  change(field: SetField, before: object | undefined, after: object | undefined): void {
    const key = SET_KEY[field];
    const beforeKey = before === undefined ? undefined : key(before as never);
    const afterKey = after === undefined ? undefined : key(after as never);
    if (beforeKey === afterKey) return;
    if (beforeKey !== undefined) this.move(this.added, this.removed, field, beforeKey, before!);
    if (afterKey !== undefined) this.move(this.removed, this.added, field, afterKey, after!);
  }

  /** Appends `items` to what rExecuted gained (after an append; a reset already holds them). */
  appendExecuted(items: Proposal[]): void {
    if (items.length === 0) return;
    const ex = this.executed as { append?: Proposal[]; reset?: Proposal[] | HistoryLength; truncate?: number } | undefined;
    if (ex === undefined) this.executed = { append: items };
    else if (ex.truncate !== undefined) invariant(false, () => `rExecuted cut to ${ex.truncate} entries and appended to in one step`);
    else if (ex.append !== undefined) ex.append.push(...items);
    else if (Array.isArray(ex.reset)) ex.reset.push(...items);
    else this.executed = { reset: ex.reset!, append: items }; // a reset by length, then this step's executions
  }

  /** rExecuted was cut to its first `length` entries (a restart restoring its snapshot). */
  truncateExecuted(length: number): void {
    invariant(this.executed === undefined, () => `rExecuted cut to ${length} entries after another change in the same step`);
    this.executed = { truncate: length };
  }

  /**
   * The delta against the scalars (as canonical texts) and scout JSON of the previous event,
   * which `last` is then updated to. Set elements in JSON-text order, as in a whole state.
   */
  toDelta(last: LastScalars): StateDelta {
    const delta: StateDelta = {};
    const s = this.scalars;
    const aBallot = canonicalBallotKey(s.aBallot);
    if (aBallot !== last.aBallot) { delta.aBallot = copyBallot(s.aBallot); last.aBallot = aBallot; }
    const lBallot = canonicalBallotKey(s.lBallot);
    if (lBallot !== last.lBallot) { delta.lBallot = copyBallot(s.lBallot); last.lBallot = lBallot; }
    if (s.lActive !== last.lActive) { delta.lActive = s.lActive; last.lActive = s.lActive; }
    if (this.scout !== undefined) {
      const scout = JSON.stringify(this.scout);
      if (scout !== last.scout) { delta.scout = this.scout as StateDelta['scout']; last.scout = scout; } // a batch is typed Proposal in the trace's types
    }
    if (s.rSlotIn !== last.rSlotIn) { delta.rSlotIn = s.rSlotIn; last.rSlotIn = s.rSlotIn; }
    if (s.rSlotOut !== last.rSlotOut) { delta.rSlotOut = s.rSlotOut; last.rSlotOut = s.rSlotOut; }
    const d = delta as Record<string, unknown>;
    // Written only when changed, so a run that takes no checkpoint writes the deltas it always did.
    if (s.aMark !== last.aMark) { d.aMark = s.aMark; last.aMark = s.aMark; }
    if (s.lMark !== last.lMark) { d.lMark = s.lMark; last.lMark = s.lMark; }
    if (s.rSnapSlot !== last.rSnapSlot || s.rSnapLength !== last.rSnapLength) {
      d.rSnap = { slot: s.rSnapSlot, executedLength: s.rSnapLength };
      last.rSnapSlot = s.rSnapSlot;
      last.rSnapLength = s.rSnapLength;
    }
    for (const f of SET_FIELDS) {
      const add = sortedByText(this.added.get(f));
      const remove = sortedByText(this.removed.get(f));
      if (add.length > 0 || remove.length > 0) d[f] = { ...(add.length > 0 ? { add } : {}), ...(remove.length > 0 ? { remove } : {}) };
    }
    if (this.executed !== undefined) d.rExecuted = this.executed;
    return delta;
  }

  private move(from: Map<SetField, Map<string, object>>, to: Map<SetField, Map<string, object>>, field: SetField, key: string, item: object): void {
    if (from.get(field)?.delete(key) === true) return;
    let items = to.get(field);
    if (items === undefined) { items = new Map(); to.set(field, items); }
    items.set(key, item);
  }
}

/** The scalars of a node's previous event, as compared: ballots as canonical texts, the scout as JSON. */
export interface LastScalars {
  aBallot: string;
  lBallot: string;
  lActive: boolean;
  scout: string;
  rSlotIn: number;
  rSlotOut: number;
  aMark: number;
  lMark: number;
  rSnapSlot: number;
  rSnapLength: number;
}

export function lastScalarsOf(state: NodeSpecState): LastScalars {
  return {
    aBallot: canonicalBallotKey(state.aBallot), lBallot: canonicalBallotKey(state.lBallot), lActive: state.lActive,
    scout: JSON.stringify(state.scout), rSlotIn: state.rSlotIn, rSlotOut: state.rSlotOut,
    ...checkpointScalarsOf(state),
  };
}

/** A state's checkpoint scalars. A node state whose builder does not fill them yet (the node's
 * defaults, a test's role set) reads as one without checkpoints, which is what it is. */
function checkpointScalarsOf(state: Partial<Pick<NodeSpecState, 'aMark' | 'lMark' | 'rSnap'>>): Pick<LastScalars, 'aMark' | 'lMark' | 'rSnapSlot' | 'rSnapLength'> {
  return {
    aMark: state.aMark ?? NO_CHECKPOINT.aMark,
    lMark: state.lMark ?? NO_CHECKPOINT.lMark,
    rSnapSlot: state.rSnap?.slot ?? NO_CHECKPOINT.rSnapSlot,
    rSnapLength: state.rSnap?.executed.length ?? NO_CHECKPOINT.rSnapLength,
  };
}

/** Spec sets appear in traces sorted by their elements' JSON text (see sortedByJson). */
function sortedByText(items: Map<string, object> | undefined): object[] {
  if (items === undefined || items.size === 0) return [];
  const keyed = [...items.values()].map((item) => [JSON.stringify(item), item] as const);
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return keyed.map(([, item]) => item);
}
