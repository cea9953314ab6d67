/**
 * Scout: runs phase 1 for its leader's ballot. It collects Promises from a quorum of
 * acceptors (and every pvalue they accepted), then reports Adopted to its leader, or
 * Preempted as soon as one acceptor promised a higher ballot. At most one per node.
 */
import type { Message, Promise } from '../protocol/messages.js';
import {
  ballotEquals, ballotKey, conflictingPValueSlot, copyBallot, copyPValue, isQuorum, type Ballot, type NodeId, type PValue,
} from '../protocol/values.js';
import type { NodeSpecState } from '../node/api.js';
import type { StateChanges } from '../node/stateChanges.js';
import { Role, type RoleHost } from '../node/role.js';
import { sortedByJson } from './sorted.js';
import { PromisePartBuffer, promisePartsOf } from '../protocol/promiseParts.js';

export const SCOUT_RETRANSMIT_TIMER = 'Scout.retransmit';

/**
 * Phase 1 for its leader's ballot (spec action `ScoutReceivePromise`): sends Prepare to every acceptor,
 * collects Promises and the pvalues they report, then sends Adopted to its leader on a majority, or
 * Preempted on a higher promise. At most one per node.
 */
export class Scout extends Role {
  readonly name = 'Scout' as const;
  readonly handles = ['Promise'] as const;

  readonly ballot: Ballot;
  protected readonly acks = new Set<NodeId>();
  /** JSON text -> pvalue: a set of pvalues. */
  protected readonly pvalues = new Map<string, PValue>();
  /** The highest mark of the Promises it counted: below it some acceptor of its quorum compacted. */
  protected mark = 1;
  /** The parts of Promises sent in parts, per acceptor, until one is whole (not spec state: msgs holds them). */
  protected readonly heldParts = new PromisePartBuffer((problem) => this.host.log(`scout ${this.host.self}: ${problem}`));

  constructor(host: RoleHost, ballot: Ballot) {
    super(host);
    this.ballot = copyBallot(ballot);
  }

  override routeKey(): string {
    return ballotKey(this.ballot);
  }

  /** Part of LeaderSpawnScout: the leader records the action after this sends Prepare. */
  override start(): void {
    this.host.send(this.host.peers, { type: 'Prepare', ballot: this.ballot });
    this.host.setTimer(SCOUT_RETRANSMIT_TIMER, ballotKey(this.ballot), this.host.timing.prepareRetransmitMs);
  }

  receive(_from: NodeId, message: Message): void {
    if (message.type === 'Promise') this.receivePromise(message);
  }

  /**
   * ScoutReceivePromise: only for a Promise answering this scout's ballot (parts of an older
   * ballot's are dropped here). A yes in parts (spec "Promise parts") counts its acceptor only
   * once every part of it is held: one counted from some of its parts would omit pvalues the
   * ballot must keep. A part that completes nothing is no spec step; a preempting part is one.
   */
  receivePromise(m: Promise): void {
    if (!ballotEquals(m.ballot, this.ballot)) return;
    if (ballotEquals(m.promised, m.ballot)) {
      if (this.acks.has(m.acceptor)) return; // a duplicate yes: no spec step
      const accepted = this.wholePromise(m);
      if (accepted === undefined) return; // parts still missing: no spec step
      // Each message was validated alone; a pvalue contradicting another acceptor's (or another
      // part's) would reach the leader's adoption as two batches for one ballot and slot.
      const conflict = conflictingPValueSlot([...this.pvalues.values(), ...accepted]);
      if (conflict !== undefined) {
        this.host.log(`scout ${this.host.self}: dropped acceptor ${m.acceptor}'s Promise: a pvalue for slot ${conflict} contradicts one of the same ballot already held`);
        return; // not counted: no spec step
      }
      this.acks.add(m.acceptor);
      for (const pv of accepted) this.pvalues.set(JSON.stringify(pv), copyPValue(pv));
      this.mark = Math.max(this.mark, m.mark ?? 1);
      if (this.hasQuorum()) {
        const mark = this.mark;
        this.host.send(this.host.self, { type: 'Adopted', ballot: this.ballot, pvalues: [...this.pvalues.values()], ...(mark === 1 ? {} : { mark }) });
        this.host.removeRole(this);
      }
    } else {
      this.host.send(this.host.self, { type: 'Preempted', leader: this.host.self, ballot: m.promised });
      this.host.removeRole(this);
    }
    this.host.action('Scout', 'ScoutReceivePromise');
  }

  /** The pvalues of m's whole Promise: its own for a Promise sent whole, else once every part is held. */
  protected wholePromise(m: Promise): readonly PValue[] | undefined {
    return promisePartsOf(m) === 1 ? m.accepted : this.heldParts.add(m);
  }

  /** The acceptors that promised are a majority. */
  protected hasQuorum(): boolean {
    return isQuorum(this.acks.size, this.host.peers.length);
  }

  /** Resend Prepare to the acceptors that have not promised yet (a Stutter). */
  override onTimer(name: string, key: string | undefined): void {
    if (name !== SCOUT_RETRANSMIT_TIMER || key !== ballotKey(this.ballot)) return;
    const missing = this.host.peers.filter((p) => !this.acks.has(p));
    this.host.send(missing, { type: 'Prepare', ballot: this.ballot });
    this.host.setTimer(SCOUT_RETRANSMIT_TIMER, key, this.host.timing.prepareRetransmitMs);
  }

  snapshot(state: NodeSpecState): void {
    state.scout = this.scoutState();
  }

  /** The node calls it only for a scout it added, removed or handed a message or timer to. */
  override traceChanges(changes: StateChanges, hosted: boolean): void {
    changes.scout = hosted ? this.scoutState() : null;
  }

  protected scoutState(): NonNullable<NodeSpecState['scout']> {
    return {
      ballot: copyBallot(this.ballot),
      acks: [...this.acks].sort((a, b) => a - b),
      pvalues: sortedByJson([...this.pvalues.values()].map(copyPValue)),
      mark: this.mark,
    };
  }
}
