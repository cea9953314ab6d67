/**
 * Acceptor: remembers the highest ballot it promised and, per slot, the highest-ballot
 * pvalue it accepted. Both are durable: each change is appended through the host as one
 * small record (a promise, an accept), and the host makes it durable before any reply leaves.
 *
 * Checkpoints (issue 11): once its node's replica has a durable snapshot at slot s, the
 * acceptor may drop its pvalues below s (AcceptorCompact, a `compact` record): those slots
 * were executed on this node, hence decided, and the snapshot holds their effect. Its mark
 * (the first slot it keeps) then rides on every Promise, and it ignores Accepts below it.
 */
import type { Accept, Message, Prepare, Promise } from '../protocol/messages.js';
import { splitPromise } from '../protocol/promiseParts.js';
import {
  ballotEquals, batchEquals, ballotLess, copyBallot, copyPValue, type Ballot, type NodeId, type PValue,
} from '../protocol/values.js';
import type { DurableView, NodeSpecState } from '../node/api.js';
import { JournaledMap } from '../node/journaledMap.js';
import type { StateChanges } from '../node/stateChanges.js';
import { Role, type RoleHost } from '../node/role.js';
import { sortedByJson } from './sorted.js';
import { invariant } from '../protocol/assert.js';
import { frozenPValue } from '../storage/fold.js';

/** The acceptor's mark from its durable state: the fold's floor (0 when nothing was compacted) as a first kept slot. */
export function markOf(durable: DurableView): number {
  return Math.max(1, durable.compactedBelow);
}

/** What the acceptor asks of its node's leader as it compacts (Leader implements it). */
export interface LeaderCompaction {
  /** Leave the slots below `mark`: part of the acceptor's AcceptorCompact step, no action of its own. */
  leaveSlotsBelow(mark: number): void;
}

/**
 * Remembers the highest ballot it promised and, per slot, the highest-ballot pvalue it accepted, both
 * durable (spec actions `AcceptorReceivePrepare`, `AcceptorReceiveAccept`). Every node hosts one.
 */
export class Acceptor extends Role {
  readonly name = 'Acceptor' as const;
  readonly handles = ['Prepare', 'Accept'] as const;

  protected ballot: Ballot;
  /** slot -> the one pvalue kept for it (the highest ballot accepted there). Each pvalue is
   * frozen, so a Promise can list them without copying each one. */
  protected readonly accepted = new JournaledMap<number, PValue>();

  constructor(host: RoleHost) {
    super(host);
    const durable = host.durable();
    this.ballot = copyBallot(durable.aBallot);
    for (const [slot, pv] of durable.accepted) this.accepted.set(slot, frozenPValue(pv));
    // What the trace showed before this role existed: the same durable pvalues.
    if (host.tracing) this.accepted.startJournal();
  }

  receive(_from: NodeId, message: Message): void {
    // A snapshot taken since its last step: compact first, so this answer is already bounded.
    this.compactIfDue();
    if (message.type === 'Prepare') this.receivePrepare(message);
    else if (message.type === 'Accept') this.receiveAccept(message);
  }

  /**
   * AcceptorCompact, when enabled (its mark is below its node's durable snapshot slot): drop the
   * pvalues below the snapshot slot and raise the mark to it, durably (a `compact` record; the
   * log refuses one above the latest snapshot, which is the spec's guard). No message. In the
   * same step its node's leader leaves the slots below the mark (its proposals and commanders
   * there go, its mark rises): then no Propose or Decision below every node's mark is ever
   * acted on again, which is what lets a trace checker forget them (docs/design-checkpoints.md).
   * Returns whether it compacted. The node, or
   * the replica right after its ReplicaSnapshot step, may call it; it also runs before every
   * message this acceptor handles.
   */
  compactIfDue(): boolean {
    const mark = this.host.durable().snapshotSlot;
    if (this.mark >= mark) return false;
    // At most the pvalues accepted since the previous compaction: bounded by the compaction itself.
    for (const slot of [...this.accepted.keys()]) if (slot < mark) this.accepted.delete(slot);
    this.host.appendDurable({ kind: 'compact', belowSlot: mark });
    invariant(this.mark === mark, () => `acceptor ${this.host.self} compacted below ${mark} and its mark is ${this.mark}`);
    this.host.findRole<Role & Partial<LeaderCompaction>>('Leader')?.leaveSlotsBelow?.(mark);
    this.host.action('Acceptor', 'AcceptorCompact');
    return true;
  }

  /**
   * AcceptorReceivePrepare: promise the higher ballot; always answer with a Promise, in parts
   * when its JSON is over Limits.maxPromiseBytes (spec "Promise parts"): then every message
   * stays bounded, however many pvalues the acceptor holds.
   */
  receivePrepare(m: Prepare): void {
    const raised = ballotLess(this.ballot, m.ballot);
    if (raised) {
      this.ballot = copyBallot(m.ballot);
      this.persistPromise();
    }
    const mark = this.mark;
    const whole: Promise = {
      type: 'Promise',
      acceptor: this.host.self,
      ballot: m.ballot,
      promised: this.ballot,
      // What it keeps: the pvalues at and above its mark (compaction dropped the rest).
      accepted: this.acceptedList(),
      // Left out when 1: the message, and its trace key, are those of a node without checkpoints.
      ...(mark === 1 ? {} : { mark }),
    };
    for (const part of splitPromise(whole, this.host.limits.maxPromiseBytes)) this.host.send(m.ballot.leader, part);
    this.host.action('Acceptor', 'AcceptorReceivePrepare');
    if (raised) this.hintLeader();
  }

  /** AcceptorReceiveAccept: accept unless a higher ballot was promised; always answer, except
   * below its mark: that slot is decided and compacted (storing it again would undo the
   * compaction), and the stale commander that asks is not needed. No step, no reply. */
  receiveAccept(m: Accept): void {
    if (m.slot < this.mark) return;
    let raised = false;
    if (!ballotLess(m.ballot, this.ballot)) {
      raised = !ballotEquals(m.ballot, this.ballot);
      const replaced = this.accepted.get(m.slot);
      invariant(replaced === undefined || !ballotLess(m.ballot, replaced.ballot),
        () => `acceptor ${this.host.self} would replace ${JSON.stringify(replaced)} by a lower ballot`);
      // Accepting a higher ballot promises it too: that is a record of its own.
      if (raised) {
        this.ballot = copyBallot(m.ballot);
        this.persistPromise();
      }
      // A retransmitted Accept changes nothing: no record (leaders resend until answered).
      if (replaced === undefined || !ballotEquals(replaced.ballot, m.ballot) || !batchEquals(replaced.prop, m.prop)) {
        const pvalue: PValue = { ballot: m.ballot, slot: m.slot, prop: m.prop };
        this.persistAccept(pvalue);
        this.accepted.set(m.slot, this.frozenCopy(pvalue));
      }
    }
    this.host.send(m.ballot.leader, {
      type: 'Accepted',
      acceptor: this.host.self,
      ballot: m.ballot,
      slot: m.slot,
      promised: this.ballot,
    });
    this.host.action('Acceptor', 'AcceptorReceiveAccept');
    if (raised) this.hintLeader();
  }

  snapshot(state: NodeSpecState): void {
    state.aBallot = copyBallot(this.ballot);
    state.aAccepted = sortedByJson([...this.accepted.values()].map(copyPValue));
    state.aMark = this.mark;
  }

  override traceChanges(changes: StateChanges, hosted: boolean): void {
    this.accepted.drain((_slot, before, after) => changes.change('aAccepted', before && copyPValue(before), after && copyPValue(after)));
    if (hosted) {
      changes.scalars.aBallot = this.ballot;
      changes.scalars.aMark = this.mark;
      return;
    }
    // Without an acceptor a node shows its durable pvalues.
    for (const pv of this.accepted.values()) changes.change('aAccepted', copyPValue(pv), undefined);
    for (const pv of this.host.durable().accepted.values()) changes.change('aAccepted', undefined, copyPValue(pv));
  }

  /** The pvalue kept for `slot` (frozen), if any: its node's replica reads it (Replica.slotTakenAtLeader). */
  acceptedFor(slot: number): PValue | undefined {
    return this.accepted.get(slot);
  }

  /** The spec's `aMark`: the first slot it keeps (its pvalues below were compacted away). */
  get mark(): number {
    return markOf(this.host.durable());
  }

  /** The ballot it promised last. */
  get promised(): Ballot {
    return this.ballot;
  }

  /** The accepted pvalues (a set; shared frozen objects, in the order first accepted). */
  protected acceptedList(): PValue[] {
    return [...this.accepted.values()];
  }

  /** Makes the raised promise durable (before the reply that claims it leaves). */
  protected persistPromise(): void {
    const durable = this.host.durable();
    invariant(!ballotLess(this.ballot, durable.aBallot), () => `acceptor ${this.host.self} would lower its promise below ${JSON.stringify(durable.aBallot)}`);
    this.host.appendDurable({ kind: 'promise', ballot: this.ballot });
  }

  /** Makes `pvalue` durable; it is accepted at the promised ballot, which is durable already. */
  protected persistAccept(pvalue: PValue): void {
    const durable = this.host.durable();
    const replaced = durable.accepted.get(pvalue.slot);
    invariant(ballotEquals(pvalue.ballot, durable.aBallot),
      () => `acceptor ${this.host.self} would accept ${JSON.stringify(pvalue.ballot)} with ${JSON.stringify(durable.aBallot)} promised durably`);
    invariant(replaced === undefined || !ballotLess(pvalue.ballot, replaced.ballot),
      () => `acceptor ${this.host.self} would replace the durable ${JSON.stringify(replaced)} by a lower ballot`);
    this.host.appendDurable({ kind: 'accept', pvalue });
  }

  /**
   * A frozen copy of `pvalue`, just persisted: the durable view's own (its fold froze a copy as
   * the record went in: a second copy per Accept was a tenth of this role's time), or a new
   * one where the view holds no such pvalue (an acceptor that persists nothing: a mutant).
   */
  protected frozenCopy(pvalue: PValue): PValue {
    const kept = this.host.durable().accepted.get(pvalue.slot);
    const same = kept !== undefined && ballotEquals(kept.ballot, pvalue.ballot) && batchEquals(kept.prop, pvalue.prop);
    return same && Object.isFrozen(kept) ? kept : frozenPValue(pvalue);
  }

  /** Tell the replica on this node who leads now (not a spec step: a Stutter). */
  protected hintLeader(): void {
    this.host.send(this.host.self, { type: 'Accepting', leader: this.ballot.leader });
  }
}
