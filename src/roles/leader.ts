/**
 * Leader: owns a ballot (durable), spawns a Scout to get it adopted, then a Commander per
 * proposal. Preempted by a higher ballot it goes passive with the next ballot, and scouts
 * again on the next Propose or on its timeout, unless another leader is heard to be active.
 */
import type { Adopted, Message, Preempted, Propose } from '../protocol/messages.js';
import {
  ballotEquals, ballotLess, copyBallot, copyBatch, copySlotProp, type Ballot, type NodeId, type PValue,
  type Batch,
} from '../protocol/values.js';
import type { NodeSpecState } from '../node/api.js';
import { JournaledMap } from '../node/journaledMap.js';
import type { StateChanges } from '../node/stateChanges.js';
import { Role, type RoleHost } from '../node/role.js';
import { sortedByJson } from './sorted.js';
import { RecentAcceptors } from './recentAcceptors.js';
import { HeartbeatPlan } from './heartbeatPlan.js';
import { invariant } from '../protocol/assert.js';
import { markOf } from './acceptor.js';
import type { Replica } from './replica.js';

export const LEADER_HEARTBEAT_TIMER = 'Leader.heartbeat';
export const LEADER_TIMEOUT_TIMER = 'Leader.timeout';

/** The longest wait between two attempts at phase 1 is under 2^(this + 1) leader timeouts (8 to 15). */
export const MAX_SCOUT_BACKOFF_EXPONENT = 3;

/** 32-bit integer mix (an avalanche of the bits of `x`): spreads the backoff of nodes and attempts. */
function mix32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * How many leader timeouts a leader lets pass without scouting after its `failures`-th preemption
 * in a row (no adoption and no other leader heard in between): none after the first, as before
 * backoff; then a number in [2^(n-2), 2^(n-1)) for the n-th, the exponent capped at
 * MAX_SCOUT_BACKOFF_EXPONENT. Which number of the range is a function of the node and its next
 * ballot only: no randomness (the node has none), yet two leaders that failed as often wait
 * differently, so their timeouts (which tick in step) stop bringing their scouts back together.
 */
export function scoutBackoffTimeouts(failures: number, self: NodeId, ballotNum: number): number {
  if (failures <= 1) return 0;
  const low = 2 ** Math.min(failures - 2, MAX_SCOUT_BACKOFF_EXPONENT);
  return low + (mix32(mix32(self) ^ ballotNum) % low);
}

/**
 * Owns a durable ballot, spawns a {@link Scout} to get it adopted, then a {@link Commander} per proposal;
 * preempted, it goes passive with a higher ballot (spec actions `LeaderSpawnScout`, `LeaderReceivePropose`,
 * `LeaderReceiveAdopted`, `LeaderReceivePreempted`).
 */
export class Leader extends Role {
  readonly name = 'Leader' as const;
  // Accept and Decision from another leader's commanders count as its heartbeat (heartbeatPlan.ts).
  readonly handles = ['Propose', 'Adopted', 'Preempted', 'Active', 'Accept', 'Decision'] as const;

  protected ballot: Ballot;
  protected active = false;
  /** slot -> proposal (spec lProposals: at most one per slot). */
  protected readonly proposals = new JournaledMap<number, Batch>();
  /** Another leader sent Active since our last timeout: do not fight it. */
  protected heardOtherLeader = false;
  /** The node of the other leader last heard (by Active or Accept): its Decisions are its heartbeat too. */
  protected otherLeader: NodeId | undefined = undefined;
  /** Which peers its next heartbeat must reach (those its commanders reached need none). */
  protected readonly heartbeats = new HeartbeatPlan();
  /** The spec's `lMark` (volatile): it leaves slots below it alone, they are decided (compacted, or executed by its replica). */
  protected lMark = 1;
  /** The commanders it spawned that still run, with their slots (AcceptorCompact, or LeaderCompact after a restart, removes those below the mark). */
  protected readonly commanders = new Map<Role, number>();
  /** Acceptors that said yes to its commanders, most recent first: where Accepts go first. */
  protected readonly recentAcceptors: RecentAcceptors;
  /**
   * Preemptions in a row with no adoption and no other leader heard at a timeout: its attempts at
   * phase 1 that failed. Not spec state (the spec lets a passive leader scout at any time).
   */
  protected failedAttempts = 0;
  /** Leader timeouts still to pass before it scouts again (scoutBackoffTimeouts); meanwhile no Propose makes it scout. */
  protected backoffTimeouts = 0;

  constructor(host: RoleHost) {
    super(host);
    this.ballot = copyBallot(host.durable().lBallot);
    this.recentAcceptors = new RecentAcceptors(host.peers.length);
    invariant(this.ballot.leader === host.self, () => `lBallot ${JSON.stringify(this.ballot)} is not led by node ${host.self}`);
    if (host.tracing) this.proposals.startJournal();
  }

  /** The spec's `lActive`: its ballot was adopted and it was not preempted since. */
  get isActive(): boolean {
    return this.active;
  }

  /** The spec's `lBallot`: the ballot it scouts or leads with. */
  get currentBallot(): Ballot {
    return this.ballot;
  }

  /** Where its commanders send an Accept first (commander.ts, AcceptTargets): a quorum of acceptors that said yes recently, this node's own among them; every acceptor until one is known. */
  firstAcceptTargets(): readonly NodeId[] {
    return this.recentAcceptors.quorumWith(this.host.self, this.host.peers) ?? this.host.peers;
  }

  /** One of its commanders heard `acceptor` say yes (commander.ts, AcceptTargets). */
  acceptorSaidYes(acceptor: NodeId): void {
    this.recentAcceptors.heard(acceptor);
  }

  /** One of its commanders decided with its first Accepts (false), or had to fall back to every acceptor (true). */
  firstAcceptsOutcome(timedOut: boolean): void {
    this.recentAcceptors.outcome(timedOut);
  }

  override start(): void {
    this.host.setTimer(LEADER_HEARTBEAT_TIMER, undefined, this.host.timing.heartbeatMs);
    this.host.setTimer(LEADER_TIMEOUT_TIMER, undefined, this.host.timing.leaderTimeoutMs);
  }

  receive(from: NodeId, message: Message): void {
    switch (message.type) {
      // Signs of another leader's life only: no step, and no compaction check on each of them.
      case 'Active': case 'Accept': return this.heardFrom(from, message.ballot.leader);
      case 'Decision': if (from !== this.host.self && from === this.otherLeader) this.heardOtherLeader = true; return;
      default: break;
    }
    // Its acceptor compacted while it was not looking (its mark is volatile: after a restart).
    this.compactIfDue();
    switch (message.type) {
      case 'Propose': return this.receivePropose(message);
      case 'Adopted': return this.receiveAdopted(message);
      case 'Preempted': return this.receivePreempted(message);
      default: return;
    }
  }

  /** An Active or Accept from `from`, sent for the ballot of `leader`. */
  protected heardFrom(from: NodeId, leader: NodeId): void {
    if (from === this.host.self) return;
    this.heardOtherLeader = true;
    this.otherLeader = leader;
  }

  /** Its commanders sent these an Accept (commander.ts): the Accept tells them our ballot. */
  sentAccept(to: readonly NodeId[]): void {
    this.heartbeats.sentAccept(to);
  }

  /** Its commanders sent these a Decision (commander.ts). */
  sentDecision(to: readonly NodeId[]): void {
    this.heartbeats.sentDecisionTo(to);
  }

  /** LeaderReceivePropose: take the first proposal for a slot; drive it now if active. Below its
   * mark or its node's acceptor's (durable: it survives a restart, lMark does not) the slot is
   * decided and compacted: no step (the proposer's replica catches up instead). */
  receivePropose(m: Propose): void {
    if (m.slot < Math.max(this.lMark, markOf(this.host.durable()))) return;
    if (this.proposals.has(m.slot)) return; // the spec step changes nothing and sends nothing
    this.proposals.set(m.slot, copyBatch(m.prop));
    if (this.active) this.spawnCommander(m.slot, m.prop);
    this.host.action('Leader', 'LeaderReceivePropose');
    if (!this.active && !this.heardOtherLeader && this.backoffTimeouts === 0) this.spawnScout();
  }

  /**
   * LeaderReceiveAdopted: adopt the highest-ballot pvalue per slot, then re-drive every slot.
   * Below max(its mark, the quorum's highest mark) it leaves every slot alone: some acceptor
   * of the quorum compacted there, so the pvalues the others reported may be stale and the
   * chosen value missing; proposing there could choose a second value. It leaves the slots its
   * own replica executed too (decided): without checkpoints the pvalues span the whole run, and
   * an Accept for each of them at every adoption filled every send queue (a cluster stalled).
   */
  receiveAdopted(m: Adopted): void {
    if (!ballotEquals(m.ballot, this.ballot) || this.active) return;
    const mark = Math.max(this.lMark, m.mark ?? 1, this.executedBelow());
    this.adoptPValues(m.pvalues);
    // Adopted pvalues and its own proposals alike: only slots at and above the mark are driven.
    this.dropProposalsBelow(mark);
    this.lMark = mark;
    this.active = true;
    this.failedAttempts = 0;
    this.backoffTimeouts = 0;
    this.recentAcceptors.startWide();
    for (const slot of [...this.proposals.keys()].sort((a, b) => a - b)) {
      this.spawnCommander(slot, this.proposals.get(slot)!);
    }
    this.host.action('Leader', 'LeaderReceiveAdopted');
  }

  /** The spec's ExecutedBelow(n): its node's replica executed every slot below this one (1 on a node without a replica). */
  protected executedBelow(): number {
    return this.host.findRole<Replica>('Replica')?.nextSlotToExecute ?? 1;
  }

  /** Per slot, the proposal of the highest-ballot pvalue replaces the leader's own (pmax). */
  protected adoptPValues(pvalues: readonly PValue[]): void {
    const best = new Map<number, PValue>();
    for (const pv of pvalues) {
      const seen = best.get(pv.slot);
      if (seen === undefined || ballotLess(seen.ballot, pv.ballot)) best.set(pv.slot, pv);
      else invariant(!ballotEquals(seen.ballot, pv.ballot) || JSON.stringify(seen.prop) === JSON.stringify(pv.prop),
        () => `two different pvalues with ballot ${JSON.stringify(pv.ballot)} for slot ${pv.slot}`);
    }
    for (const [slot, pv] of best) this.proposals.set(slot, copyBatch(pv.prop));
  }

  /**
   * LeaderCompact, when enabled (its mark is below its node's acceptor's): drop its proposals and
   * commanders below the acceptor's mark and raise its mark to it. Those slots are decided (the
   * acceptor's mark is a durable snapshot's slot): driving them is useless, under a later ballot
   * unsafe. No message. Returns whether it compacted.
   */
  compactIfDue(): boolean {
    const mark = markOf(this.host.durable());
    if (this.lMark >= mark) return false;
    this.leaveSlotsBelow(mark);
    this.host.action('Leader', 'LeaderCompact');
    return true;
  }

  /**
   * Its proposals and commanders below `mark` go and its mark rises to it (no action of its own:
   * LeaderCompact's, or its node's acceptor's AcceptorCompact's). Also when its mark is already
   * at or above `mark`: an Adopted raises the mark and leaves an older ballot's commanders below
   * it waiting, and the spec's AcceptorCompact drops those whatever lMark is.
   */
  leaveSlotsBelow(mark: number): void {
    this.dropProposalsBelow(mark);
    for (const [commander, slot] of [...this.commanders]) if (slot < mark) this.host.removeRole(commander);
    if (this.lMark < mark) this.lMark = mark;
  }

  /** A commander it spawned ended (decided, preempted or compacted away): forget it. */
  commanderEnded(commander: Role): void {
    this.commanders.delete(commander);
  }

  /** Own proposals below `mark` go: their slots are decided (and compacted, or about to be). */
  protected dropProposalsBelow(mark: number): void {
    if (mark === 1) return;
    for (const slot of [...this.proposals.keys()]) if (slot < mark) this.proposals.delete(slot);
  }

  /**
   * LeaderReceivePreempted: a higher ballot exists; go passive with the next ballot (durable first).
   * A leader preempted again before any ballot was adopted backs off (scoutBackoffTimeouts): with
   * Promises in many parts and a lossy network, phase 1 can take longer than a leader timeout, and
   * leaders that scouted again at every timeout preempted each other's scouts for minutes.
   */
  receivePreempted(m: Preempted): void {
    if (!ballotLess(this.ballot, m.ballot)) return;
    const next = { num: m.ballot.num + 1, leader: this.host.self };
    invariant(ballotLess(this.ballot, next), () => `leader ${this.host.self} would not move up from ${JSON.stringify(this.ballot)}`);
    this.host.appendDurable({ kind: 'leaderBallot', ballot: next });
    this.ballot = next;
    this.active = false;
    this.failedAttempts++;
    this.backoffTimeouts = scoutBackoffTimeouts(this.failedAttempts, this.host.self, next.num);
    this.host.action('Leader', 'LeaderReceivePreempted');
  }

  /** LeaderSpawnScout: try to get the current ballot adopted. */
  spawnScout(): void {
    if (this.active || this.host.findRole('Scout') !== undefined) return;
    this.host.addRole(new this.host.factories.Scout(this.host, this.ballot));
    this.host.action('Leader', 'LeaderSpawnScout');
  }

  override onTimer(name: string, _key?: string): void {
    if (name === LEADER_HEARTBEAT_TIMER) {
      // Heartbeats let replicas and passive leaders see this leader is alive (a Stutter).
      // Only to the peers that its commanders' Accepts and Decisions did not reach (heartbeatPlan.ts).
      if (this.active) {
        const due = this.heartbeats.due(this.others());
        if (due.length > 0) {
          // Where our node's replica stands: a peer's replica behind it asks for the rest.
          const slot = this.host.findRole<Replica>('Replica')?.nextSlotToExecute;
          this.host.send(due, slot === undefined ? { type: 'Active', ballot: this.ballot } : { type: 'Active', ballot: this.ballot, slot });
        }
      } else {
        this.heartbeats.reset();
      }
      this.host.setTimer(LEADER_HEARTBEAT_TIMER, undefined, this.host.timing.heartbeatMs);
    } else if (name === LEADER_TIMEOUT_TIMER) {
      // Work pending and no live leader heard from: try to lead, unless backing off. Another
      // leader heard: the duel, if any, is over.
      if (this.heardOtherLeader) {
        this.failedAttempts = 0;
        this.backoffTimeouts = 0;
      } else if (this.backoffTimeouts > 0) {
        this.backoffTimeouts--;
      } else if (!this.active && this.proposals.size > 0) {
        this.spawnScout();
      }
      this.heardOtherLeader = false;
      this.host.setTimer(LEADER_TIMEOUT_TIMER, undefined, this.host.timing.leaderTimeoutMs);
    }
  }

  snapshot(state: NodeSpecState): void {
    state.lBallot = copyBallot(this.ballot);
    state.lActive = this.active;
    state.lProposals = sortedByJson([...this.proposals].map(([slot, prop]) => copySlotProp({ slot, prop })));
    state.lMark = this.lMark;
  }

  override traceChanges(changes: StateChanges, hosted: boolean): void {
    const item = (slot: number, prop: Batch | undefined) => (prop === undefined ? undefined : copySlotProp({ slot, prop }));
    this.proposals.drain((slot, before, after) => changes.change('lProposals', item(slot, before), item(slot, after)));
    if (hosted) {
      changes.scalars.lBallot = this.ballot;
      changes.scalars.lActive = this.active;
      changes.scalars.lMark = this.lMark;
      return;
    }
    for (const [slot, prop] of this.proposals) changes.change('lProposals', item(slot, prop), undefined);
  }

  protected spawnCommander(slot: number, prop: Batch): void {
    invariant(this.active, () => `leader ${this.host.self} spawns a commander while passive`);
    const commander = new this.host.factories.Commander(this.host, this.ballot, slot, prop);
    this.commanders.set(commander, slot);
    this.host.addRole(commander);
  }

  protected others(): NodeId[] {
    return this.host.peers.filter((p) => p !== this.host.self);
  }
}
