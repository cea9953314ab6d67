/**
 * Replica: turns client requests into proposals for slots, learns decisions, and executes
 * them in slot order on the application's state machine, each request at most once.
 *
 * Checkpoints (docs/design-checkpoints.md; off unless the node's `checkpointEvery` is set):
 * every so many executed slots it takes a ReplicaSnapshot (its state at slotOut, written
 * durably as a `snapshot` record), then forgets its decisions below the PREVIOUS snapshot's
 * slot (ReplicaForget), keeping one interval of them as a tail that peers a little behind
 * catch up from without rejoining; it ignores a Decision below its snapshot; a restarted
 * node's replica starts from that snapshot; and its Welcome ships its state at slotOut as
 * bytes (application snapshot plus the duplicate table) with the decisions it holds, the tail
 * included. Memory is then bounded by the application state, two checkpoint intervals of
 * decisions and the outstanding requests (ExecutedTable), unless tracing keeps the history
 * for the trace.
 *
 * Beyond the spec (all Stutter steps): it follows the current leader (Accepting hints,
 * Active heartbeats, moving to the next peer when its leader goes silent), retransmits its
 * proposals, and asks a peer to CatchUp when it sees a gap or stops making progress (one peer
 * per gap tick, in turn).
 */
import type { CatchUp, Decision, Invoke, Join, Message, Welcome, WelcomeState } from '../protocol/messages.js';
import type { Limits } from '../protocol/limits.js';
import type { AppSnapshots } from '../statemachines/types.js';
import {
  ballotEquals, ballotLess, batchEquals, batchOf, copyBatch, copyProposal, copySlotProp, inBatch, isLongBatch, NOOP, proposalKey,
  requestsOf, BOTTOM_BALLOT, type Ballot, type Batch, type NodeId, type Proposal,
} from '../protocol/values.js';
import type { NodeSpecState } from '../node/api.js';
import { JournaledMap } from '../node/journaledMap.js';
import { historyByLength, type StateChanges } from '../node/stateChanges.js';
import { propKey } from '../trace/format/keys.js';
import { Role, type ActionParams, type RoleHost } from '../node/role.js';
import { sortedByJson } from './sorted.js';
import { invariant } from '../protocol/assert.js';
import { digestOf } from '../statemachines/digest.js';
import type { Acceptor } from './acceptor.js';
import { ExecutedTable, type Execution } from './executedTable.js';
import { DecidedRequests } from './decidedRequests.js';
import { appSnapshotsOf, checkpointTransfer, encodeReplicaImageSized, readCheckpointTransfer, type ReplicaImage } from './replicaImage.js';
import { SnapshotRule, maxSnapshotGap } from './snapshotRule.js';
import { WelcomePartBuffer, splitWelcome, welcomePartsOf } from '../protocol/welcomeParts.js';

export type { Execution } from './executedTable.js';

/** A Welcome's parts are sent again to a joiner while it would need at most this many CatchUp answers after installing them. */
export const STALE_WELCOME_CATCHUPS = 10;
/** The most CatchUps a replica sends after installing a Welcome while they move it on: one more than a Welcome sent again may be behind. */
export const CATCHUPS_AFTER_WELCOME = STALE_WELCOME_CATCHUPS + 1;

export const REPLICA_GAP_TIMER = 'Replica.gap';
/** Limits.deferProposals: proposes the requests that arrived in this turn. */
export const REPLICA_PROPOSE_TIMER = 'Replica.propose';

export const REPLICA_LEADER_TIMER = 'Replica.leaderTimeout';
/** A checkpointing replica stuck at a gap rejoins after asking every peer this many times. */
export const REJOIN_AFTER_ROUNDS = 2;

/**
 * Turns client requests into proposals for slots, learns decisions, and executes them in slot order,
 * each request at most once (spec actions `ReplicaReceiveInvoke`, `ReplicaPropose`, `ReplicaSkipSlot`,
 * `ReplicaProposeNoop`, `ReplicaReceiveDecision`, `ReplicaExecute`, `ReplicaReceiveJoin`,
 * `ReplicaReceiveWelcome`). It also follows the current leader and asks peers to catch it up (stuttering steps).
 */
export class Replica extends Role {
  readonly name = 'Replica' as const;
  // An Accept from the leader we follow is a sign of its life, as an Active is (heartbeatPlan.ts).
  readonly handles = ['Invoke', 'Decision', 'Join', 'Welcome', 'Active', 'Accepting', 'CatchUp', 'Accept'] as const;

  protected slotIn = 1;
  protected slotOut = 1;
  /** proposalKey -> proposal, in arrival order (spec rRequests). */
  protected readonly requests = new JournaledMap<string, Proposal>();
  /** slot -> own proposal (a batch) not yet executed (spec rProposals). */
  protected readonly proposals = new JournaledMap<number, Batch>();
  /** slot -> decided batch (spec rDecisions): those at and above the previous snapshot's slot. Welcome sends it. */
  protected readonly decisions = new JournaledMap<number, Batch>();
  /** The requests of entries of `decisions` not yet executed here: "is it decided here?" (spec
   * Known) without a scan. Once its slot is executed, a request is Executed, which
   * ReplicaReceiveInvoke asks first, so only unexecuted slots need counting. */
  protected readonly decidedKeys = new DecidedRequests();
  /** The slots of `decisions` whose requests decidedKeys counts. */
  private readonly countedSlots = new Set<number>();
  protected maxDecidedSlot = 0;
  /** Which requests were executed, how many (Len(rExecuted)), and recent outputs: bounded (executedTable.ts). */
  protected executed: ExecutedTable;
  /**
   * The executed requests in order with their outputs (spec rExecuted), kept only while the
   * trace needs it or a checkpoint-less Welcome ships it (`keepsHistory`); else undefined.
   */
  protected executedLog: Execution[] | undefined;
  protected app: unknown;
  /** Take a ReplicaSnapshot once slotOut is this many slots past the last one (0: never); see snapshotRule. */
  protected readonly checkpointEvery: number;
  /** When the next snapshot is due (snapshotRule.ts): the count, and for a large state the log since. */
  protected readonly snapshotRule: SnapshotRule;
  /** A REPLICA_PROPOSE_TIMER is armed and has not fired yet. */
  private proposeTimerArmed = false;
  /** The application's snapshot functions (required when checkpointEvery > 0). */
  protected readonly snapshots: AppSnapshots<unknown> | undefined;
  /** Spec rSnap: its slot, and the length of the history it holds (rSnap.executed). */
  protected snapSlot = 1;
  protected snapLength = 0;
  /** rExecuted at the previous trace event: this array (only appended to since, or replaced) up to this length. */
  private tracedLog: Execution[];
  private tracedLength = 0;
  /** Without the history (traceNamesHistory): the requests executed since the previous event. */
  private tracedRun: Proposal[] = [];
  /** Without the history: the length of the one a Welcome installed since the previous event. */
  private installedLength: number | undefined = undefined;

  /** Whom we send proposals to, and the highest ballot we saw it lead with. */
  protected leader: NodeId;
  protected leaderBallot: Ballot = BOTTOM_BALLOT;
  protected leaderHeard = false;
  /** The slot whose no-op we proposed last (later sends for it are retransmissions). */
  protected noopSlot = 0;
  /** slotOut at the previous gap tick: no progress since then means we may be missing decisions. */
  protected slotOutAtLastTick = 1;
  /**
   * CatchUps sent since our last Welcome was installed, while each brought progress (-1: not
   * asking). A Welcome can be older than the cluster (one sent again, or delayed), and a cluster
   * with nothing to decide sends no Decision that would show us a gap: without asking we stayed
   * behind until the next command.
   */
  private welcomeProbes = -1;
  /**
   * A leader's heartbeat since our last gap tick said its node executed past our slotOut.
   * Losing the last Decisions before a cluster goes idle leaves no gap to see: a tick that finds
   * us behind and not moving treats it as a stall (one CatchUp per tick, peers in turn).
   */
  private heardAhead = false;
  /** CatchUps sent since execution last moved on: which peer the next one asks (catchUpPeer). */
  protected catchUpsThisStall = 0;
  /** Nodes whose Join we received (at most one entry per node): a Join stays in the spec's network. */
  protected readonly joined = new Set<NodeId>();
  /**
   * Per joiner, the parts of the last Welcome we sent it in parts, sent again as they are when it
   * asks again (see welcome). Emptied at each snapshot; at most one Welcome per node.
   */
  private readonly welcomesSent = new Map<NodeId, readonly Welcome[]>();
  /** The parts we hold of one Welcome sent in parts (not spec state: the spec's msgs keeps them all). */
  protected readonly heldParts = new WelcomePartBuffer((problem) => this.host.log(`replica ${this.host.self}: ${problem}`));

  constructor(host: RoleHost) {
    super(host);
    this.checkpointEvery = host.checkpointEvery;
    this.snapshotRule = new SnapshotRule(this.checkpointEvery, maxSnapshotGap(this.checkpointEvery, host.limits));
    this.snapshots = appSnapshotsOf(host.stateMachine);
    if (this.checkpointEvery > 0 && this.snapshots === undefined) throw new Error(`replica ${host.self}: checkpointEvery ${this.checkpointEvery} needs a state machine with snapshot() and restore()`);
    this.app = host.stateMachine.initial();
    this.executed = new ExecutedTable(host.limits.maxPendingRequests);
    this.executedLog = this.keepsHistory ? [] : undefined;
    // Everyone starts with the lowest id as leader: one leader, not a duel, in the common case.
    this.leader = host.peers[0] ?? host.self;
    const restored = host.restoredSnapshot();
    if (restored !== undefined) this.restore(restored.slot, restored.image);
    this.tracedLog = this.executedLog ?? [];
    // A restored history was shown by the NodeRestart step (by length, when not kept).
    this.tracedLength = this.executedLog?.length ?? this.executed.count;
    if (host.tracing) {
      this.requests.startJournal();
      this.proposals.startJournal();
      this.decisions.startJournal();
    }
  }

  /**
   * NodeRestart's replica part: rSlotIn = rSlotOut = rSnap.slot, rExecuted = rSnap.executed
   * (the node's Bootstrap showed this state until now; taking it over is no step).
   */
  protected restore(slot: number, image: ReplicaImage): void {
    this.app = image.app;
    this.executed = image.table;
    // Answers of our node's requests in the snapshot may never have reached its Requester.
    this.executed.oweAnswers(this.host.self);
    this.executedLog = this.keepsHistory ? (image.history ?? []).map((prop, i) => ({ prop, output: undefined, index: i + 1 })) : undefined;
    this.slotIn = slot;
    this.slotOut = slot;
    this.slotOutAtLastTick = slot;
    this.snapSlot = slot;
    this.snapLength = image.table.count;
  }

  /**
   * The history is kept for a Welcome without checkpoints (it ships it), and for a trace that
   * lists it; a sink that takes deltas gets it by length and this step's executions instead.
   */
  protected get keepsHistory(): boolean {
    return this.checkpointEvery === 0 || (this.host.tracing && !this.host.traceNamesHistory);
  }

  override start(): void {
    this.host.setTimer(REPLICA_GAP_TIMER, undefined, this.host.timing.gapMs);
    this.host.setTimer(REPLICA_LEADER_TIMER, undefined, this.host.timing.leaderTimeoutMs);
  }

  /** The application state after executing every slot below `slotOut` (for tests and Welcome). */
  get appState(): unknown {
    return this.app;
  }

  /** The spec's `rSlotOut`: the next slot this replica will execute. */
  get nextSlotToExecute(): number {
    return this.slotOut;
  }

  override get listsHistory(): boolean {
    return this.executedLog !== undefined;
  }

  /** Len(rExecuted): requests executed, snapshots included (the history itself may not be kept). */
  get executedCount(): number {
    return this.executed.count;
  }

  receive(from: NodeId, message: Message): void {
    switch (message.type) {
      case 'Invoke': this.receiveInvoke(message); break;
      case 'Decision':
        // The leader we follow decides: it is alive (its heartbeat skips us then, heartbeatPlan.ts).
        if (from === this.leader && from !== this.host.self) this.leaderHeard = true;
        this.receiveDecision(message);
        break;
      case 'Join': this.receiveJoin(message); break;
      case 'Welcome': this.receiveWelcome(message, from); break;
      case 'Active': this.receiveActive(from, message.ballot, message.slot); break;
      // Only a sign of life: a new leader is learnt from an Active, or from our acceptor's
      // Accepting hint when it promises the new ballot (following every Accept's ballot
      // changed how often leaders change, and with it what the churn scenarios exercise).
      case 'Accept': if (from !== this.host.self && message.ballot.leader === this.leader) this.leaderHeard = true; break;
      case 'Accepting': this.followLeader(message.leader, undefined); break;
      case 'CatchUp': this.receiveCatchUp(message); break;
      default: return;
    }
  }

  /**
   * ReplicaReceiveInvoke: queue a new request. An executed one is answered again from the
   * duplicate table, with its index in our history (the spec's answer; when we sent that
   * answer before, the trace checker takes the step as the stuttering step it then is).
   */
  receiveInvoke(m: Invoke): void {
    if (m.replica !== this.host.self) return;
    const key = proposalKey(m.prop);
    if (this.executed.has(m.prop)) {
      const done = this.executed.get(m.prop);
      if (done === undefined) {
        // Executed long ago (see executedTable.ts): no answer, as if it were lost.
        this.host.log(`replica ${this.host.self}: ${key} was executed, its output is no longer kept; not answered`);
        return;
      }
      this.answer(done);
      this.executed.answered(m.prop);
      this.host.action('Replica', 'ReplicaReceiveInvoke', this.host.tracing ? { output: done.output } : undefined);
      return;
    }
    if (this.requests.has(key) || this.decidedKeys.has(m.prop) || this.isProposed(m.prop)) return;
    if (this.requests.size >= this.host.limits.maxPendingRequests) {
      this.host.log(`replica ${this.host.self}: request queue full (${this.requests.size}); dropping Invoke ${key}`);
      return; // as if the Invoke were lost: the requester retransmits
    }
    this.requests.set(key, copyProposal(m.prop));
    this.host.action('Replica', 'ReplicaReceiveInvoke');
    const defer = this.deferral();
    if (defer === 'turn') this.proposeAtTurnEnd();
    else if (defer === 'never') this.proposeAll();
    // 'decision': the next Decision proposes what waits (receiveDecision).
  }

  /** Limits.deferProposals, when batching is on and a proposal of ours is in flight; else 'never'. */
  protected deferral(): Limits['deferProposals'] {
    const { deferProposals, batchMaxRequests } = this.host.limits;
    return batchMaxRequests > 1 && this.proposals.size > 0 ? deferProposals : 'never';
  }

  /** One 0 ms timer for every request this turn brings: they are proposed together when it fires. */
  protected proposeAtTurnEnd(): void {
    if (this.proposeTimerArmed) return;
    this.proposeTimerArmed = true;
    this.host.setTimer(REPLICA_PROPOSE_TIMER, undefined, 0);
  }

  /** ReplicaReceiveDecision, then execute what became executable. */
  receiveDecision(m: Decision): void {
    if (m.slot < this.snapSlot) return; // the snapshot holds its effect (spec guard)
    const known = this.decisions.get(m.slot);
    if (known !== undefined) {
      invariant(batchEquals(known, m.prop), () => `(Agreement) slot ${m.slot} decided as ${JSON.stringify(known)} and ${JSON.stringify(m.prop)}`);
      return; // already known: the spec step changes nothing
    }
    this.learn(m.slot, m.prop);
    this.host.action('Replica', 'ReplicaReceiveDecision');
    this.executeAll();
    this.checkpointIfDue();
    this.proposeAll();
  }

  /** ReplicaReceiveJoin: welcome a (re)joining node with our decisions and state. */
  receiveJoin(m: Join): void {
    if (m.node === this.host.self) return;
    this.joined.add(m.node);
    this.welcome(m.node, undefined);
  }

  /**
   * Send `node` a Welcome with our state at slotOut and the decisions we hold (spec
   * ReplicaReceiveJoin). `join`: the Join answered when it is not the message being handled
   * (a CatchUp answered with a Welcome, see receiveCatchUp).
   */
  protected welcome(node: NodeId, join: Join | undefined): void {
    // The joiner keeps the parts it got of our last Welcome (WelcomePartBuffer: per sender, one
    // Welcome, by slot and part count): the same parts again fill its holes, where a new Welcome
    // (another slot) makes it start over. At 5% loss a Welcome of 100 parts arrives whole 0.6% of
    // the time, so a state of a few MB was rarely transferred at all. They stay valid while we
    // took no snapshot past their slot (we then hold every decision from it on, for the joiner's
    // CatchUps) and are at most STALE_WELCOME_CATCHUPS CatchUp answers behind us (a joiner
    // catches up one answer per gap tick: 1,000 slots at the defaults, 7 s). Sending them again
    // is a Stutter (messages already sent).
    const sent = this.welcomesSent.get(node);
    if (sent !== undefined && sent[0]!.slot >= this.snapSlot
      && this.slotOut - sent[0]!.slot <= STALE_WELCOME_CATCHUPS * this.host.limits.maxCatchUpDecisions) {
      for (const part of sent) this.host.send(node, part);
      return;
    }
    if (this.decisions.size > this.host.limits.maxWelcomeDecisions) {
      this.host.log(`replica ${this.host.self}: ${this.decisions.size} decisions exceed maxWelcomeDecisions; cannot welcome ${node}`);
      return;
    }
    const state = this.welcomeState();
    const whole: Welcome = {
      type: 'Welcome',
      node,
      slot: this.slotOut,
      decisions: [...this.decisions].sort((a, b) => a[0] - b[0]).map(([slot, prop]) => ({ slot, prop })),
      executed: this.executedLog?.map((e) => e.prop) ?? [],
      executedLength: this.executed.count,
      state,
    };
    // One message when it fits, else parts that each fit (spec ReplicaReceiveJoin(n, m, k)).
    const parts = splitWelcome(whole, this.host.limits.maxWelcomeBytes);
    for (const part of parts) this.host.send(node, part);
    if (parts.length > 1) this.welcomesSent.set(node, parts);
    else this.welcomesSent.delete(node);
    const traced = this.host.tracing ? { digest: digestOf(this.host.stateMachine, this.app), ...(join === undefined ? {} : { from: node, message: join }) } : undefined;
    this.host.action('Replica', 'ReplicaReceiveJoin', traced);
  }

  /**
   * The state a Welcome transfers: ours after every slot below slotOut. With checkpoints, the
   * replica image as base64 (application snapshot bytes and duplicate table, checksummed;
   * `executed` then carries the history only while tracing, for the trace): O(the state), not
   * O(the history). Without, the application state as JSON and one output per executed request.
   */
  protected welcomeState(): WelcomeState {
    if (this.checkpointEvery === 0) return { app: this.app, outputs: this.executedLog!.map((e) => e.output) };
    return { app: checkpointTransfer(this.snapshots!, this.app, this.executed), outputs: this.executedLog?.map(() => null) ?? [] };
  }

  /**
   * ReplicaReceiveWelcome: jump ahead to the welcoming replica's slot and state. A part of a
   * Welcome sent in parts is kept until we hold every part of it (`from`: who sent it), and the
   * part that completes it installs the whole (spec: the other parts are in msgs); receiving a
   * part that completes nothing changes no spec variable.
   */
  receiveWelcome(m: Welcome, from?: NodeId): void {
    if (m.node !== this.host.self) return;
    if (welcomePartsOf(m) > 1) {
      const whole = this.heldParts.add(from ?? this.host.self, m);
      if (whole !== undefined) this.installWelcome(whole);
      return;
    }
    this.installWelcome(m);
  }

  /** ReplicaReceiveWelcome of a whole Welcome (sent whole, or assembled from its parts). */
  protected installWelcome(m: Welcome): void {
    if (!(this.slotOut < m.slot) || this.proposals.size !== 0) return;
    const installed = this.welcomeImage(m);
    if (installed === undefined) return;
    for (const d of m.decisions) {
      const known = this.decisions.get(d.slot);
      if (known === undefined) this.learn(d.slot, d.prop);
      else invariant(batchEquals(known, d.prop), () => `(Agreement) Welcome decides slot ${d.slot} as ${JSON.stringify(d.prop)}, we have ${JSON.stringify(known)}`);
    }
    this.app = installed.app;
    this.executed = installed.table;
    // Our node's requests the Welcome executed were answered by no replica of ours.
    this.executed.oweAnswers(this.host.self);
    this.executedLog = installed.log;
    if (this.host.tracing && installed.log === undefined) this.installedLength = installed.table.count;
    this.slotOut = m.slot;
    this.slotIn = Math.max(this.slotIn, m.slot);
    this.slotOutAtLastTick = this.slotOut;
    // Parts of other peers' Welcomes, at our slot or below now, would install nothing.
    this.heldParts.clear();
    // Execution moved on: a stall before the Welcome is over (its CatchUps count for no rejoin).
    this.catchUpsThisStall = 0;
    this.welcomeProbes = 0;
    this.host.action('Replica', 'ReplicaReceiveWelcome', this.host.tracing ? { digest: digestOf(this.host.stateMachine, this.app) } : undefined);
    // A state we did not build: the count decides the next snapshot, as after a restart.
    this.snapshotRule.restored();
    this.executeAll();
    this.checkpointIfDue();
    this.proposeAll();
  }

  /**
   * What a Welcome installs: its application state, duplicate table and (when we keep it)
   * history; undefined, logged, when its transferred state cannot be decoded (corrupted in
   * transit, another format): the Welcome is then dropped like a lost message.
   */
  protected welcomeImage(m: Welcome): { app: unknown; table: ExecutedTable; log: Execution[] | undefined } | undefined {
    const keep = this.host.limits.maxPendingRequests;
    if (this.checkpointEvery === 0) {
      // Without checkpoints the listed history is the state: its length must be the one named.
      if (m.executedLength !== undefined && m.executedLength !== m.executed.length) {
        this.host.log(`replica ${this.host.self}: dropped a Welcome for slot ${m.slot}: it names a history of ${m.executedLength} requests and lists ${m.executed.length}`);
        return undefined;
      }
      // The state itself, as JSON: a machine whose states are not JSON values reads it back.
      const fromJson = this.host.stateMachine.fromJson;
      let app = m.state.app;
      if (fromJson !== undefined) {
        try {
          app = fromJson.call(this.host.stateMachine, m.state.app);
        } catch (e) {
          this.host.log(`replica ${this.host.self}: dropped a Welcome for slot ${m.slot}: its state is not one of the application's: ${(e as Error).message}`);
          return undefined;
        }
      }
      const table = new ExecutedTable(keep);
      const log = m.executed.map((prop, i) => table.record(copyProposal(prop), m.state.outputs[i]));
      return { app, table, log };
    }
    try {
      const image = readCheckpointTransfer(this.snapshots!, m.state.app, keep);
      if (this.keepsHistory && m.executed.length !== image.table.count) throw new Error(`it lists ${m.executed.length} executed requests, its table counts ${image.table.count}`);
      if (m.executedLength !== undefined && m.executedLength !== image.table.count) throw new Error(`it names a history of ${m.executedLength} requests, its table counts ${image.table.count}`);
      const log = this.keepsHistory ? m.executed.map((prop, i) => ({ prop: copyProposal(prop), output: undefined, index: i + 1 })) : undefined;
      return { app: image.app, table: image.table, log };
    } catch (e) {
      this.host.log(`replica ${this.host.self}: dropped a Welcome for slot ${m.slot}: ${(e as Error).message}`);
      return undefined;
    }
  }

  /**
   * Answer a CatchUp with the decisions we know from its slot on (resent Decisions: a
   * Stutter). Below our snapshot we no longer have them: if the asker ever sent us a Join
   * (it restarted or joined; that Join stays in the spec's network), we answer that Join again
   * with a Welcome at our slotOut, a ReplicaReceiveJoin the spec allows at any time; the asker
   * installs it once it has no proposal pending (spec ReplicaReceiveWelcome). Otherwise the
   * spec has no step that serves it (docs/design-checkpoints.md, "Not done").
   */
  receiveCatchUp(m: CatchUp): void {
    if (m.replica === this.host.self) return;
    if (m.slot < this.snapSlot && !this.decisions.has(m.slot)) { // not even in our tail
      if (this.joined.has(m.replica)) this.welcome(m.replica, { type: 'Join', node: m.replica });
      else this.host.log(`replica ${this.host.self}: replica ${m.replica} asks from slot ${m.slot}, below our snapshot at ${this.snapSlot}; no Join of it to answer`);
      return;
    }
    let sent = 0;
    for (let slot = m.slot; sent < this.host.limits.maxCatchUpDecisions; slot++) {
      const prop = this.decisions.get(slot);
      if (prop === undefined) break;
      this.host.send(m.replica, { type: 'Decision', slot, prop });
      sent++;
    }
  }

  /** ReplicaSnapshot when `checkpointEvery` slots were executed since the last one (and, for a large state, as much log: snapshotRule.ts). */
  protected checkpointIfDue(): void {
    if (this.snapshotRule.due(this.slotOut - this.snapSlot)) this.takeSnapshot();
  }

  /**
   * ReplicaSnapshot: our state at slotOut goes to disk (the `snapshot` record, durable before
   * any message of this call leaves and before our acceptor may compact below it). A replica
   * that proposed nothing lately moves its next proposal slot up to the snapshot (as the spec
   * does): every slot below is decided and its decision will be forgotten, so a proposal
   * there would wait forever (no compacted leader takes it, and ReplicaSkipSlot needs the
   * decision). Then ReplicaForget below the previous snapshot's slot: those decisions' effect
   * is in both snapshots, and the ones between stay as a tail for peers a little behind.
   */
  protected takeSnapshot(): void {
    const slot = this.slotOut;
    const previous = this.snapSlot;
    // The history goes to disk only for a trace that lists it (a restart's first event shows it).
    const history = this.host.tracing && this.executedLog !== undefined ? this.executedLog.map((e) => e.prop) : undefined;
    const { bytes, appBytes } = encodeReplicaImageSized(this.snapshots!, { app: this.app, table: this.executed, history });
    this.host.appendDurable({ kind: 'snapshot', slot, state: bytes });
    this.snapshotRule.taken(appBytes);
    this.snapSlot = slot;
    this.snapLength = this.executed.count;
    this.slotIn = Math.max(this.slotIn, slot);
    this.host.action('Replica', 'ReplicaSnapshot');
    this.forgetBelow(previous);
    // Frees their memory (welcome() also checks their slot against the snapshot's).
    this.welcomesSent.clear();
    // Our node's acceptor may now compact below it (AcceptorCompact, its own step).
    this.host.findRole<Role & { compactIfDue?: () => boolean }>('Acceptor')?.compactIfDue?.();
  }

  /** ReplicaPropose / ReplicaSkipSlot while the window allows, one spec action each. */
  protected proposeAll(): void {
    while (this.requests.size > 0 && this.slotIn < this.slotOut + this.host.limits.window) {
      if (this.decisions.has(this.slotIn)) {
        this.slotIn++;
        this.host.action('Replica', 'ReplicaSkipSlot');
        continue;
      }
      this.propose(this.nextBatch());
    }
  }

  /**
   * The oldest waiting requests, as many as a batch holds (spec WaitingBatches: 1 to
   * Min(waiting, BatchMax) of them): at most batchMaxRequests, and no more input text than
   * batchMaxInput unless the first request alone is longer.
   */
  protected nextBatch(): Proposal[] {
    const { batchMaxRequests, batchMaxInput } = this.host.limits;
    const q: Proposal[] = [];
    let input = 0;
    for (const prop of this.requests.values()) {
      if (q.length >= batchMaxRequests || (q.length > 0 && input + prop.input.length > batchMaxInput)) break;
      q.push(prop);
      input += prop.input.length;
    }
    return q;
  }

  /** ReplicaPropose of one batch of waiting requests for slot slotIn. */
  protected propose(q: readonly Proposal[]): void {
    const slot = this.slotIn;
    const prop = batchOf(q);
    this.proposals.set(slot, prop);
    this.forgetWaiting(q);
    const propose = { type: 'Propose', slot, prop } as const;
    if (this.slotTakenAtLeader(slot)) this.host.sendToNone(propose);
    else this.host.send(this.leader, propose);
    this.slotIn++;
    this.host.action('Replica', 'ReplicaPropose', this.host.tracing ? { proposal: prop } : undefined);
  }

  /**
   * Removes the requests of `q` from those waiting, in q's order. A batch from nextBatch is the
   * oldest of them, so their keys are the map's first ones, already built and hashed: building
   * each key again (a new string of the whole input) to delete it cost 3% of a batched run.
   * (Deleting the entry a Map iterator is on is well-defined: it goes on to the next one.)
   */
  private forgetWaiting(q: readonly Proposal[]): void {
    let i = 0;
    for (const [key, waiting] of this.requests) {
      if (i === q.length || waiting !== q[i]) break;
      this.requests.delete(key);
      i++;
    }
    for (; i < q.length; i++) this.requests.delete(proposalKey(q[i]!)); // not a prefix of the waiting ones
  }

  /**
   * Our node's acceptor accepted a proposal for `slot` from the leader we follow, under the
   * ballot it promised last: that leader holds a proposal for the slot, and LeaderReceivePropose
   * takes no second one, so our Propose would change nothing there (every replica proposes for
   * the same next slot, and most Proposes are such losers). The ReplicaPropose step still
   * happens, its Propose sent to no node: the slot decided with the other proposal re-queues
   * ours (execute), and if that leader restarts and forgets its proposals, the stuck tick
   * resends ours (resendProposals).
   */
  protected slotTakenAtLeader(slot: number): boolean {
    const acceptor = this.host.findRole<Acceptor>('Acceptor');
    const accepted = acceptor?.acceptedFor(slot);
    return accepted !== undefined && accepted.ballot.leader === this.leader && ballotEquals(accepted.ballot, acceptor!.promised);
  }

  /** ReplicaExecute for every slot from slotOut that is decided. */
  protected executeAll(): void {
    for (let d = this.decisions.get(this.slotOut); d !== undefined; d = this.decisions.get(this.slotOut)) {
      const slot = this.slotOut;
      this.execute(slot, d);
      // Here, not when a snapshot forgets the slot: a snapshot would then uncount thousands of
      // requests in one step, a pause of tens of ms for every client (bench:cluster, batches).
      this.uncount(slot);
    }
  }

  /**
   * ReplicaExecute: the requests of our own batch for the slot that are not in the decided one
   * wait for another slot; the decided batch's requests run in its order, each one executed
   * before skipped (a request can be decided in two slots), and each caller is answered.
   */
  protected execute(slot: number, decided: Batch): void {
    invariant(slot === this.slotOut, () => `replica ${this.host.self} executes slot ${slot} out of order (next is ${this.slotOut})`);
    const own = this.proposals.get(slot);
    if (own !== undefined) {
      this.proposals.delete(slot);
      for (const r of requestsOf(own)) if (!inBatch(r, decided)) this.requests.set(proposalKey(r), r);
    }
    const run: Execution[] | undefined = this.host.tracing ? [] : undefined; // only the trace reads it
    for (const request of requestsOf(decided)) {
      if (this.executed.has(request)) continue;
      const [next, output] = this.host.stateMachine.apply(this.app, request.input);
      this.app = next;
      const entry = this.executed.record(request, output);
      this.executedLog?.push(entry);
      if (this.host.tracing && this.executedLog === undefined) this.tracedRun.push(request);
      invariant(this.executedLog === undefined || this.executedLog.length === this.executed.count, () => `replica ${this.host.self}: history and duplicate table disagree`);
      this.answer(entry);
      run?.push(entry);
    }
    if (this.checkpointEvery > 0) this.snapshotRule.executed(requestsOf(decided));
    this.slotOut++;
    this.host.action('Replica', 'ReplicaExecute', run !== undefined ? this.executeParams(decided, run) : undefined);
  }

  /**
   * Tell the request's caller its output and where the request stands in our history. Only a
   * caller on this node is sent it: a client invokes through its own node's replica, which
   * answers it when it executes the request (or from its table when the client retries), so
   * answers from the other replicas would be four network messages per request that the
   * client drops. They are still the spec step's message (ReplicaExecute sends an answer),
   * sent to no node: a loss, which the spec's network allows.
   */
  protected answer(e: Execution): void {
    const invoked = { type: 'Invoked', replica: this.host.self, prop: e.prop, index: e.index, output: e.output } as const;
    if (e.prop.caller === this.host.self) this.host.send(this.host.self, invoked);
    else this.host.sendToNone(invoked);
  }

  /**
   * What the trace checker needs to replay the application: the output (one per request run,
   * for a batch of two or more) and the state after.
   */
  protected executeParams(decided: Batch, run: readonly Execution[]): ActionParams {
    const proposal = decided;
    if (run.length === 0) return { proposal };
    const digest = digestOf(this.host.stateMachine, this.app);
    return isLongBatch(decided) ? { proposal, outputs: run.map((e) => e.output), digest } : { proposal, output: run[0]!.output, digest };
  }

  /** ReplicaProposeNoop when a gap blocks execution; also ask peers for what we missed. */
  override onTimer(name: string, _key?: string): void {
    if (name === REPLICA_GAP_TIMER) {
      const gap = this.blockedByGap();
      if (gap && !this.proposals.has(this.slotOut)) {
        this.host.send(this.leader, { type: 'Propose', slot: this.slotOut, prop: NOOP });
        // The spec step requires the Propose is new; ours again is a retransmission (Stutter).
        if (this.noopSlot !== this.slotOut) this.host.action('Replica', 'ReplicaProposeNoop');
        this.noopSlot = this.slotOut;
      }
      const moved = this.slotOut !== this.slotOutAtLastTick;
      // A leader's heartbeat since the last tick showed its node past us: we lost Decisions that
      // no later one will show as a gap (the cluster may be idle). A stall like any other: ask
      // the peers in turn, and rejoin if they all compacted what we miss.
      const behind = this.heardAhead;
      this.heardAhead = false;
      const stuck = !moved && (this.proposals.size > 0 || this.requests.size > 0 || behind);
      if (moved) this.catchUpsThisStall = 0;
      // Stuck with nothing decided after slotOut is the same case when the peers compacted
      // everything we miss: they hold no Decision to send, so no later one arrives either.
      if ((gap || stuck) && !moved && this.behindCompactedRange()) {
        this.host.log(`replica ${this.host.self}: no decision for slot ${this.slotOut} after asking every peer ${REJOIN_AFTER_ROUNDS} times; rejoining`);
        this.host.rejoin(); // NodeRestart: this role is gone, a Bootstrap Joins
        return;
      }
      if (gap || stuck) {
        this.askCatchUp(this.catchUpsThisStall++);
        this.resendProposals();
      } else if (this.welcomeProbes >= 0) {
        // After a Welcome: ask on its first tick, then again while the answers move us on, at
        // most CATCHUPS_AFTER_WELCOME times (under load, Decisions move us on anyway).
        if ((this.welcomeProbes > 0 && !moved) || this.welcomeProbes >= CATCHUPS_AFTER_WELCOME) this.welcomeProbes = -1;
        else this.askCatchUp(this.welcomeProbes++);
      }
      this.slotOutAtLastTick = this.slotOut;
      this.host.setTimer(REPLICA_GAP_TIMER, undefined, this.host.timing.gapMs);
    } else if (name === REPLICA_PROPOSE_TIMER) {
      // A Decision since it was armed may have proposed them already: then this does nothing.
      this.proposeTimerArmed = false;
      this.proposeAll();
    } else if (name === REPLICA_LEADER_TIMER) {
      if (!this.leaderHeard && !this.ownLeaderActive() && this.hasWorkForLeader()) {
        // Our leader went silent: try the next peer (cluster.py), with everything pending.
        const i = this.host.peers.indexOf(this.leader);
        this.leader = this.host.peers[(i + 1) % this.host.peers.length] ?? this.host.self;
        this.leaderBallot = BOTTOM_BALLOT;
        this.resendProposals();
      }
      this.leaderHeard = false;
      this.host.setTimer(REPLICA_LEADER_TIMER, undefined, this.host.timing.leaderTimeoutMs);
    }
  }

  snapshot(state: NodeSpecState, namedHistory = false): void {
    state.rSlotIn = this.slotIn;
    state.rSlotOut = this.slotOut;
    state.rRequests = sortedByJson([...this.requests.values()].map(copyProposal));
    state.rProposals = sortedByJson([...this.proposals].map(([slot, prop]) => copySlotProp({ slot, prop })));
    state.rDecisions = sortedByJson([...this.decisions].map(([slot, prop]) => copySlotProp({ slot, prop })));
    if (this.executedLog === undefined && namedHistory) {
      // By length (Node.traceState): the writer diffs it against the node's previous event.
      state.rExecuted = historyByLength(this.executed.count);
      state.rSnap = { slot: this.snapSlot, executed: historyByLength(this.snapLength) };
      return;
    }
    const history = this.executedLog ?? [];
    state.rExecuted = history.map((e) => copyProposal(e.prop));
    state.rSnap = { slot: this.snapSlot, executed: history.slice(0, this.snapLength).map((e) => copyProposal(e.prop)) };
  }

  override traceChanges(changes: StateChanges, hosted: boolean): void {
    const item = (slot: number, prop: Batch | undefined) => (prop === undefined ? undefined : copySlotProp({ slot, prop }));
    this.requests.drain((_key, before, after) => changes.change('rRequests', before && copyProposal(before), after && copyProposal(after)));
    this.proposals.drain((slot, before, after) => changes.change('rProposals', item(slot, before), item(slot, after)));
    this.decisions.drain((slot, before, after) => changes.change('rDecisions', item(slot, before), item(slot, after)));
    if (!hosted) {
      // Without a replica a node shows the initial replica state.
      for (const prop of this.requests.values()) changes.change('rRequests', copyProposal(prop), undefined);
      for (const [slot, prop] of this.proposals) changes.change('rProposals', item(slot, prop), undefined);
      for (const [slot, prop] of this.decisions) changes.change('rDecisions', item(slot, prop), undefined);
      // ...restored from its snapshot (NodeRestart): rExecuted = rSnap.executed, a prefix.
      if (this.snapLength === 0 && this.tracedLength > 0) changes.executed = { reset: [] };
      else if (this.snapLength > 0 && this.tracedLength !== this.snapLength) changes.truncateExecuted(this.snapLength);
      this.tracedLength = this.snapLength;
      return;
    }
    changes.scalars.rSlotIn = this.slotIn;
    changes.scalars.rSlotOut = this.slotOut;
    changes.scalars.rSnapSlot = this.snapSlot;
    changes.scalars.rSnapLength = this.snapLength;
    this.traceExecuted(changes);
  }

  /** rExecuted's change: what was appended, or its whole value when the old one is not a prefix of it. */
  private traceExecuted(changes: StateChanges): void {
    if (this.executedLog === undefined) {
      // No history kept: the Welcome installed, by length, then what this step executed.
      if (this.installedLength !== undefined) changes.executed = { reset: { historyLength: this.installedLength } };
      if (this.tracedRun.length > 0) changes.appendExecuted(this.tracedRun.map(copyProposal));
      this.tracedRun = [];
      this.installedLength = undefined;
      this.tracedLength = this.executed.count;
      return;
    }
    const log = this.executedLog ?? [];
    const was = this.tracedLog;
    const from = this.tracedLength;
    this.tracedLog = log;
    this.tracedLength = log.length;
    let prefix = from <= log.length;
    // The same array was only appended to; a new one (a Welcome) is compared with the old once.
    if (prefix && log !== was) for (let i = 0; i < from && prefix; i++) prefix = propKey(was[i]!.prop) === propKey(log[i]!.prop);
    if (!prefix) changes.executed = { reset: log.map((e) => copyProposal(e.prop)) };
    else if (log.length > from) changes.appendExecuted(log.slice(from).map((e) => copyProposal(e.prop)));
  }

  /**
   * Whether we need a leader: proposals in flight, requests waiting for a slot, or a gap before
   * a later decision (its no-op Propose goes to the leader we follow). Proposals alone were not
   * enough: with the window full behind a gap, a replica whose leader died for good held no
   * proposal, kept sending the gap's no-op to the dead node, and never moved on.
   */
  protected hasWorkForLeader(): boolean {
    return this.proposals.size > 0 || this.requests.size > 0 || this.blockedByGap();
  }

  /** Execution waits on a gap: slotOut is undecided, and a later slot is decided. */
  protected blockedByGap(): boolean {
    return !this.decisions.has(this.slotOut) && this.hasDecisionAfter(this.slotOut);
  }

  /** An Active from a leader with `ballot`. */
  protected receiveActive(from: NodeId, ballot: Ballot, slot: number | undefined): void {
    if (from === this.host.self) return;
    this.followLeader(ballot.leader, ballot);
    if (ballot.leader === this.leader) this.leaderHeard = true;
    if (slot !== undefined && slot > this.slotOut) this.heardAhead = true;
  }

  /** Switch to `leader` unless we already follow a leader with a higher ballot. */
  protected followLeader(leader: NodeId, ballot: Ballot | undefined): void {
    if (ballot !== undefined && ballotLess(ballot, this.leaderBallot)) return;
    if (ballot !== undefined) this.leaderBallot = ballot;
    if (leader === this.leader || leader === 0) return;
    this.leader = leader;
    this.leaderHeard = true;
    this.resendProposals();
  }

  /** Resend every pending proposal to the current leader (Propose already sent: a Stutter). */
  protected resendProposals(): void {
    for (const [slot, prop] of [...this.proposals].sort((a, b) => a[0] - b[0])) {
      this.host.send(this.leader, { type: 'Propose', slot, prop });
    }
  }

  /**
   * With checkpoints, a gap that CatchUp did not fill after every peer was asked
   * REJOIN_AFTER_ROUNDS times: the peers have most likely compacted the slots we miss (their
   * Decisions there are gone, and the spec's Welcome answers only a Join). Without
   * checkpoints every decision stays at every peer that learnt it, so we keep asking.
   */
  protected behindCompactedRange(): boolean {
    // Without peers (a cluster of one) nobody compacted what this replica misses: its own
    // acceptor kept every pvalue above its snapshot, and its leader re-drives them.
    return this.checkpointEvery > 0 && this.others().length > 0 && this.catchUpsThisStall >= REJOIN_AFTER_ROUNDS * this.others().length;
  }

  /**
   * The peer the k-th CatchUp of a stall asks: first the leader we follow (its node learns every
   * decision first), then each other peer in turn. One peer per tick, not all of them: every
   * peer asked answers with up to maxCatchUpDecisions Decisions, mostly the same ones.
   */
  /** A CatchUp from our slotOut to the k-th peer to ask (catchUpPeer). */
  private askCatchUp(k: number): void {
    const peer = this.catchUpPeer(k);
    if (peer !== undefined) this.host.send(peer, { type: 'CatchUp', replica: this.host.self, slot: this.slotOut });
  }

  protected catchUpPeer(k: number): NodeId | undefined {
    const others = this.others();
    if (others.length === 0) return undefined;
    const first = Math.max(0, others.indexOf(this.leader));
    return others[(first + k) % others.length];
  }

  protected learn(slot: number, prop: Batch): void {
    this.decisions.set(slot, copyBatch(prop));
    this.countedSlots.add(slot);
    this.decidedKeys.add(requestsOf(prop));
    this.maxDecidedSlot = Math.max(this.maxDecidedSlot, slot);
  }

  /**
   * ReplicaForget(n, s): drop our decisions below `slot` (at most our snapshot's), one spec step
   * when there is any (the spec's s is then the slot after the highest one dropped).
   */
  protected forgetBelow(slot: number): void {
    let forgot = false;
    for (const s of [...this.decisions.keys()]) if (s < slot) { this.forget(s); forgot = true; }
    if (forgot) this.host.action('Replica', 'ReplicaForget');
  }

  /** Drop the decision of `slot` (below a snapshot). */
  protected forget(slot: number): void {
    if (!this.decisions.has(slot)) return;
    this.uncount(slot); // a slot never executed here (a snapshot installed past it)
    this.decisions.delete(slot);
  }

  /** decidedKeys stops counting the requests of decided `slot`, if it still counts them. */
  protected uncount(slot: number): void {
    if (!this.countedSlots.delete(slot)) return;
    this.decidedKeys.remove(requestsOf(this.decisions.get(slot)!));
  }

  /** Is request `prop` in one of our own pending batches? */
  protected isProposed(prop: Proposal): boolean {
    for (const p of this.proposals.values()) if (inBatch(prop, p)) return true;
    return false; // rProposals holds at most `window` entries: a short scan
  }

  protected hasDecisionAfter(slot: number): boolean {
    return this.maxDecidedSlot > slot;
  }

  protected ownLeaderActive(): boolean {
    if (this.leader !== this.host.self) return false;
    const leader = this.host.findRole<Role & { isActive: boolean }>('Leader');
    return leader?.isActive ?? false;
  }

  protected others(): NodeId[] {
    return this.host.peers.filter((p) => p !== this.host.self);
  }
}
