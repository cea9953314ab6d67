/**
 * Commander: runs phase 2 for one (ballot, slot, prop). On Accepted from a quorum it
 * announces the Decision to every replica; on a higher promise it reports Preempted.
 */
import type { Accepted, Message } from '../protocol/messages.js';
import {
  ballotEquals, ballotKey, copyBallot, copyProposal, isQuorum, type Ballot, type NodeId, type Proposal,
} from '../protocol/values.js';
import type { NodeSpecState } from '../node/api.js';
import type { StateChanges } from '../node/stateChanges.js';
import { Role, type RoleHost } from '../node/role.js';

export const COMMANDER_RETRANSMIT_TIMER = 'Commander.retransmit';

type CommanderElement = NodeSpecState['commanders'][number];

export function commanderKey(ballot: Ballot, slot: number): string {
  return `${ballotKey(ballot)}/${slot}`;
}

/**
 * Phase 2 for one (ballot, slot, proposal): sends Accept to every acceptor and counts Accepted
 * (spec action `CommanderReceiveAccepted`). On a majority it sends the Decision to every replica;
 * on a higher promise it sends Preempted to its leader. Built by the Leader; ends when done.
 */
export class Commander extends Role {
  readonly name = 'Commander' as const;
  readonly handles = ['Accepted'] as const;

  readonly ballot: Ballot;
  readonly slot: number;
  readonly prop: Proposal;
  protected readonly acks = new Set<NodeId>();
  /** Its element of the spec's `commanders` at the previous trace event (undefined: not in it). */
  private traced: CommanderElement | undefined = undefined;

  constructor(host: RoleHost, ballot: Ballot, slot: number, prop: Proposal) {
    super(host);
    this.ballot = copyBallot(ballot);
    this.slot = slot;
    this.prop = copyProposal(prop);
  }

  override routeKey(): string {
    return commanderKey(this.ballot, this.slot);
  }

  /** Part of the leader action that spawned it: send Accept to every acceptor. */
  override start(): void {
    this.host.send(this.host.peers, this.accept());
    this.host.setTimer(COMMANDER_RETRANSMIT_TIMER, commanderKey(this.ballot, this.slot), this.host.timing.acceptRetransmitMs);
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
      if (this.hasQuorum()) {
        this.host.send(this.host.peers, { type: 'Decision', slot: this.decisionSlot(), prop: this.prop });
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

  /** Resend Accept to the acceptors that have not answered yes (a Stutter). */
  override onTimer(name: string, key: string | undefined): void {
    if (name !== COMMANDER_RETRANSMIT_TIMER || key !== commanderKey(this.ballot, this.slot)) return;
    this.host.send(this.host.peers.filter((p) => !this.acks.has(p)), this.accept());
    this.host.setTimer(COMMANDER_RETRANSMIT_TIMER, key, this.host.timing.acceptRetransmitMs);
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
    return { ballot: copyBallot(this.ballot), slot: this.slot, prop: copyProposal(this.prop), acks: [...this.acks].sort((a, b) => a - b) };
  }

  protected accept(): Message {
    return { type: 'Accept', ballot: this.ballot, slot: this.slot, prop: this.prop };
  }
}
