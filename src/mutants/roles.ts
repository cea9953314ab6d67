/**
 * Broken role classes, injected into a real Node through NodeOptions.roles (the cluster.py
 * dependency-injection style). Each one breaks one safety-relevant rule and keeps everything
 * else, so the only thing that can catch it is the trace checker. They bypass the roles'
 * own dense assertions on purpose: the point is to see the spec, not an assertion, reject them.
 */
import type { Accept, Accepted, Decision, Prepare, Promise as PromiseMessage, Propose } from '../protocol/messages.js';
import {
  BOTTOM_BALLOT, ballotEquals, ballotLess, copyBallot, copyBatch, copyProposal, isNoop, requestsOf, proposalKey, type Batch, type PValue,
} from '../protocol/values.js';
import type { RoleHost } from '../node/role.js';
import { Acceptor, markOf } from '../roles/acceptor.js';
import { Scout } from '../roles/scout.js';
import { Commander } from '../roles/commander.js';
import { Leader } from '../roles/leader.js';
import { Replica } from '../roles/replica.js';

/** Accepts an Accept whatever ballot it promised (the promise itself never goes down). */
export class AcceptLowerBallotAcceptor extends Acceptor {
  override receiveAccept(m: Accept): void {
    if (ballotLess(this.ballot, m.ballot)) {
      this.ballot = copyBallot(m.ballot);
      this.host.appendDurable({ kind: 'promise', ballot: this.ballot });
    }
    const pvalue = { ballot: copyBallot(m.ballot), slot: m.slot, prop: copyBatch(m.prop) };
    this.accepted.set(m.slot, pvalue);
    // The durable log asserts that no pvalue is replaced by a lower ballot; the bug stays in
    // memory, where the trace shows it, instead of tripping that assertion.
    const kept = this.host.durable().accepted.get(m.slot);
    if (kept === undefined || !ballotLess(m.ballot, kept.ballot)) this.host.appendDurable({ kind: 'accept', pvalue });
    this.host.send(m.ballot.leader, { type: 'Accepted', acceptor: this.host.self, ballot: m.ballot, slot: m.slot, promised: m.ballot });
    this.host.action('Acceptor', 'AcceptorReceiveAccept');
  }
}

/** Answers a Prepare without the pvalues it accepted: a new leader cannot carry them on. */
export class PromiseOmitsAcceptedAcceptor extends Acceptor {
  override receivePrepare(m: Prepare): void {
    if (ballotLess(this.ballot, m.ballot)) {
      this.ballot = copyBallot(m.ballot);
      this.persistPromise();
    }
    this.host.send(m.ballot.leader, { type: 'Promise', acceptor: this.host.self, ballot: m.ballot, promised: this.ballot, accepted: [] });
    this.host.action('Acceptor', 'AcceptorReceivePrepare');
  }
}

/**
 * Answers every Prepare with a yes: its Promise names the Prepare's ballot as promised even when
 * it has promised a higher one, which it keeps (a refusal reported as a promise). Two leaders can
 * then both hold a quorum of "promises", and the earlier one's Accepts are still refused.
 */
export class PromiseYesAnywayAcceptor extends Acceptor {
  override receivePrepare(m: Prepare): void {
    // The real step, run as if its promise were the Prepare's ballot; the higher one is kept.
    const kept = this.ballot;
    const refusing = ballotLess(m.ballot, kept);
    if (refusing) this.ballot = copyBallot(m.ballot);
    super.receivePrepare(m);
    if (refusing) this.ballot = kept;
  }
}

/**
 * Keeps the first pvalue it accepted for a slot (a set-if-absent where a replace was meant): an
 * Accept of the slot at a higher ballot is acknowledged, and made durable, but its Promises go
 * on reporting the older pvalue, so a later leader may adopt a value that lost.
 */
export class KeepFirstPValueAcceptor extends Acceptor {
  protected override frozenCopy(pvalue: PValue): PValue {
    return this.accepted.get(pvalue.slot) ?? super.frozenCopy(pvalue);
  }
}

/** Forgets its promise and accepted pvalues on a restart: it never reads durable storage,
 * nor writes it (what it would write could go below what an earlier incarnation wrote,
 * which the durable log refuses with an assertion, not the trace checker). */
export class VolatileAcceptor extends Acceptor {
  constructor(host: RoleHost) {
    super(host);
    this.ballot = copyBallot(BOTTOM_BALLOT);
    this.accepted.clear();
  }
  protected override persistPromise(): void {}
  protected override persistAccept(): void {}
}

/** Adopts its ballot on the first yes: less than a quorum. */
export class MinorityScout extends Scout {
  protected override hasQuorum(): boolean {
    return this.acks.size >= 1;
  }
}

/** Decides on the first yes: a minority. */
export class MinorityCommander extends Commander {
  protected override hasQuorum(): boolean {
    return this.acks.size >= 1;
  }
}

/**
 * Counts half the acceptors as a quorum (2 * acks >= n, not > n): the same as a majority in a
 * cluster of 3 or 5, two disjoint "quorums" in a cluster of 4. Only an even cluster tells.
 */
export class HalfQuorumCommander extends Commander {
  protected override hasQuorum(): boolean {
    return 2 * this.acks.size >= this.host.peers.length;
  }
}

/** The scout's half quorum: two leaders can adopt at once in a cluster of 4. */
export class HalfQuorumScout extends Scout {
  protected override hasQuorum(): boolean {
    return 2 * this.acks.size >= this.host.peers.length;
  }
}

/** Broadcasts the Decision for the slot after its own. */
export class WrongSlotCommander extends Commander {
  protected override decisionSlot(): number {
    return this.slot + 1;
  }
}

/** On adoption keeps, per slot, the LOWEST-ballot pvalue instead of the highest. */
export class LowestPValueLeader extends Leader {
  protected override adoptPValues(pvalues: readonly PValue[]): void {
    const pick = new Map<number, PValue>();
    for (const pv of pvalues) {
      const seen = pick.get(pv.slot);
      if (seen === undefined || ballotLess(pv.ballot, seen.ballot)) pick.set(pv.slot, pv);
    }
    for (const [slot, pv] of pick) this.proposals.set(slot, copyBatch(pv.prop));
  }
}

/**
 * On adoption orders ballots by their number alone: of two pvalues for one slot at one ballot
 * number (two leaders' ballots, (3, 1) and (3, 2)), it keeps whichever came first, where the
 * higher leader id makes the second the higher ballot. Paxos' order is (num, leader); a port
 * that compares `num` fields, as the two-field ballot invites, does this.
 */
export class TieBreakPValueLeader extends Leader {
  protected override adoptPValues(pvalues: readonly PValue[]): void {
    const pick = new Map<number, PValue>();
    for (const pv of pvalues) {
      const seen = pick.get(pv.slot);
      if (seen === undefined || seen.ballot.num < pv.ballot.num) pick.set(pv.slot, pv);
    }
    for (const [slot, pv] of pick) this.proposals.set(slot, copyBatch(pv.prop));
  }
}

/**
 * Skips phase 1 for a new proposal: an inactive leader (no quorum adopted its ballot yet)
 * drives a Propose at once at its current ballot, as if it had. Its Accepts may carry a value
 * other than one a quorum already accepted at a lower ballot.
 */
export class SkipPhaseOneLeader extends Leader {
  override receivePropose(m: Propose): void {
    if (this.active) { super.receivePropose(m); return; }
    // Leader.receivePropose with the commander spawned whether or not the leader is active.
    if (m.slot < Math.max(this.lMark, markOf(this.host.durable()))) return;
    if (this.proposals.has(m.slot)) return;
    this.proposals.set(m.slot, copyBatch(m.prop));
    this.spawnPassiveCommander(m.slot, m.prop);
    this.host.action('Leader', 'LeaderReceivePropose');
    if (!this.heardOtherLeader && this.backoffTimeouts === 0) this.spawnScout();
  }

  /** spawnCommander without its assertion that the leader is active (the bug it guards against). */
  private spawnPassiveCommander(slot: number, prop: Batch): void {
    const commander = new this.host.factories.Commander(this.host, this.ballot, slot, prop);
    this.commanders.set(commander, slot);
    this.host.addRole(commander);
  }

  /**
   * Its adoption later drives every proposal again, this slot's too: one commander per
   * (ballot, slot), as the real leader has, so that the bug stays phase 2 without phase 1 and
   * not two commanders of one key (which no trace can show: the spec's commanders are a set).
   */
  protected override spawnCommander(slot: number, prop: Batch): void {
    for (const [c, s] of this.commanders) if (s === slot && ballotEquals((c as Commander).ballot, this.ballot)) return;
    super.spawnCommander(slot, prop);
  }
}

/** On adoption keeps its own proposals where it has one, ignoring what acceptors accepted. */
export class OwnProposalLeader extends Leader {
  protected override adoptPValues(pvalues: readonly PValue[]): void {
    for (const pv of pvalues) if (!this.proposals.has(pv.slot)) this.proposals.set(pv.slot, copyBatch(pv.prop));
  }
}

/** On adoption drives again the slots its node's replica executed (the design before the stall without checkpoints was fixed). */
export class RedriveExecutedLeader extends Leader {
  protected override executedBelow(): number {
    return 1;
  }
}

/** On adoption leaves the slots below its replica's next proposal slot (spec mutant AdoptMarkFromSlotIn): they need not be decided. */
export class SlotInMarkLeader extends Leader {
  protected override executedBelow(): number {
    const replica = this.host.findRole<Replica>('Replica') as unknown as { slotIn: number } | undefined;
    return replica?.slotIn ?? 1;
  }
}

/**
 * Leaves the slots below an AcceptorCompact's mark only when its own mark is below it (the
 * Leader before 4ad1e9f): an Adopted that raised its mark leaves an older ballot's commanders
 * below the compacted mark running, where the spec drops every commander below it.
 */
export class MarkGuardedCompactLeader extends Leader {
  override leaveSlotsBelow(mark: number): void {
    if (this.lMark >= mark) return;
    super.leaveSlotsBelow(mark);
  }
}

/** Executes a decision as soon as it arrives, skipping undecided slots before it. */
export class OutOfOrderReplica extends Replica {
  override receiveDecision(m: Decision): void {
    if (this.decisions.has(m.slot)) return;
    this.learn(m.slot, m.prop);
    this.host.action('Replica', 'ReplicaReceiveDecision');
    if (m.slot > this.slotOut) this.slotOut = m.slot; // jump the gap
    this.executeAll();
  }
}

/** Executes a decision again each time it is delivered again (no duplicate suppression). */
export class ExecuteTwiceReplica extends Replica {
  override receiveDecision(m: Decision): void {
    if (!this.decisions.has(m.slot) || m.slot >= this.slotOut || isNoop(m.prop)) {
      super.receiveDecision(m);
      return;
    }
    const run = requestsOf(m.prop).map((request) => {
      const [next, output] = this.host.stateMachine.apply(this.app, request.input);
      this.app = next;
      const entry = this.executed.record(copyProposal(request), output);
      this.executedLog?.push(entry);
      this.answer(entry);
      return entry;
    });
    this.host.action('Replica', 'ReplicaExecute', this.host.tracing ? this.executeParams(m.prop, run) : undefined);
  }
}

/**
 * Counts every Accepted answering its (ballot, slot) as a vote, also one whose acceptor had
 * promised a higher ballot and so accepted nothing: the classic phase-2 bug of checking the
 * ballot an answer names instead of the promise it reports.
 */
export class IgnoreRejectionCommander extends Commander {
  override receiveAccepted(m: Accepted): void {
    super.receiveAccepted({ ...m, promised: copyBallot(m.ballot) });
  }
}

/** Phase 1's version: counts a Promise that reports a higher promise (a refusal) as a promise. */
export class IgnoreRejectionScout extends Scout {
  override receivePromise(m: PromiseMessage): void {
    super.receivePromise({ ...m, promised: copyBallot(m.ballot) });
  }
}

/**
 * Keeps only the pvalues of the last Promise it counted, not those of every acceptor of the
 * quorum: a value accepted by one acceptor of the quorum, and reported only by it, is lost.
 */
export class LastPromiseOnlyScout extends Scout {
  override receivePromise(m: PromiseMessage): void {
    const counts = ballotEquals(m.ballot, this.ballot) && ballotEquals(m.promised, m.ballot) && !this.acks.has(m.acceptor) && (m.parts ?? 1) === 1;
    if (counts) this.pvalues.clear();
    super.receivePromise(m);
  }
}
