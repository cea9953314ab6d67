/**
 * The simulator's configuration and result types (data only; the engine is simulator.ts).
 */
import type { Limits, NodeId, StateMachine, Timing, TraceSink } from '../node/api.js';
import type { NodeFactory } from '../member/nodeFactory.js';
import type { FaultKind, FaultSchedule } from './schedule.js';
import type { TrackedState } from './tracking.js';

export type { NodeFactory };

/** One client: invokes its inputs one after the other on `node` (clients run in parallel). */
export interface ClientSpec {
  readonly node: NodeId;
  /** Application inputs, already serialised (the Node's input strings). */
  readonly inputs: readonly string[];
  readonly startAt?: number;
  /** Pause between getting a result and invoking the next input (virtual ms). */
  readonly thinkMs?: number;
}

export type Formation = 'members' | 'seed';

export interface SimConfig {
  readonly seed: number;
  readonly nodes: number;
  readonly stateMachine: StateMachine<any>;
  readonly schedule: FaultSchedule;
  readonly clients: readonly ClientSpec[];
  readonly createNode: NodeFactory;
  /**
   * How the cluster starts: 'members' (default) boots every node as a member (the spec's Init);
   * 'seed' boots node 1 as a Seed and the others as Bootstraps that Join it (a cluster forming).
   */
  readonly formation?: Formation;
  readonly trace?: (node: NodeId) => TraceSink | undefined;
  readonly timing?: Partial<Timing>;
  readonly limits?: Partial<Limits>;
  /** Every node's replica snapshots every this many slots, and compacts (CheckpointOptions); absent: never. */
  readonly checkpointEvery?: number;
  /** false: keep no per-request record (acks, inputs), only counts: a long run's memory is then
   * the nodes' own (the benchmark's heap figures). Default true: the checks need them. */
  readonly keepHistory?: boolean;
  /** Record executed request ids inside the replicated state (default true; costs O(n) per command). */
  readonly track?: boolean;
  /** Keep the compact event log (default true). */
  readonly eventLog?: boolean;
  /** Count spec actions (e.g. leader changes) through a trace sink (default false). */
  readonly countActions?: boolean;
  readonly maxEvents?: number;
  readonly maxTimeMs?: number;
  /** After the workload, heal everything and wait this long for every live node to catch up. */
  readonly settleMs?: number;
  /** Serialised input every live node invokes while settling; its decision pulls laggards forward. */
  readonly probeInput?: string;
  /** A client whose node is down or refused the request tries again after this long. */
  readonly clientRetryMs?: number;
  /** Called every `every` events (the benchmark samples memory with it). */
  readonly sampler?: { readonly every: number; readonly fn: () => void };
  /** Record the largest message sent (stats.largestMessageBytes; default false: it serialises every message). */
  readonly measureMessages?: boolean;
  /** Count the bytes the durable records take in a log file (stats.durable.bytes; default false: a twentieth of a batched run's CPU). */
  readonly measureDurableBytes?: boolean;
  /** Called after each workload request is acknowledged (probes excluded), with the count so far. */
  readonly onDecided?: (decided: number) => void;
}

export const DEFAULT_MAX_EVENTS = 2_000_000;
export const DEFAULT_MAX_TIME_MS = 600_000;
export const DEFAULT_SETTLE_MS = 30_000;

/** An acknowledged request: the client got its result. */
export interface Ack {
  readonly rid: string;
  readonly node: NodeId;
  readonly clientId: number;
  readonly input: string;
  /** Position in the executing replica's history (tracked runs; -1 otherwise). */
  readonly pos: number;
  readonly output: unknown;
  /** When the client invoked it, and when it got the answer (virtual ms). */
  readonly invokedAt: number;
  readonly time: number;
}

/** A request whose client never got an answer: its effect is unknown (once, or never). */
export interface Unanswered {
  readonly rid: string;
  readonly node: NodeId;
  readonly clientId: number;
  readonly input: string;
  readonly invokedAt: number;
}

/** How far one workload client got (probes excluded): `answered` of its `inputs` requests. */
export interface ClientOutcome {
  /** Its index in SimConfig.clients. */
  readonly client: number;
  readonly node: NodeId;
  readonly answered: number;
  readonly inputs: number;
}

export interface SimStats {
  events: number;
  messagesSent: number;
  copiesDelivered: number;
  dropped: { loss: number; partition: number; crashed: number };
  duplicated: number;
  timersFired: number;
  invokes: number;
  refusals: number;
  faults: Record<FaultKind, number>;
  crashes: number;
  restarts: number;
  /** Counts of trace actions, with countActions (e.g. LeaderReceiveAdopted = leader changes). */
  actions: Record<string, number>;
  /**
   * Leaders seen on the wire: each time an Accept or Active carries a ballot higher than any
   * seen before, a node has become leader with it (cheap: no tracing needed).
   */
  leaderElections: number;
  /** Elections that moved the leadership to a different node. */
  leaderChanges: number;
  /** Durable records the nodes appended, the bytes they take in a log file (frames
   * included; 0 unless measureDurableBytes), and the syncs (one per call that appended any). */
  durable: { records: number; bytes: number; syncs: number };
  /** The longest message sent, as JSON text in UTF-8 bytes (envelope included); 0 unless measureMessages. */
  largestMessageBytes: number;
  /** Its message type ('' unless measureMessages). */
  largestMessageType: string;
}

export type StopReason = 'settled' | 'maxEvents' | 'maxTime' | 'idle' | 'settleTimeout' | 'nodeError';

export interface SimResult {
  readonly seed: number;
  readonly stopReason: StopReason;
  /** A Node threw (a broken internal invariant: always a bug); the run stopped there. */
  readonly nodeError: string | undefined;
  /** Every client finished its inputs. */
  readonly completed: boolean;
  /** Every live node had its probe executed after the workload (so it caught up). */
  readonly settled: boolean;
  readonly timeMs: number;
  readonly acks: readonly Ack[];
  /** Requests still waiting for an answer when the run stopped. */
  readonly unanswered: readonly Unanswered[];
  readonly stats: SimStats;
  readonly live: readonly NodeId[];
  /** Nodes down at the end with no restart still scheduled: crashed for good (restart null). */
  readonly downForGood: readonly NodeId[];
  /** Every workload client's progress, in SimConfig.clients order. */
  readonly clients: readonly ClientOutcome[];
  /** Tracked runs: the latest replicated state seen on each live node. */
  readonly finalStates: ReadonlyMap<NodeId, TrackedState<unknown>>;
  /** Tracked runs: the last state of every incarnation (crashed ones too), for the prefix check. */
  readonly allStates: readonly { node: NodeId; incarnation: number; state: TrackedState<unknown> }[];
  /** The inputs by request id (to replay a replica's history). */
  readonly inputs: ReadonlyMap<string, string>;
  readonly log: readonly string[];
  /** Per live node at the end: its spec state's rSlotOut (the next slot to execute). */
  readonly slotOut: ReadonlyMap<NodeId, number>;
}
