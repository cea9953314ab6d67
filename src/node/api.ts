/**
 * The public sans-IO API of a cluster node.
 *
 * A Node never does I/O. The host (deterministic simulator, or a socket transport) calls one
 * of `start`, `receive`, `fireTimer`, `invoke`, and gets back an `Output`: the durable
 * records to append, the envelopes to send, the timers to arm, and the client results to
 * hand to the application (etcd raft's Ready). The state recovered from storage, tracing,
 * logging and randomness are injected through `NodeEnvironment`.
 *
 * Rules the host can rely on:
 * - Every call is deterministic: same Node state + same call => same Output, same trace.
 * - `receive` NEVER throws on what the network hands it: an invalid envelope or message is
 *   dropped, counted in `stats.invalidMessages`, and logged with the reason. A thrown Error
 *   from a Node is a bug (a broken internal invariant), never an input error. (A host that
 *   built its nodes with `inputs: IN_PROCESS_HOST` vouches for its envelopes instead; see
 *   inProcessHost.ts. No real transport does: a Member never sets it.)
 * - Messages a node sends to itself (Adopted, Preempted, Propose to its own leader, Invoke
 *   from its own requester, and any other self-addressed message) are delivered inside the
 *   same call through a local FIFO queue, each as its own handler step with its own trace
 *   event. Only envelopes for OTHER nodes appear in `Output.messages`.
 * - Timers are requests: the host fires `fireTimer(name, key)` once per request after
 *   `afterMs`. There is no cancel; a timer that is no longer relevant is a harmless no-op.
 *   `afterMs` 0 means as soon as the host has handled what arrived with this call (a
 *   replica's proposals deferred to the end of the turn): a Member fires it with setImmediate.
 * - Write-ahead: the host appends `Output.durable` to its DurableLog (src/storage) and
 *   sends `Output.messages` only once `sync()` has made those records, and every record
 *   appended before them, durable. A Promise, an Accepted or a Prepare is a claim about
 *   durable state; sent first, a power loss could take back a promise another node counted
 *   on. Timers need not wait. Results wait as messages do: a result claims its request was
 *   decided, and in a one-node cluster that decision rests on nothing but this call's records.
 * - Crash = the host drops the Node object and later builds a new one over what the SAME
 *   DurableLog recovers (`env.durable = log.load()`) with `startAs: 'join'` (a Bootstrap
 *   that sends Join: spec NodeRestart).
 *   Pass `resume` (last trace seq and Lamport clock of the old incarnation, readable from
 *   `node.traceSeq` / `node.clock`) so trace numbering and clocks keep increasing. Discard
 *   the old incarnation's pending timers (periodic timers re-arm themselves: firing an old
 *   one on the new Node would start a second chain). A client re-sending a request the old
 *   incarnation had invoked calls `invoke(..., { retry: true })`.
 * - Objects are never shared: a Node deep-copies every message it receives (unless its host
 *   is `IN_PROCESS_HOST`, which hands it private copies already) and every message it emits,
 *   at the step that sends it, so mutating an Envelope after the call affects nobody and a
 *   role changing its state after a send does not change what was sent.
 */
import type { Limits, Timing } from '../protocol/limits.js';
import type { Message, SpecMessage, TraceMessage } from '../protocol/messages.js';
import type { Ballot, Batch, NodeId, Proposal, PValue, SlotProp } from '../protocol/values.js';
import type { DurableLog, DurableRecord, DurableSnapshot, DurableState, DurableView } from '../storage/types.js';
import type { InputTrust } from './inProcessHost.js';
import type { RoleFactories } from './role-factories.js';

export type { NodeId, Ballot, Proposal, PValue, SlotProp, Message, SpecMessage, TraceMessage, Limits, Timing };
export type { DurableLog, DurableRecord, DurableState, DurableView };

/** A message in flight. `clock` is the sender's Lamport clock at the sending step. */
export interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly clock: number;
  readonly message: Message;
}

/** "Call `fireTimer(name, key)` after `afterMs` ms" (0: at the end of the host's turn). */
export interface TimerRequest {
  readonly name: string;
  readonly key?: string;
  readonly afterMs: number;
}

/** The answer to `invoke(clientId, input)` on this node. */
export interface ClientResult {
  readonly clientId: number;
  readonly output: unknown;
}

/**
 * What one call of `start`, `receive`, `fireTimer` or `invoke` asks the host to do, in this order:
 * append and sync `durable`, then send `messages`; arm `timers`; hand `results` to the application.
 * The host reads the lists and never changes them: an empty one may be shared, and frozen.
 */
export interface Output {
  /** Records the call appended to the node's durable state, in order (O(1) bytes each): the
   * host appends them and syncs before it sends `messages` (see the write-ahead rule above). */
  readonly durable: readonly DurableRecord[];
  readonly messages: readonly Envelope[];
  readonly timers: readonly TimerRequest[];
  readonly results: readonly ClientResult[];
}

/** A deterministic application: `apply` returns the new state and the client's output. */
export interface StateMachine<S = unknown> {
  /** The application's state before any command. */
  initial(): S;
  /**
   * Runs one command (the proposal's input string): the new state and the client's output. Must be
   * deterministic and must not throw.
   */
  apply(state: S, input: string): [S, unknown];
  /**
   * The state's digest in trace events (statemachines/digest.ts digestOf); stateDigest(state)
   * when absent. For a state that grows with the history (the simulator's tracked states), a
   * digest that costs what an execution changed: equal states must give equal digests, and
   * different ones different digests but for a hash collision.
   */
  digest?(state: S): string;
  /**
   * The state whose JSON is `value` (a Welcome sent without checkpoints carries the state as
   * JSON): for a machine whose states are not JSON values themselves. Throws an Error naming
   * what is wrong on a value that is no state of this machine (the Welcome is then dropped).
   * Absent: the JSON value is the state.
   */
  fromJson?(value: unknown): S;
}

/**
 * The roles a node hosts, plus `Node` (for `NodeRestart`) and `Client` (for client events), as trace events name them.
 */
export type RoleName =
  | 'Acceptor' | 'Replica' | 'Leader' | 'Scout' | 'Commander' | 'Requester' | 'Node' | 'Bootstrap' | 'Seed' | 'Client';

/** The spec variables of one node after a step (sets as arrays sorted by JSON text). */
export interface NodeSpecState {
  aBallot: Ballot;
  aAccepted: PValue[];
  lBallot: Ballot;
  lActive: boolean;
  lProposals: SlotProp[];
  /** `mark`: the highest mark of the Promises it counted (1 when none was higher). */
  scout: { ballot: Ballot; acks: NodeId[]; pvalues: PValue[]; mark: number } | null;
  commanders: { ballot: Ballot; slot: number; prop: Batch; acks: NodeId[] }[];
  rSlotIn: number;
  rSlotOut: number;
  rRequests: Proposal[];
  rProposals: SlotProp[];
  rDecisions: SlotProp[];
  /** The requests this replica executed, in execution order (a sequence, not sorted). */
  rExecuted: Proposal[];
  /** Proposals this node's Requester has invoked (in this incarnation). */
  invoked: Proposal[];
  /** The acceptor's first kept slot (durable; 1: nothing compacted). */
  aMark: number;
  /** The leader's mark: it leaves slots below it alone (volatile: 1 initially and after a restart). */
  lMark: number;
  /** The replica's durable snapshot: the history it executed below `slot` (`{slot: 1, executed: []}`: none). */
  rSnap: { slot: number; executed: Proposal[] };
}

/** One spec action (or a "Stutter") performed by one role of one node. */
export interface TraceEvent {
  node: NodeId;
  /** Per node, from 1, increasing across restarts (see NodeEnvironment.resume). */
  seq: number;
  /** The node's Lamport clock after the step. */
  clock: number;
  role: RoleName;
  /** The spec action name, e.g. "AcceptorReceivePrepare", or "Stutter". */
  action: string;
  params: {
    from?: NodeId;
    /** The received message, spec projection (non-spec messages appear as they are). */
    message?: TraceMessage;
    timer?: string;
    proposal?: Batch;
    /** A replica's output for the request it executed or answered again. */
    output?: unknown;
    /** ReplicaExecute of a batch of two or more: each request's output, in the order run. */
    outputs?: unknown[];
    /** stateDigest of the application state after an execution, or sent or installed by a Welcome. */
    digest?: string;
    /** Client events (role 'Client'): what the application asked and what it was told. */
    client?: ClientEventParams;
  };
  /** Spec projections of the messages sent in this step, deduplicated, sorted by JSON text. */
  sent: SpecMessage[];
  state: NodeSpecState;
}

/**
 * Receives one {@link TraceEvent} per step of a node (`NodeEnvironment.trace`); `NdjsonTraceFile` writes them to a file.
 * Called synchronously inside the step: it must not throw and should not block for long.
 */
export type TraceSink = ((event: TraceEvent) => void) & {
  /**
   * The sink takes each event's delta from the node (`NdjsonTraceFile` with `compact`, in the same
   * process) and reads a whole state only at a node's first event, to diff it against the node's
   * previous incarnation. A checkpointing replica then keeps no history: its events name it by
   * length (docs/trace-format.md, "Histories by length"), so tracing costs O(what a step changed).
   * Such a node's events have no readable `state` (reading it throws, saying why): it would show
   * rExecuted as [].
   */
  readonly takesDeltas?: boolean;
};

/**
 * A client event: the application called `invoke` (ClientInvoke) or was given its outcome
 * (ClientReturn). `clientId` names the request, `at` is the host's clock in ms (virtual time in
 * the simulator, wall-clock time in a real process): the client-level history that
 * linearizability is checked on is built from these.
 */
export type ClientEventParams =
  | { readonly kind: 'invoke'; readonly clientId: number; readonly input: string; readonly at: number }
  | { readonly kind: 'return'; readonly clientId: number; readonly at: number; readonly output: unknown }
  | { readonly kind: 'error'; readonly clientId: number; readonly at: number; readonly error: string };

/**
 * What the host injects into a {@link Node}: recovered durable state, trace sink, log, trace numbering to resume.
 */
export interface NodeEnvironment {
  /** What the node's DurableLog recovered (`log.load()`); undefined for a brand-new node. */
  readonly durable: DurableState | undefined;
  /** Absent: tracing is off and the node builds no trace data at all. */
  readonly trace?: TraceSink;
  /** Operator-facing lines (dropped invalid messages and why); default: none. */
  readonly log?: (line: string) => void;
  /** Not used by the protocol today (it needs no randomness); reserved for jitter. */
  readonly random?: () => number;
  /**
   * Called, inside the step, with each replica snapshot before the step's trace event is
   * emitted: a host whose trace may reach its disk before the snapshot's record makes the bytes
   * durable here (DurableLog.stageSnapshot), so that a restart finds what its trace names.
   */
  readonly stageSnapshot?: (snapshot: DurableSnapshot) => void;
  /** Continue trace numbering and the Lamport clock of a previous incarnation. */
  readonly resume?: { readonly traceSeq: number; readonly clock: number };
  /**
   * Absent (every real host): `receive` validates each envelope as untrusted input.
   * `IN_PROCESS_HOST` (type `InputTrust`): only for a host whose envelopes are all private copies of its
   * own nodes' outputs (the simulator); schema checks are skipped (see inProcessHost.ts).
   */
  readonly inputs?: InputTrust;
}

/**
 * How a node is built: its application, how it starts, its limits and timers, and role overrides.
 */
export interface NodeOptions {
  readonly stateMachine: StateMachine<any>;
  /**
   * 'member': start as Acceptor + Replica + Leader (the spec's initial state; default).
   * 'seed': a Seed that welcomes peers once a majority has asked to Join.
   * 'join': a Bootstrap that sends Join until welcomed (a fresh or restarted node).
   */
  readonly startAs?: 'member' | 'seed' | 'join';
  readonly limits?: Partial<Limits>;
  readonly timing?: Partial<Timing>;
  /** Role classes to use instead of the real ones (tests, fakes, trace-checker mutants). */
  readonly roles?: Partial<RoleFactories>;
}

/** Counters of one node, readable at any time (`node.stats`). */
export interface NodeStats {
  /** Envelopes/messages dropped by validation. */
  invalidMessages: number;
  /** Valid messages no role on this node handles right now (e.g. Prepare to a Bootstrap). */
  unhandledMessages: number;
  /** Trace events emitted (0 with tracing off). */
  events: number;
  /** Messages this node put in its Output for other nodes, by type: what crosses the network. */
  networkSent: Record<string, number>;
  /** Messages a role sent to a role of this same node, by type: delivered through the node's
   * local queue, they never cross the network (counted apart so both totals can be reported). */
  localSent: Record<string, number>;
  /** Messages a step sent to no node (RoleHost.sendToNone), by type: in the trace, never delivered. */
  sentToNone: Record<string, number>;
}

/** Returned by `invoke` when the request cannot be taken (see `Output.results` otherwise). */
/** 'not-a-member': the node has no Requester yet (start() was not called). */
export type InvokeRefusal = 'not-a-member' | 'duplicate-client-id' | 'too-many-pending' | 'input-too-long';

/** Options of {@link NodeApi.invoke}. */
export interface InvokeOptions {
  readonly retry?: boolean;
}

/** What `Node` implements (src/node/node.ts). */
export interface NodeApi {
  readonly id: NodeId;
  readonly peers: readonly NodeId[];
  readonly stats: Readonly<NodeStats>;
  /** Sequence number of the last trace event (0 if none). */
  readonly traceSeq: number;
  /** Current Lamport clock. */
  readonly clock: number;
  /** Names of the roles currently hosted, e.g. ['Acceptor', 'Replica', 'Leader', 'Requester']. */
  roleNames(): RoleName[];
  /** Call once: sets up the roles for `startAs`, arms the first timers. */
  start(): Output;
  /**
   * A message from the network (any value: it is validated first, and dropped, counted and
   * logged if invalid). Under an `IN_PROCESS_HOST` environment (the simulator) only its header
   * is asserted: such a host hands over copies of its own nodes' outputs.
   */
  receive(envelope: unknown): Output;
  /**
   * A timer the node asked for (an earlier `Output.timers` entry) is due. Unknown or stale timers are no-ops.
   */
  fireTimer(name: string, key?: string): Output;
  /**
   * The Requester sends `Invoke` for `(self, clientId, input)` to the local replica and
   * retransmits until `Invoked`; the output comes back in some later `Output.results`.
   * `clientId` must be unique per node across restarts (the replica deduplicates by it).
   *
   * `options.retry`: this exact (clientId, input) was already invoked by an EARLIER
   * incarnation of this node (the client is re-sending after a restart). The Requester then
   * only retransmits the Invoke: a Stutter step, not a RequesterInvoke (the spec's
   * `invoked` already holds the request, so a second RequesterInvoke would not be enabled).
   */
  invoke(clientId: number, input: string, options?: InvokeOptions): Output & { refused?: InvokeRefusal };
  /**
   * Record a client event in the trace (a ClientInvoke or ClientReturn event of role 'Client',
   * a stuttering step for the spec). The host calls it when the application invokes, and when
   * it hands the application an outcome. Does nothing with tracing off.
   */
  traceClient(event: ClientEventParams): void;
  /** This node's spec variables (for tests and the simulator's checks). O(the node's state). */
  specState(): NodeSpecState;
  /** The spec's `lBallot` when `lActive` (its leader leads with it), else undefined. O(1). */
  activeBallot(): Ballot | undefined;
  /** The spec's `rSlotOut`: the next slot its replica executes (1 without a replica). O(1). */
  slotOut(): number;
  /**
   * Len(rExecuted): how many requests its replica executed (0 without a replica), counting those
   * behind its snapshots, which `specState().rExecuted` lists only while the node keeps its
   * history (tracing on, or no checkpoints). O(1).
   */
  executedCount(): number;
  /**
   * Its replica's application state after every slot below rSlotOut, as the node's state
   * machine holds it (undefined without a replica; not a copy: read it, do not change it). O(1).
   */
  replicaApp(): { readonly state: unknown } | undefined;
}
