/**
 * Node: hosts roles, validates and dispatches what arrives, delivers self-addressed messages
 * through a local FIFO queue, and turns the roles' requests into one Output per call.
 * See api.ts for the contract with the host.
 */
import { DEFAULT_LIMITS, DEFAULT_TIMING, MAX_BATCH_INPUT, MAX_BATCH_REQUESTS, MAX_CLOCK, MAX_INPUT_LENGTH, type Limits, type Timing } from '../protocol/limits.js';
import { NODE_LOCAL_MESSAGE_TYPES, type Message, type SpecMessage } from '../protocol/messages.js';
import { toSpecMessage, toTraceMessage } from '../protocol/projection.js';
import { checkEnvelope, wireSizeProblem } from '../protocol/validate.js';
import { copyBallot, copyBatch, copyPValue, type Ballot, type NodeId } from '../protocol/values.js';
import { DurableFold, emptyDurableState, freezeRecord } from '../storage/fold.js';
import type {
  ClientEventParams, ClientResult, DurableRecord, Envelope, InvokeOptions, InvokeRefusal, NodeApi, NodeEnvironment, NodeOptions,
  NodeSpecState, NodeStats, Output, RoleName, StateMachine, TimerRequest, TraceEvent,
} from './api.js';
import { DEFAULT_ROLES } from './default-roles.js';
import { IN_PROCESS_HOST } from './inProcessHost.js';
import { routeKeyOf, timerRole, type ActionParams, type Role, type RoleHost } from './role.js';
import type { RoleFactories } from './role-factories.js';
import type { Requester } from '../roles/requester.js';
import { invariant } from '../protocol/assert.js';
import { copyMessage } from '../protocol/messageCopy.js';
import { IncrementalTrace, lazyState } from './incrementalTrace.js';
import { NODE_DELTA, type DeltaSource, type NodeDelta } from '../trace/format/nodeDelta.js';
import type { NodeStateJson } from '../trace/format/types.js';
import { appSnapshotsOf, decodeReplicaImage, type ReplicaImage } from '../roles/replicaImage.js';

/**
 * Options of a Node beyond NodeOptions (api.ts): checkpoints (docs/design-checkpoints.md).
 * `checkpointEvery`: the replica snapshots its state every this many executed slots (a state
 * over 64 KiB: only when as much log came since, src/roles/snapshotRule.ts), and its node's
 * acceptor and leader then compact below the snapshot; 0 or absent: never (every
 * existing trace stays what it was). Needs a state machine with snapshot() and restore().
 */
export interface CheckpointOptions {
  readonly checkpointEvery?: number;
}

/**
 * The checkpoint interval a Member and `paxos node` use unless told otherwise: a snapshot costs
 * O(the application state), so not too often; between two, a node keeps this many slots of
 * decisions and pvalues, and its messages stay far below a datagram.
 */
export const DEFAULT_CHECKPOINT_EVERY = 1_000;

/** Key prefix of an unkeyed timer armed after a rejoin: `@<epoch>` (see fireTimer). */
const EPOCH_KEY_PREFIX = '@';

/** Self-addressed messages one call may generate before we call it a livelock (a bug). */
export const MAX_LOCAL_STEPS = 1_000_000;

interface Context { from?: NodeId; message?: Message; timer?: string; role?: RoleName }
/** The context between calls and of a call's start (never mutated: contexts are replaced). */
const NO_CONTEXT: Context = Object.freeze({});

export class Node implements NodeApi {
  readonly id: NodeId;
  readonly peers: readonly NodeId[];
  readonly stats: NodeStats = { invalidMessages: 0, unhandledMessages: 0, events: 0, networkSent: {}, localSent: {}, sentToNone: {} };
  readonly limits: Limits;
  readonly timing: Timing;

  private readonly env: NodeEnvironment;
  /** The host vouched that envelopes are copies of its nodes' outputs (inProcessHost.ts): no schema checks. */
  private readonly inProcessHost: boolean;
  /** A trace sink is set: steps build trace events (and the context they read). */
  private readonly tracing: boolean;
  private readonly startAs: 'member' | 'seed' | 'join';
  private readonly factories: RoleFactories;
  private readonly stateMachine: StateMachine<any>;
  private readonly checkpointEvery: number;
  private readonly host: RoleHost;
  /** Hosted roles in the order they were added (a Set: commanders come and go by thousands). */
  private readonly roles = new Set<Role>();
  /**
   * `<RoleName>|<routeKey>` -> the instances with that key (normally one). A list is replaced,
   * never changed in place, so a handler that adds or removes roles leaves the list being
   * iterated alone: dispatch need not copy it.
   */
  private readonly routed = new Map<string, readonly Role[]>();
  /** The few roles without a route key (Acceptor, Replica, Leader, ...), in order added. */
  private readonly unrouted: Role[] = [];
  /** Message type -> the unrouted roles that handle it, in order added; rebuilt (new lists) after a change of `unrouted`. */
  private unroutedByType = new Map<string, readonly Role[]>();
  private readonly localQueue: { from: NodeId; message: Message }[] = [];
  /** The durable state: what the host recovered, then every record appended since. */
  private readonly durable: DurableFold;
  private seq: number;
  private lamport: number;
  private started = false;
  private busy = false;
  /** Rejoins so far (RoleHost.rejoin): unkeyed timers of an earlier epoch are stale. */
  private timerEpoch = 0;

  // Per call:
  private records: DurableRecord[] = [];
  private messages: Envelope[] = [];
  private timers: TimerRequest[] = [];
  private results: ClientResult[] = [];
  // Per step:
  /**
   * The step's sends so far, in order: the first stepSendCount entries of both lists (`to`
   * null: sent to no node, RoleHost.sendToNone, so only the trace shows it). The lists are
   * kept from step to step: a new list of sends per step cost an allocation per send.
   */
  private readonly sendTo: (NodeId | null)[] = [];
  private readonly sendMessage: (Message | undefined)[] = [];
  private stepSendCount = 0;
  private rolesChanged = false;
  private context: Context = NO_CONTEXT;
  /**
   * The brand of {@link Node.ownsItsOutputs}: a private field, so a Proxy or wrapper
   * around a Node (a test's spy, which may keep what it returns) does not carry it.
   */
  readonly #ownOutputs = true;
  /** Tracing on and every role class reports its changes: events carry deltas built from them. */
  private readonly incremental: IncrementalTrace | null;
  /** This incarnation, as its events name it for the trace writer (see nodeDelta.ts). */
  private readonly deltaSource: DeltaSource = { current: () => this.traceState() as NodeStateJson };

  constructor(id: NodeId, peers: readonly NodeId[], env: NodeEnvironment, options: NodeOptions & CheckpointOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    const sorted = [...new Set(peers)].sort((a, b) => a - b);
    if (!Number.isSafeInteger(id) || id < 1 || !sorted.includes(id)) throw new Error(`node id ${id} must be a positive integer among peers ${JSON.stringify(peers)}`);
    if (sorted.some((p) => !Number.isSafeInteger(p) || p < 1)) throw new Error(`peers must be positive integers, got ${JSON.stringify(peers)}`);
    if (sorted.length > this.limits.maxNodes) throw new Error(`${sorted.length} nodes exceed maxNodes ${this.limits.maxNodes}`);
    const batch = this.limits.batchMaxRequests;
    // The message schemas take batches of at most MAX_BATCH_REQUESTS (a batch is drawn from the requests waiting).
    if (!Number.isSafeInteger(batch) || batch < 1 || batch > MAX_BATCH_REQUESTS) throw new RangeError(`limits.batchMaxRequests must be an integer in 1..${MAX_BATCH_REQUESTS}, got ${batch}`);
    // Peers refuse a longer input (the schemas' maxLength) or a larger batch (an acceptor could not log it).
    const { maxInputLength, batchMaxInput } = this.limits;
    if (!Number.isSafeInteger(maxInputLength) || maxInputLength < 0 || maxInputLength > MAX_INPUT_LENGTH) throw new RangeError(`limits.maxInputLength must be an integer in 0..${MAX_INPUT_LENGTH}, got ${maxInputLength}`);
    if (!Number.isSafeInteger(batchMaxInput) || batchMaxInput < 0 || batchMaxInput > MAX_BATCH_INPUT) throw new RangeError(`limits.batchMaxInput must be an integer in 0..${MAX_BATCH_INPUT}, got ${batchMaxInput}`);
    // The message schemas accept node ids up to DEFAULT_LIMITS.maxNodes (ids are 1..N).
    if (sorted.some((p) => p > DEFAULT_LIMITS.maxNodes)) throw new Error(`node ids must be at most ${DEFAULT_LIMITS.maxNodes}, got ${JSON.stringify(peers)}`);
    this.id = id;
    this.peers = Object.freeze(sorted);
    this.env = env;
    this.inProcessHost = env.inputs === IN_PROCESS_HOST;
    this.tracing = env.trace !== undefined;
    this.startAs = options.startAs ?? 'member';
    this.factories = { ...DEFAULT_ROLES, ...options.roles };
    this.stateMachine = options.stateMachine;
    this.seq = env.resume?.traceSeq ?? 0;
    this.lamport = env.resume?.clock ?? 0;
    // A brand-new node starts from the state its records fold from: nothing to write yet.
    const recovered = env.durable ?? emptyDurableState(id);
    if (recovered.lBallot.leader !== id) throw new Error(`durable lBallot ${JSON.stringify(recovered.lBallot)} does not belong to node ${id}`);
    this.durable = new DurableFold(recovered);
    const every = options.checkpointEvery ?? 0;
    if (!Number.isSafeInteger(every) || every < 0) throw new RangeError(`checkpointEvery must be a non-negative integer, got ${every}`);
    this.checkpointEvery = every;
    // A snapshot that cannot be decoded is refused here, with its reason, before any role runs.
    if (recovered.snapshot !== undefined) this.refuseSnapshotWithoutHistory(this.decodeSnapshot());
    this.host = this.makeHost();
    const incremental = Object.values(this.factories).every((F) => typeof (F.prototype as Role).traceChanges === 'function');
    this.incremental = env.trace !== undefined && incremental ? new IncrementalTrace() : null;
  }

  /**
   * Is `node` a Node itself (not a wrapper)? Then what its Outputs hold is the host's alone:
   * every envelope is a deep copy it made at the step that sent it and never touches again
   * (recordStep), so a host that delivers it to one node only need not copy it once more; and
   * every durable record is a frozen copy (freezeRecord, see appendDurable).
   */
  static ownsItsOutputs(node: unknown): boolean {
    return typeof node === 'object' && node !== null && #ownOutputs in node;
  }

  get traceSeq(): number {
    return this.seq;
  }

  get clock(): number {
    return this.lamport;
  }

  roleNames(): RoleName[] {
    return [...this.roles].map((r) => r.name);
  }

  /** The hosted roles (tests and the simulator inspect them; do not mutate). */
  hostedRoles(): readonly Role[] {
    return [...this.roles];
  }

  start(): Output {
    if (this.started) throw new Error(`node ${this.id}: start() called twice`);
    this.started = true;
    return this.call(NO_CONTEXT, () => {
      this.addRole(new this.factories.Requester(this.host));
      if (this.startAs === 'member') {
        this.addRole(new this.factories.Acceptor(this.host));
        this.addRole(new this.factories.Replica(this.host));
        this.addRole(new this.factories.Leader(this.host));
      } else if (this.startAs === 'seed') {
        this.addRole(new this.factories.Seed(this.host));
      } else {
        this.addRole(new this.factories.Bootstrap(this.host));
      }
      this.rolesChanged = false; // the initial roles are not a step
      this.endStep('Node');
    });
  }

  receive(raw: unknown): Output {
    let envelope: Envelope;
    if (this.inProcessHost) {
      envelope = raw as Envelope;
      assertFromCluster(envelope, this.id, this.peers);
      const tooLarge = wireSizeProblem(envelope.message);
      if (tooLarge !== undefined) return this.dropInvalid(tooLarge);
    } else {
      const checked = checkEnvelope(raw, this.id, this.peers);
      if (!checked.ok) return this.dropInvalid(checked.reason);
      envelope = checked.value;
    }
    // call() inlined: a message is the run's commonest call, and a closure per call costs.
    this.enter(NO_CONTEXT);
    try {
      // Followed only up to MAX_CLOCK, so that this node's clock stays a safe integer (limits.ts).
      if (envelope.clock > MAX_CLOCK) this.log(`node ${this.id}: a clock of ${envelope.clock} from node ${envelope.from} is over ${MAX_CLOCK}: followed only to there`);
      this.lamport = Math.max(this.lamport, Math.min(envelope.clock, MAX_CLOCK));
      this.dispatch(envelope.from, envelope.message);
      return this.finish();
    } finally {
      this.leave();
    }
  }

  private dropInvalid(reason: string): Output {
    this.stats.invalidMessages++;
    this.log(`node ${this.id}: dropped invalid input: ${reason}`);
    return emptyOutput();
  }

  /** A timer this node asked for is due (see {@link NodeApi.fireTimer}). */
  fireTimer(name: string, key?: string): Output {
    if (this.timerEpoch > 0) {
      // After a rejoin the roles that armed unkeyed timers before it are gone; their
      // successors' timers carry the epoch (a periodic timer must not run two chains).
      if (key === undefined) return emptyOutput();
      if (key.startsWith(EPOCH_KEY_PREFIX)) {
        if (key !== `${EPOCH_KEY_PREFIX}${this.timerEpoch}`) return emptyOutput();
        key = undefined;
      }
    }
    const owner = timerRole(name);
    const keyed = key === undefined ? undefined : this.routed.get(`${owner}|${key}`);
    let candidates: readonly Role[] | undefined = keyed;
    if (candidates === undefined) {
      const owners: Role[] = [];
      for (const r of this.unrouted) if (r.name === owner) owners.push(r);
      candidates = owners;
    }
    // A timer nobody owns any more (a finished Commander's retransmit: a third of a run's
    // timers) changes nothing: its call would be empty.
    if (candidates.length === 0 && !this.busy) return emptyOutput();
    // call() inlined, as in receive(): no closure per timer (a third of a run's events).
    this.enter(this.tracing ? { timer: name } : NO_CONTEXT);
    try {
      for (let i = 0; i < candidates.length; i++) {
        const role = candidates[i]!;
        if (!this.roles.has(role)) continue;
        if (this.tracing) this.context = { timer: name, role: role.name };
        if (keyed !== undefined) this.incremental?.touch(role);
        role.onTimer(name, key);
        if (keyed !== undefined && this.roles.has(role)) this.incremental?.touch(role);
        this.endStep(role.name);
      }
      return this.finish();
    } finally {
      this.leave();
    }
  }

  invoke(clientId: number, input: string, options: InvokeOptions = {}): Output & { refused?: InvokeRefusal } {
    if (!Number.isSafeInteger(clientId) || clientId < 1) throw new RangeError(`clientId must be a positive safe integer, got ${clientId}`);
    if (typeof input !== 'string') throw new TypeError(`input must be a string, got ${typeof input}`);
    if (input.length > this.limits.maxInputLength) return { ...emptyOutput(), refused: 'input-too-long' };
    let requester: Requester | undefined;
    for (const r of this.roles) {
      if (r.name === 'Requester') {
        requester = r as Requester;
        break;
      }
    }
    if (requester === undefined) return { ...emptyOutput(), refused: 'not-a-member' };
    let outcome: string = 'ok';
    const output = this.call(NO_CONTEXT, () => {
      this.context = { role: 'Requester' };
      outcome = requester.invoke(clientId, input, options.retry === true);
      this.endStep('Requester');
    });
    return outcome === 'ok' ? output : { ...output, refused: outcome as InvokeRefusal };
  }

  traceClient(event: ClientEventParams): void {
    if (this.env.trace === undefined) return;
    if (this.busy) throw new Error(`node ${this.id}: traceClient inside a call`);
    this.context = NO_CONTEXT;
    this.recordStep('Client', event.kind === 'invoke' ? 'ClientInvoke' : 'ClientReturn', { client: event });
  }

  specState(): NodeSpecState {
    return this.stateOf(false);
  }

  /**
   * The whole state a trace writer diffs at the node's first event and against its next
   * incarnation's: specState(), except that a replica keeping no history (a sink that takes
   * deltas) writes it by length, `{"historyLength": L}` in rExecuted and rSnap.executed: the
   * first L requests of the history the node had at its previous event. The writer turns that
   * into a delta (`truncate`); it never reaches a trace file.
   */
  private traceState(): NodeSpecState {
    return this.stateOf(this.env.trace?.takesDeltas === true);
  }

  private stateOf(namedHistory: boolean): NodeSpecState {
    const d = this.durable;
    const state: NodeSpecState = {
      aBallot: copyBallot(d.aBallot),
      aAccepted: [...d.accepted.values()].map(copyPValue),
      lBallot: copyBallot(d.lBallot),
      lActive: false,
      lProposals: [],
      scout: null,
      commanders: [],
      rSlotIn: 1,
      rSlotOut: 1,
      rRequests: [],
      rProposals: [],
      rDecisions: [],
      rExecuted: [],
      invoked: [],
      // Without an acceptor the node shows its durable mark (the fold's floor, 0: none), as it shows its pvalues.
      aMark: Math.max(1, d.compactedBelow),
      lMark: 1,
      rSnap: { slot: 1, executed: [] },
    };
    for (const role of this.roles) role.snapshot(state, namedHistory);
    state.aAccepted = sortByJson(state.aAccepted);
    state.commanders = sortByJson(state.commanders);
    return state;
  }

  activeBallot(): Ballot | undefined {
    const leader = this.unroutedRole<Role & { isActive: boolean; currentBallot: Ballot }>('Leader');
    return leader?.isActive === true ? copyBallot(leader.currentBallot) : undefined;
  }

  slotOut(): number {
    return this.unroutedRole<Role & { nextSlotToExecute: number }>('Replica')?.nextSlotToExecute ?? 1;
  }

  executedCount(): number {
    return this.unroutedRole<Role & { executedCount: number }>('Replica')?.executedCount ?? 0;
  }

  replicaApp(): { readonly state: unknown } | undefined {
    const replica = this.unroutedRole<Role & { appState: unknown }>('Replica');
    return replica === undefined ? undefined : { state: replica.appState };
  }

  // ---- internals ----

  /** Whether specState() shows rExecuted whole: every hosted role lists what it shows of it. */
  private listsHistory(): boolean {
    for (const role of this.roles) if (!role.listsHistory) return false;
    return true;
  }

  /** The last hosted role named `name` among the few without a route key (as specState() reads them). */
  private unroutedRole<R extends Role>(name: RoleName): R | undefined {
    for (let i = this.unrouted.length - 1; i >= 0; i--) if (this.unrouted[i]!.name === name) return this.unrouted[i] as R;
    return undefined;
  }

  /** Run one host call: the body, then every locally queued message, each its own step. */
  private call(context: Context, body: () => void): Output {
    this.enter(context);
    try {
      body();
      return this.finish();
    } finally {
      this.leave();
    }
  }

  /** A call's start (call() and receive()): no call may run inside another. */
  private enter(context: Context): void {
    if (this.busy) throw new Error(`node ${this.id}: re-entrant call`);
    this.busy = true;
    this.context = context;
  }

  /** A call's body ran: deliver every locally queued message, each its own step, and hand over the Output. */
  private finish(): Output {
    for (let steps = 0; this.localQueue.length > 0; steps++) {
      // Tested before building the message: the run loop must not allocate a closure per step.
      if (steps >= MAX_LOCAL_STEPS) invariant(false, () => `node ${this.id} exceeded ${MAX_LOCAL_STEPS} local steps in one call`);
      const next = this.localQueue.shift()!;
      this.dispatch(next.from, next.message);
    }
    // Most calls fill one or two of the four lists: the others are handed out as NONE (frozen,
    // shared) and kept for the next call, where four new lists per call were a tenth of a
    // simulation's allocations.
    const { records, messages, timers, results } = this;
    const out: Output = {
      durable: records.length === 0 ? NONE : records,
      messages: messages.length === 0 ? NONE : messages,
      timers: timers.length === 0 ? NONE : timers,
      results: results.length === 0 ? NONE : results,
    };
    if (records.length > 0) this.records = [];
    if (messages.length > 0) this.messages = [];
    if (timers.length > 0) this.timers = [];
    if (results.length > 0) this.results = [];
    return out;
  }

  /** A call's end, normal or thrown. */
  private leave(): void {
    this.context = NO_CONTEXT;
    this.busy = false;
  }

  private dispatch(from: NodeId, message: Message): void {
    const route = routeKeyOf(message);
    // Lists nobody changes in place (see `routed`): a handler may add or remove roles (hence
    // the roles.has check below) without changing the list iterated here.
    const handlers = route !== undefined ? (this.routed.get(route) ?? NO_ROLES) : this.unroutedHandlers(message.type);
    if (handlers.length === 0) {
      this.stats.unhandledMessages++;
      return;
    }
    // Indexed: for-of allocated an iterator result per handler here (a twentieth of a run's allocations).
    for (let i = 0; i < handlers.length; i++) {
      const role = handlers[i]!;
      if (!this.roles.has(role)) continue; // removed by an earlier handler of this message
      // Only a trace event reads the context (recordStep): untraced, no object per handler.
      if (this.tracing) this.context = { from, message, role: role.name };
      if (route !== undefined) this.incremental?.touch(role);
      role.receive(from, message);
      // It may change after the event its handler emitted: look again at the next one.
      if (route !== undefined && this.roles.has(role)) this.incremental?.touch(role);
      this.endStep(role.name);
    }
  }

  /** The unrouted roles whose `handles` has `type`, in order added (cached until `unrouted` changes). */
  private unroutedHandlers(type: string): readonly Role[] {
    let list = this.unroutedByType.get(type);
    if (list === undefined) {
      const found: Role[] = [];
      for (const r of this.unrouted) if ((r.handles as readonly string[]).includes(type)) found.push(r);
      list = found;
      this.unroutedByType.set(type, list);
    }
    return list;
  }

  /** Close the current step: anything sent or changed since the last action is a Stutter. */
  private endStep(role: RoleName): void {
    if (this.stepSendCount > 0 || this.rolesChanged) this.recordStep(role, 'Stutter', undefined);
  }

  /** One step: advance the clock, release its sends, emit its trace event. */
  private recordStep(role: RoleName, action: string, params: ActionParams | undefined): void {
    this.lamport++;
    const count = this.stepSendCount;
    this.stepSendCount = 0;
    this.rolesChanged = false;
    const sink = this.env.trace;
    const sent = sink === undefined ? undefined : (this.sendMessage.slice(0, count) as Message[]);
    // Copied now, at the step that sends them: a role may change the state a message was built
    // from in a later step of this call, or while a Member waits for an fsync before sending.
    // copyMessage gives what a peer parses off the wire (copyJson's copy, faster for the common shapes).
    const { networkSent, localSent, sentToNone } = this.stats;
    for (let i = 0; i < count; i++) {
      const to = this.sendTo[i]!;
      const message = this.sendMessage[i]!;
      this.sendMessage[i] = undefined; // the lists hold no message past its step
      if (to === null) {
        sentToNone[message.type] = (sentToNone[message.type] ?? 0) + 1;
      } else if (to === this.id) {
        this.localQueue.push({ from: this.id, message: copyMessage(message) });
        localSent[message.type] = (localSent[message.type] ?? 0) + 1;
      } else {
        this.messages.push({ from: this.id, to, clock: this.lamport, message: copyMessage(message) });
        networkSent[message.type] = (networkSent[message.type] ?? 0) + 1;
      }
    }
    if (sink === undefined) return; // tracing off: build nothing
    this.seq++;
    this.stats.events++;
    const from = params?.from ?? this.context.from;
    const message = params?.message ?? this.context.message;
    // The whole state only without an incremental trace, or at its first event (the writer
    // diffs that one against what came before); otherwise built if a sink reads it (lazyState).
    let state: NodeSpecState | undefined = this.incremental === null ? this.specState() : undefined;
    const delta = this.incremental?.next(this.durable, this.unrouted, this.roles, () => (state = this.traceState()));
    const event: TraceEvent = {
      node: this.id,
      seq: this.seq,
      clock: this.lamport,
      role,
      action,
      params: {
        ...(from !== undefined ? { from } : {}),
        ...(message !== undefined ? { message: toTraceMessage(message) } : {}),
        ...(this.context.timer !== undefined ? { timer: this.context.timer } : {}),
        ...(params?.proposal !== undefined ? { proposal: copyBatch(params.proposal) } : {}),
        ...(params?.output !== undefined ? { output: structuredClone(params.output) } : {}),
        ...(params?.outputs !== undefined ? { outputs: structuredClone([...params.outputs]) } : {}),
        ...(params?.digest !== undefined ? { digest: params.digest } : {}),
        ...(params?.client !== undefined ? { client: { ...params.client } } : {}),
      },
      sent: specSet(sent!),
      state: state!, // undefined: replaced by lazyState below
    };
    if (state !== undefined) {
      if (this.incremental !== null) attachDelta(event, { source: this.deltaSource, delta: undefined, taken: false });
      sink(event);
      return;
    }
    const nodeDelta: NodeDelta = { source: this.deltaSource, delta, taken: false };
    attachDelta(event, nodeDelta);
    // A replica keeping no history would show rExecuted as []: no state then, rather than a wrong one.
    const settle = lazyState(event, this.listsHistory() ? () => this.specState() : undefined);
    sink(event);
    settle(nodeDelta.taken);
  }

  private addSend(to: NodeId | null, message: Message): void {
    this.sendTo[this.stepSendCount] = to;
    this.sendMessage[this.stepSendCount] = message;
    this.stepSendCount++;
  }

  private addRole(role: Role): void {
    this.roles.add(role);
    const key = role.routeKey();
    if (key !== undefined) {
      const route = `${role.name}|${key}`;
      this.routed.set(route, [...(this.routed.get(route) ?? []), role]);
      this.incremental?.touch(role);
    } else {
      this.unrouted.push(role);
      this.unroutedByType = new Map();
    }
    this.rolesChanged = true;
    role.start();
  }

  private removeRole(role: Role): void {
    if (!this.roles.delete(role)) return;
    this.incremental?.remove(role);
    const key = role.routeKey();
    if (key !== undefined) {
      const route = `${role.name}|${key}`;
      const rest = (this.routed.get(route) ?? []).filter((r) => r !== role);
      if (rest.length === 0) this.routed.delete(route);
      else this.routed.set(route, rest);
    } else {
      this.unrouted.splice(this.unrouted.indexOf(role), 1);
      this.unroutedByType = new Map();
    }
    this.rolesChanged = true;
    role.stop();
  }

  private log(line: string): void {
    this.env.log?.(line);
  }

  /** The latest durable replica snapshot, decoded (the replica of a NodeRestart starts from it). */
  private decodeSnapshot(): { slot: number; image: ReplicaImage } {
    const { slot, state } = this.durable.snapshot!;
    const snapshots = appSnapshotsOf(this.stateMachine);
    if (snapshots === undefined) throw new Error(`node ${this.id}: storage holds a replica snapshot at slot ${slot}, and the state machine cannot restore() it`);
    try {
      return { slot, image: decodeReplicaImage(snapshots, state, this.limits.maxPendingRequests) };
    } catch (e) {
      throw new Error(`node ${this.id}: cannot restore the replica snapshot at slot ${slot} from storage: ${(e as Error).message}`);
    }
  }

  /**
   * A replica keeps its whole history without checkpoints (a Welcome ships it) and for a trace
   * that lists it in every state (replica.ts keepsHistory). A snapshot taken with checkpoints,
   * untraced or for a sink that takes deltas, holds no history: such a replica could not
   * rebuild it, and would fail at its first execution instead of here.
   */
  private refuseSnapshotWithoutHistory({ slot, image }: { slot: number; image: ReplicaImage }): void {
    if (image.history !== undefined || image.table.count === 0) return;
    if (this.checkpointEvery === 0) {
      throw new Error(`node ${this.id}: storage holds a replica snapshot at slot ${slot} taken with checkpoints, without the ${image.table.count} requests' history a node without checkpoints keeps: run it with checkpoints (checkpointEvery > 0) again`);
    }
    if (this.env.trace !== undefined && this.env.trace.takesDeltas !== true) {
      throw new Error(`node ${this.id}: storage holds a replica snapshot at slot ${slot} taken without its history, which this node's trace lists in every state: trace the node from its first start, or into a sink that takes deltas (TraceSink.takesDeltas)`);
    }
  }

  private makeHost(): RoleHost {
    const node = this;
    return {
      self: node.id,
      peers: node.peers,
      limits: node.limits,
      timing: node.timing,
      stateMachine: node.stateMachine,
      factories: node.factories,
      tracing: node.env.trace !== undefined,
      traceNamesHistory: node.env.trace?.takesDeltas === true,
      checkpointEvery: node.checkpointEvery,
      restoredSnapshot() {
        return node.durable.snapshot === undefined ? undefined : node.decodeSnapshot();
      },
      send(to, message) {
        if (typeof to === 'number') node.addSend(to, message);
        else for (let i = 0; i < to.length; i++) node.addSend(to[i]!, message);
      },
      sendToNone(message) {
        node.addSend(null, message);
      },
      setTimer(name, key, afterMs) {
        const tagged = key === undefined && node.timerEpoch > 0 ? `${EPOCH_KEY_PREFIX}${node.timerEpoch}` : key;
        node.timers.push(tagged === undefined ? { name, afterMs } : { name, key: tagged, afterMs });
      },
      action(role, action, params) {
        node.recordStep(role, action, params);
      },
      result(clientId, output) {
        node.results.push({ clientId, output });
      },
      durable() {
        return node.durable;
      },
      appendDurable(record) {
        if (!node.busy) invariant(false, () => `node ${node.id}: a durable record appended outside a call`);
        // The fold checks the record (a promise never goes down, ...) before anything else
        // sees it. One frozen copy with exactly the record's fields (a snapshot's bytes copied
        // as bytes) serves both the fold and the Output: nobody can change it, so sharing it is
        // safe, and the role may reuse the objects it passed.
        const copy = freezeRecord(record);
        node.durable.applyFrozen(copy);
        node.records.push(copy);
        if (copy.kind === 'snapshot') node.env.stageSnapshot?.(copy);
      },
      addRole(role) {
        node.addRole(role);
      },
      removeRole(role) {
        node.removeRole(role);
      },
      findRole<R extends Role>(name: RoleName): R | undefined {
        for (const r of node.roles) if (r.name === name) return r as R;
        return undefined;
      },
      rejoin() {
        invariant(node.busy, () => `node ${node.id}: rejoin outside a call`);
        for (const role of [...node.roles]) if (role.name !== 'Requester') node.removeRole(role);
        node.timerEpoch++;
        node.addRole(new node.factories.Bootstrap(node.host));
      },
      redeliver(from, message) {
        const outer = node.context;
        node.endStep(outer.role ?? 'Node');
        node.dispatch(from, message);
        node.context = outer;
      },
      log(line) {
        node.log(line);
      },
    };
  }
}

function attachDelta(event: TraceEvent, nodeDelta: NodeDelta): void {
  (event as unknown as { [NODE_DELTA]: NodeDelta })[NODE_DELTA] = nodeDelta;
}

/**
 * What an in-process host's envelope must still satisfy: addressed here, from another node
 * of the cluster, not a node-local message. O(peers); a failure is a bug in the host.
 */
function assertFromCluster(envelope: Envelope, self: NodeId, peers: readonly NodeId[]): void {
  // The condition first, the message's closure only when it fails: this runs once per delivery.
  if (envelope.to === self && envelope.from !== self && peers.includes(envelope.from) && !NODE_LOCAL_MESSAGE_TYPES.includes(envelope.message.type)) return;
  invariant(false, () => `node ${self}: an in-process host delivered ${envelope.message?.type} from ${envelope.from} to ${envelope.to}`);
}

const NO_ROLES: readonly Role[] = Object.freeze([]);

/** An empty list of an Output, shared by every Output that has nothing of that kind. */
const NONE: readonly never[] = Object.freeze([]);

/** The Output of a call that does nothing (frozen, shared: a host only reads an Output). */
const EMPTY_OUTPUT: Output = Object.freeze({ durable: NONE, messages: NONE, timers: NONE, results: NONE });

function emptyOutput(): Output {
  return EMPTY_OUTPUT;
}

function sortByJson<T>(items: T[]): T[] {
  return items
    .map((item) => [JSON.stringify(item), item] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, item]) => item);
}

/** Spec projections of `messages`, deduplicated (spec messages have no receiver), sorted. */
function specSet(messages: Message[]): SpecMessage[] {
  const byText = new Map<string, SpecMessage>();
  for (const m of messages) {
    const spec = toSpecMessage(m);
    if (spec !== undefined) byText.set(JSON.stringify(spec), spec);
  }
  return [...byText.keys()].sort().map((k) => byText.get(k)!);
}
