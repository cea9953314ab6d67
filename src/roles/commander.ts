/**
 * Commander: runs phase 2 for one (ballot, slot, prop). It sends the Accept to a quorum its
 * leader heard from recently, then, if they do not all answer in time, to every acceptor. On
 * Accepted from a quorum it announces the Decision to every replica; on a higher promise it
 * reports Preempted.
 */
import type { Accepted, Message } from '../protocol/messages.js';
import {
  ballotEquals, ballotKey, copyBallot, copyBatch, isQuorum, type Ballot, type Batch, type NodeId,
} from '../protocol/values.js';
import type { NodeSpecState } from '../node/api.js';
import type { StateChanges } from '../node/stateChanges.js';
import { Role, type RoleHost } from '../node/role.js';

export const COMMANDER_RETRANSMIT_TIMER = 'Commander.retransmit';

type CommanderElement = NodeSpecState['commanders'][number];

/** What a commander asks of its node's leader (Leader implements it; see recentAcceptors.ts). */
export interface AcceptTargets {
  /** The acceptors to send the first Accept to: a quorum heard from recently, or every one. */
  firstAcceptTargets(): readonly NodeId[];
  /** An acceptor said yes to one of the leader's commanders. */
  acceptorSaidYes(acceptor: NodeId): void;
  /** The commander ended (its node removed it): the leader stops tracking it. */
  commanderEnded?(commander: Role): void;
  /** A commander's first Accepts got a quorum before its retransmit timer (false), or did not (true). */
  firstAcceptsOutcome(timedOut: boolean): void;
  /** A commander sent an Accept to these peers (its leader then needs no heartbeat to them). */
  sentAccept?(to: readonly NodeId[]): void;
  /** A commander sent a Decision to these peers. */
  sentDecision?(to: readonly NodeId[]): void;
}

export function commanderKey(ballot: Ballot, slot: number): string {
  return `${ballotKey(ballot)}/${slot}`;
}

/**
 * Phase 2 for one (ballot, slot, proposal): sends Accept to a quorum of acceptors (every acceptor
 * on its retransmit timer) and counts Accepted
 * (spec action `CommanderReceiveAccepted`). On a majority it sends the Decision to every replica;
 * on a higher promise it sends Preempted to its leader. Built by the Leader; ends when done.
 */
export class Commander extends Role {
  readonly name = 'Commander' as const;
  readonly handles = ['Accepted'] as const;

  readonly ballot: Ballot;
  readonly slot: number;
  readonly prop: Batch;
  protected readonly acks = new Set<NodeId>();
  /** Its node's leader, found at start (none in a role unit test: then every acceptor gets the Accept). */
  protected leader: AcceptTargets | undefined = undefined;
  /** The acceptors its first Accept went to. */
  protected firstTargets: readonly NodeId[] = [];
  /** Its retransmit timer fired: the first Accepts were not enough. */
  protected timedOut = false;
  /** Its element of the spec's `commanders` at the previous trace event (undefined: not in it). */
  private traced: CommanderElement | undefined = undefined;
  /** commanderKey(ballot, slot), built once: its route and its timer's key. */
  private readonly key: string;

  constructor(host: RoleHost, ballot: Ballot, slot: number, prop: Batch) {
    super(host);
    this.ballot = copyBallot(ballot);
    this.slot = slot;
    this.prop = copyBatch(prop);
    this.key = commanderKey(ballot, slot);
  }

  override routeKey(): string {
    return this.key;
  }

  /**
   * Part of the leader action that spawned it: send the Accept to a quorum of acceptors its
   * leader heard from recently, or to every acceptor (the retransmit timer falls back to those).
   */
  override start(): void {
    this.leader = this.host.findRole<Role & AcceptTargets>('Leader');
    this.firstTargets = this.chooseFirstTargets();
    this.host.send(this.firstTargets, this.accept());
    this.leader?.sentAccept?.(this.firstTargets);
    this.host.setTimer(COMMANDER_RETRANSMIT_TIMER, this.key, this.host.timing.acceptRetransmitMs);
  }

  /** Removed from its node (decided, preempted, or its slot compacted away by AcceptorCompact or LeaderCompact). */
  override stop(): void {
    this.leader?.commanderEnded?.(this);
  }

  receive(_from: NodeId, message: Message): void {
    if (message.type === 'Accepted') this.receiveAccepted(message);
  }

  /** CommanderReceiveAccepted: only for an Accepted answering this (ballot, slot). */
  receiveAccepted(m: Accepted): void {
    if (!ballotEquals(m.ballot, this.ballot) || m.slot !== this.slot) return;
    if (ballotEquals(m.promised, m.ballot)) {
      if (this.acks.has(m.acceptor)) return; // a duplicate yes: no spec step
      this.acks.add(m.acceptor);
      this.leader?.acceptorSaidYes(m.acceptor);
      if (this.hasQuorum()) {
        if (!this.timedOut) this.leader?.firstAcceptsOutcome(false);
        this.host.send(this.host.peers, { type: 'Decision', slot: this.decisionSlot(), prop: this.prop });
        this.leader?.sentDecision?.(this.host.peers);
        this.host.removeRole(this);
      }
    } else {
      this.host.send(this.host.self, { type: 'Preempted', leader: this.host.self, ballot: m.promised });
      this.host.removeRole(this);
    }
    this.host.action('Commander', 'CommanderReceiveAccepted');
  }

  /** The acceptors that accepted are a majority. */
  protected hasQuorum(): boolean {
    return isQuorum(this.acks.size, this.host.peers.length);
  }

  /** The slot the Decision announces: this commander's own. */
  protected decisionSlot(): number {
    return this.slot;
  }

  /** Resend Accept to every acceptor that has not answered yes, not only the first quorum (a Stutter). */
  override onTimer(name: string, key: string | undefined): void {
    if (name !== COMMANDER_RETRANSMIT_TIMER || key !== this.key) return;
    if (!this.timedOut) this.leader?.firstAcceptsOutcome(true);
    this.timedOut = true;
    const targets = this.retransmitTargets();
    this.host.send(targets, this.accept());
    this.leader?.sentAccept?.(targets);
    this.host.setTimer(COMMANDER_RETRANSMIT_TIMER, key, this.host.timing.acceptRetransmitMs);
  }

  /** Its leader's recent quorum, or every acceptor. */
  protected chooseFirstTargets(): readonly NodeId[] {
    return this.leader?.firstAcceptTargets() ?? this.host.peers;
  }

  /** Every acceptor that has not said yes: the fallback that keeps a lost or crashed first quorum from blocking the slot. */
  protected retransmitTargets(): NodeId[] {
    return this.host.peers.filter((p) => !this.acks.has(p));
  }

  snapshot(state: NodeSpecState): void {
    state.commanders.push(this.element());
  }

  /** The node calls it only for a commander it added, removed or handed a message or timer to. */
  override traceChanges(changes: StateChanges, hosted: boolean): void {
    const now = hosted ? this.element() : undefined;
    changes.change('commanders', this.traced, now);
    this.traced = now;
  }

  protected element(): CommanderElement {
    return { ballot: copyBallot(this.ballot), slot: this.slot, prop: copyBatch(this.prop), acks: [...this.acks].sort((a, b) => a - b) };
  }

  protected accept(): Message {
    return { type: 'Accept', ballot: this.ballot, slot: this.slot, prop: this.prop };
  }
}
