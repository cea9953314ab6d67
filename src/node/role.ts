/**
 * The contract between a Node and the roles it hosts (cluster.py's Role, made sans-IO).
 *
 * A role is a small class whose handlers are deterministic functions of (its own state,
 * one message or timer). A handler never does I/O: it changes its state, then tells the
 * host what to do (`send`, `setTimer`, `result`, add/remove roles) and, for every spec
 * action it performed, calls `host.action(...)` right after the state change and sends that
 * make up the action. Sends not followed by an action in the same handler are recorded as a
 * "Stutter" step (retransmissions, heartbeats, hints).
 */
import type { Limits, Timing } from '../protocol/limits.js';
import type { Message, MessageType } from '../protocol/messages.js';
import type { Batch, NodeId } from '../protocol/values.js';
import type { ClientEventParams, DurableRecord, DurableView, NodeSpecState, RoleName, StateMachine } from './api.js';
import type { RoleFactories } from './role-factories.js';
import type { StateChanges } from './stateChanges.js';
import type { ReplicaImage } from '../roles/replicaImage.js';

/** Extra trace parameters an action may name (the received message or timer is implied). */
export interface ActionParams {
  /** ReplicaPropose: the batch proposed; ReplicaExecute: the batch decided. */
  readonly proposal?: Batch;
  /** The output a replica executed or answered with (the application's result). */
  readonly output?: unknown;
  /** ReplicaExecute of a batch of two or more: the output of each request it ran, in order. */
  readonly outputs?: readonly unknown[];
  /** stateDigest of the application state a replica holds after the step, sends or installs. */
  readonly digest?: string;
  /** A client event (the host's traceClient). */
  readonly client?: ClientEventParams;
  /** Overrides the implied (from, message): a Seed welcoming a joiner it heard earlier. */
  readonly from?: NodeId;
  readonly message?: Message;
}

/** What a role may ask of its node. */
export interface RoleHost {
  readonly self: NodeId;
  /** Every node of the cluster, this one included, ascending. */
  readonly peers: readonly NodeId[];
  readonly limits: Limits;
  readonly timing: Timing;
  readonly stateMachine: StateMachine<any>;
  readonly factories: RoleFactories;
  /** Tracing is on: build ActionParams only then (with tracing off nothing is allocated for it). */
  readonly tracing: boolean;
  /**
   * Tracing into a sink that takes deltas (TraceSink.takesDeltas): a checkpointing replica keeps
   * no history, and names it by its length where a trace would list it.
   */
  readonly traceNamesHistory: boolean;
  /** The replica takes a ReplicaSnapshot every this many executed slots; 0: never (the default). */
  readonly checkpointEvery: number;
  /**
   * The replica snapshot this incarnation recovered from storage (spec rSnap after a
   * NodeRestart), decoded afresh at each call; undefined when there is none.
   */
  restoredSnapshot(): { readonly slot: number; readonly image: ReplicaImage } | undefined;
  /** Queue `message` for `to` (a node id or a list); self-addressed ones are delivered locally. */
  send(to: NodeId | readonly NodeId[], message: Message): void;
  /**
   * Send `message` as this step's message that no node receives: the trace shows it among the
   * step's sends (the spec action sends it) and no copy leaves, as if every copy were lost,
   * which the spec's network allows. For a message whose reader is served another way (a
   * replica's answer to a client of another node: that client's own replica answers it).
   */
  sendToNone(message: Message): void;
  /**
   * Ask the host to call the role's `onTimer(name, key)` after `afterMs` ms (no cancel: a stale timer is ignored).
   */
  setTimer(name: string, key: string | undefined, afterMs: number): void;
  /** Record one spec action of `role`, performed just now. */
  action(role: RoleName, action: string, params?: ActionParams): void;
  /** Hand a client its result (Requester only). */
  result(clientId: number, output: unknown): void;
  /** The node's durable state: a live view, updated in place by every appended record. */
  durable(): DurableView;
  /** Append one durable change (O(1) bytes). The host makes it durable before any message
   * of this call leaves, so a role may send what depends on it right after. Throws
   * (InvariantViolation) on a record that breaks the fold's rules: a promise or leader ballot
   * that goes down, a pvalue replaced by a lower ballot (src/storage/fold.ts). */
  appendDurable(record: DurableRecord): void;
  /** Start hosting `role` (a Scout, a Commander, the member roles after a Welcome). */
  addRole(role: Role): void;
  /** Stop hosting `role` (a Scout or Commander that finished, a Bootstrap welcomed). */
  removeRole(role: Role): void;
  /** The first hosted role with this name, if any. */
  findRole<R extends Role>(name: RoleName): R | undefined;
  /**
   * NodeRestart without a crash: stop hosting every role but the Requester and start a
   * Bootstrap, which restores the replica from the node's durable snapshot and Joins. For a
   * replica behind a range its peers compacted (their decisions there are gone): a Welcome
   * answers a Join. Timers armed before it are ignored from then on.
   */
  rejoin(): void;
  /** Dispatch `message` again to the roles that handle it now (after a role change). */
  redeliver(from: NodeId, message: Message): void;
  /** An operator-facing line (dropped input and why). */
  log(line: string): void;
}

/**
 * A role hosted by a {@link Node}: deterministic handlers of one message or timer that change the role's
 * state and tell the {@link RoleHost} what to send, which timers to arm, and which spec action they took.
 * Subclass it to replace a role through {@link NodeOptions.roles} (tests, fakes, mutants).
 */
export abstract class Role {
  abstract readonly name: RoleName;
  /** The message types this role receives (fixed for its lifetime: its node caches who handles what). */
  abstract readonly handles: readonly MessageType[];

  constructor(protected readonly host: RoleHost) {}

  /** Called once when added to a node (arm timers, send first messages). */
  start(): void {}

  /** Called when removed from a node. */
  stop(): void {}

  /** Handle one message of a type in `handles`. */
  abstract receive(from: NodeId, message: Message): void;

  /** A timer named `<RoleName>.<purpose>` fired; `key` tells instances apart. */
  onTimer(_name: string, _key: string | undefined): void {}

  /**
   * Write this role's spec variables into `state` (only called with tracing on). `namedHistory`:
   * for a trace writer's diff at a node's first event (Node.traceState), where a replica that
   * keeps no history writes it by length.
   */
  abstract snapshot(state: NodeSpecState, namedHistory?: boolean): void;

  /**
   * Whether snapshot() without `namedHistory` writes the replica's history whole: false for a
   * role that keeps it by length only (a checkpointing replica whose sink takes deltas), whose
   * rExecuted would read as [] there.
   */
  get listsHistory(): boolean {
    return true;
  }

  /**
   * The incremental snapshot(), called with tracing on at every trace event for its compact
   * delta: write this role's scalar spec variables into `changes.scalars`, and report each
   * element of its spec sets that changed since the previous call (`changes.change`), which is
   * what makes an event cost what its step changed. `hosted` false: the node removed the role
   * since (its variables are then the node's defaults). A subclass that changes what snapshot()
   * writes must change this too. If a role class lacks it, its node diffs whole states instead.
   */
  traceChanges?(changes: StateChanges, hosted: boolean): void;

  /**
   * For roles a node may host many of (Commanders, a Scout): the key naming this instance.
   * The node then hands it only the messages `routeKeyOf` names for it, and the timers with
   * that key, in O(1) instead of offering them to every instance.
   */
  routeKey(): string | undefined {
    return undefined;
  }
}

/** The instance a message is for, as `<RoleName>|<routeKey>`, or undefined (every handler). */
export function routeKeyOf(message: Message): string | undefined {
  if (message.type === 'Accepted') return `Commander|${message.ballot.num}.${message.ballot.leader}/${message.slot}`;
  if (message.type === 'Promise') return `Scout|${message.ballot.num}.${message.ballot.leader}`;
  return undefined;
}

/** Timer names are `<RoleName>.<purpose>` so the node can route them. */
export function timerRole(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}
