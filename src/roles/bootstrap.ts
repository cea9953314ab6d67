/**
 * Bootstrap: a node that is not (or no longer) a member. It announces itself with Join
 * (spec NodeRestart: its volatile state is initial) and repeats it until some replica
 * answers with a Welcome for it (every part of one, when it comes in parts); then the node
 * becomes Acceptor + Replica + Leader and the new Replica takes the Welcome.
 *
 * If nobody welcomes it for `joinsBeforeWelcomingPeers` retransmissions, the whole cluster
 * may have restarted: it then welcomes other joiners itself, as the fresh replica it is
 * (slot 1, no decisions: spec ReplicaReceiveJoin). Their replicas rebuild the log from the
 * acceptors through the new leader's re-drive and CatchUp.
 */
import type { Join, Message, Welcome, WelcomeState } from '../protocol/messages.js';
import { WelcomePartBuffer, assembleWelcome, splitWelcome, welcomePartsOf } from '../protocol/welcomeParts.js';
import { copyProposal, type NodeId } from '../protocol/values.js';
import type { NodeSpecState } from '../node/api.js';
import { historyByLength, type StateChanges } from '../node/stateChanges.js';
import { Role, type RoleHost } from '../node/role.js';
import type { Requester } from './requester.js';
import { digestOf } from '../statemachines/digest.js';
import { appSnapshotsOf, checkpointTransfer, type ReplicaImage } from './replicaImage.js';

export const BOOTSTRAP_JOIN_TIMER = 'Bootstrap.join';

/** Turn the node into a full member (used by Bootstrap, and by tests). */
export function becomeMember(host: RoleHost): void {
  host.addRole(new host.factories.Acceptor(host));
  host.addRole(new host.factories.Replica(host));
  host.addRole(new host.factories.Leader(host));
}

/**
 * A (re)starting or joining node (spec action `NodeRestart`): moves its leader to a ballot never used,
 * sends Join until a replica's Welcome arrives, then installs it and becomes a full member.
 */
export class Bootstrap extends Role {
  readonly name = 'Bootstrap' as const;
  readonly handles = ['Welcome', 'Join'] as const;

  /** Join retransmissions so far without a Welcome. */
  protected unanswered = 0;
  /** Parts of Welcomes for us, per sender, until one is whole (receiveWelcome). */
  protected readonly heldParts = new WelcomePartBuffer((problem) => this.host.log(`bootstrap ${this.host.self}: ${problem}`));
  /**
   * The replica state NodeRestart gives the node: its durable snapshot (spec rSnap), shown by
   * this role until the Replica that starts from it is added; undefined: the initial state.
   */
  protected readonly restored: { readonly slot: number; readonly image: ReplicaImage } | undefined;

  constructor(host: RoleHost) {
    super(host);
    this.restored = host.restoredSnapshot();
  }

  /**
   * NodeRestart: move the leader to a ballot it never used, then send Join to every peer.
   * The old incarnation's proposals under its ballot are forgotten; proposing again under
   * that same ballot could get a second value accepted for a slot.
   */
  override start(): void {
    const used = this.host.durable().lBallot;
    this.host.appendDurable({ kind: 'leaderBallot', ballot: { num: used.num + 1, leader: this.host.self } });
    // A Seed handing over keeps the node's Requester: its invoked requests end with this step.
    this.host.findRole<Requester>('Requester')?.forgetIncarnation();
    // The spec's NodeRestart sends Join whoever is there to receive it: with no peer (a
    // cluster of one) the trace still shows it sent, to nobody.
    const join: Join = { type: 'Join', node: this.host.self };
    if (this.others().length > 0) this.host.send(this.others(), join);
    else this.host.sendToNone(join);
    this.host.action('Node', 'NodeRestart');
    this.host.setTimer(BOOTSTRAP_JOIN_TIMER, undefined, this.host.timing.joinRetransmitMs);
  }

  receive(from: NodeId, message: Message): void {
    if (message.type === 'Welcome') this.receiveWelcome(from, message);
    else if (message.type === 'Join') this.receiveJoin(message);
  }

  /**
   * ReplicaReceiveJoin as the replica this node will host, once we have waited long enough in
   * vain: its state is the restored snapshot (slot, history, no decisions), or the initial one.
   */
  receiveJoin(m: Join): void {
    if (m.node === this.host.self || this.unanswered < this.host.timing.joinsBeforeWelcomingPeers) return;
    const image = this.restored?.image;
    const app = image?.app ?? this.host.stateMachine.initial();
    const executed = (this.host.tracing ? image?.history : undefined) ?? [];
    const snapshots = appSnapshotsOf(this.host.stateMachine);
    const state: WelcomeState = image !== undefined && this.host.checkpointEvery > 0 && snapshots !== undefined
      ? { app: checkpointTransfer(snapshots, app, image.table), outputs: executed.map(() => null) }
      : { app, outputs: executed.map(() => null) };
    const whole: Welcome = {
      type: 'Welcome', node: m.node, slot: this.restored?.slot ?? 1, decisions: [], executed: executed.map(copyProposal),
      executedLength: image?.table.count ?? 0, state,
    };
    // One message when it fits, else parts that each fit (spec ReplicaReceiveJoin(n, m, k)), as the replica sends.
    for (const part of splitWelcome(whole, this.host.limits.maxWelcomeBytes)) this.host.send(m.node, part);
    // Role 'Replica': it is the spec Replica's action, done for the replica this node will host.
    this.host.action('Replica', 'ReplicaReceiveJoin', this.host.tracing ? { digest: digestOf(this.host.stateMachine, app) } : undefined);
  }

  /**
   * Welcomed: become a member (a Stutter: no spec variable changes), then let the replica take
   * the Welcome. A Welcome sent in parts welcomes us once we hold every part of it: the new
   * replica takes the other parts first, then the one received now, and installs it in this
   * step. Becoming a member at its first part let the replica propose a request of our own
   * clients before the last part came, and a replica that has proposed installs no Welcome
   * (spec ReplicaReceiveWelcome): behind a compacted range it rejoined, and again, for as long
   * as requests kept coming between a Welcome's first part and its last.
   */
  receiveWelcome(from: NodeId, m: Welcome): void {
    if (m.node !== this.host.self) return;
    let others: readonly Welcome[] = [];
    if (welcomePartsOf(m) > 1) {
      const parts = this.heldParts.addPart(from, m);
      if (parts === undefined) return; // a part that completes nothing: the spec's stuttering step
      try {
        assembleWelcome(parts);
      } catch (e) {
        this.host.log(`bootstrap ${this.host.self}: dropped a Welcome for slot ${m.slot} in ${parts.length} parts: ${(e as Error).message}`);
        return;
      }
      others = parts.filter((p) => p !== m);
    }
    this.host.removeRole(this);
    becomeMember(this.host);
    for (const p of others) this.host.redeliver(from, p);
    this.host.redeliver(from, m);
  }

  /**
   * Resend Join until welcomed (already sent: a Stutter). A node with no peer (a cluster of
   * one) has nobody to welcome it: it becomes a member by itself instead, a Stutter as a
   * Welcome's hand-over is, and its Replica starts from the restored snapshot, as the spec's
   * replica does after NodeRestart (a Welcome is an offer to catch up, never a condition).
   */
  override onTimer(name: string, _key?: string): void {
    if (name !== BOOTSTRAP_JOIN_TIMER) return;
    if (this.others().length === 0) {
      this.host.removeRole(this);
      becomeMember(this.host);
      return;
    }
    this.unanswered++;
    this.host.send(this.others(), { type: 'Join', node: this.host.self });
    this.host.setTimer(BOOTSTRAP_JOIN_TIMER, undefined, this.host.timing.joinRetransmitMs);
  }

  override get listsHistory(): boolean {
    return this.restored === undefined || this.restored.image.history !== undefined || this.restored.image.table.count === 0;
  }

  snapshot(state: NodeSpecState, namedHistory = false): void {
    // A non-member has the initial volatile state, its replica's restored from the snapshot.
    if (this.restored === undefined) return;
    state.rSlotIn = this.restored.slot;
    state.rSlotOut = this.restored.slot;
    if (this.restored.image.history === undefined && namedHistory) {
      // Kept by length only (Node.traceState): the first that many of what the node had.
      state.rExecuted = historyByLength(this.restored.image.table.count);
      state.rSnap = { slot: this.restored.slot, executed: historyByLength(this.restored.image.table.count) };
      return;
    }
    const history = (this.restored.image.history ?? []).map(copyProposal);
    state.rExecuted = history;
    state.rSnap = { slot: this.restored.slot, executed: history.map(copyProposal) };
  }

  override traceChanges(changes: StateChanges, hosted: boolean): void {
    // rExecuted is not reported: NodeRestart is an incarnation's first event, a whole state.
    if (!hosted || this.restored === undefined) return;
    changes.scalars.rSlotIn = this.restored.slot;
    changes.scalars.rSlotOut = this.restored.slot;
    changes.scalars.rSnapSlot = this.restored.slot;
    changes.scalars.rSnapLength = this.restored.image.table.count;
  }

  protected others(): NodeId[] {
    return this.host.peers.filter((p) => p !== this.host.self);
  }
}
