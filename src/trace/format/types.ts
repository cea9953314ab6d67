/**
 * JSON shapes of a trace: the header, the events, and the spec-level values they carry.
 * These are the spec's values projected to JSON (see docs/protocol.md and docs/trace-format.md).
 */
export interface Ballot { num: number; leader: number }
export interface Proposal { caller: number; clientId: number; input: string }
export interface PValue { ballot: Ballot; slot: number; prop: Proposal }
export interface SlotProp { slot: number; prop: Proposal }
/** `mark`: the highest low-water mark of the Promises the scout counted (1: none compacted). */
export interface ScoutState { ballot: Ballot; acks: number[]; pvalues: PValue[]; mark: number }
/** A replica's snapshot: the history it executed below `slot` (the spec's rSnap[n]). */
export interface SnapshotState { slot: number; executed: Proposal[] }
export interface CommanderState { ballot: Ballot; slot: number; prop: Proposal; acks: number[] }

export type SpecMessage =
  | { type: 'Prepare'; ballot: Ballot }
  /** `mark`: the acceptor's low-water mark (the first slot it keeps); absent in traces from before checkpoints, meaning 1. */
  /** `part` of `parts` (spec "Promise parts"): both absent in a one-part Promise (1 of 1). */
  | { type: 'Promise'; acceptor: number; ballot: Ballot; promised: Ballot; accepted: PValue[]; mark?: number; part?: number; parts?: number }
  | { type: 'Accept'; ballot: Ballot; slot: number; prop: Proposal }
  | { type: 'Accepted'; acceptor: number; ballot: Ballot; slot: number; promised: Ballot }
  | { type: 'Decision'; slot: number; prop: Proposal }
  | { type: 'Propose'; slot: number; prop: Proposal }
  /** `mark`: the highest mark of the quorum's Promises; absent means 1. */
  | { type: 'Adopted'; ballot: Ballot; pvalues: PValue[]; mark?: number }
  | { type: 'Preempted'; leader: number; ballot: Ballot }
  | { type: 'Invoke'; replica: number; prop: Proposal }
  | { type: 'Invoked'; replica: number; prop: Proposal; index: number }
  | { type: 'Join'; node: number }
  /** `part` of `parts` (spec "Welcome parts"): both absent in a one-part Welcome (1 of 1). */
  | { type: 'Welcome'; node: number; slot: number; part?: number; parts?: number; decisions: SlotProp[]; executed: Proposal[] | HistoryRange };

/**
 * A Welcome part's history as a trace replay with a history window holds it: a range of the
 * sender's history (src/trace/spec/historySegment.ts), not a copy of its requests. Never in a
 * trace file; its requests are those of the range, when the window still holds them.
 */
export interface HistoryRange extends Iterable<Proposal> {
  readonly length: number;
  map<T>(f: (p: Proposal, i: number) => T): T[];
  /** The range's identity in a message key: equal keys, equal requests (format/keys.ts). */
  readonly historyKey: string;
}

export type MessageType = SpecMessage['type'];
export type MessageOf<T extends MessageType> = Extract<SpecMessage, { type: T }>;

/** One node's spec variables, after a step. Sets are arrays (order is not significant to the checker). */
export interface NodeStateJson {
  aBallot: Ballot;
  aAccepted: PValue[];
  lBallot: Ballot;
  lActive: boolean;
  lProposals: SlotProp[];
  scout: ScoutState | null;
  commanders: CommanderState[];
  rSlotIn: number;
  rSlotOut: number;
  rRequests: Proposal[];
  rProposals: SlotProp[];
  rDecisions: SlotProp[];
  /** A sequence (order matters), unlike every other array here. */
  rExecuted: Proposal[];
  /** The part of the global `invoked` whose caller is this node. */
  invoked: Proposal[];
  /** The acceptor's low-water mark: the first slot it keeps (1: nothing compacted). */
  aMark: number;
  /** The leader's mark: it proposes nothing below it (1 initially and after a restart). */
  lMark: number;
  /** The replica's snapshot (initially `{slot: 1, executed: []}`). */
  rSnap: SnapshotState;
}

/**
 * The `delta` of a compact trace event: a node's change since its previous event. Fields absent
 * are unchanged; a set field lists the elements added and removed; rExecuted what was appended,
 * how many of its first elements it kept (`truncate`: a restart restoring the snapshot), or its
 * whole new value (`reset`: a Welcome); rSnap its new slot and how many of rExecuted's first
 * elements (after this event's change to rExecuted) it holds.
 */
export const SET_FIELDS = ['aAccepted', 'lProposals', 'commanders', 'rRequests', 'rProposals', 'rDecisions', 'invoked'] as const;
export const SCALAR_FIELDS = ['aBallot', 'lBallot', 'lActive', 'scout', 'rSlotIn', 'rSlotOut', 'aMark', 'lMark'] as const;
type SetField = (typeof SET_FIELDS)[number];
type ScalarField = (typeof SCALAR_FIELDS)[number];

export type StateDelta = Partial<{
  [F in ScalarField]: NodeStateJson[F];
}> & Partial<Record<SetField, { add?: unknown[]; remove?: unknown[] }>> & {
  rExecuted?: ExecutedDelta;
  rSnap?: SnapshotDelta;
};

/**
 * `reset` or `truncate` first (never both), then `append`. `reset` by length
 * (`{"historyLength": L}`) only where a replica installs a Welcome: the history that Welcome
 * carries (docs/trace-format.md, "Histories by length").
 */
export interface ExecutedDelta { append?: Proposal[]; reset?: Proposal[] | HistoryLength; truncate?: number }
/** A history given by its length where the checker knows it (docs/trace-format.md, "Histories by length"). */
export interface HistoryLength { historyLength: number }
/** Is `x` a history given by its length (not a list)? */
export const isHistoryLength = (x: unknown): x is HistoryLength =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && typeof (x as HistoryLength).historyLength === 'number';
/** The snapshot's executed history is the first `executedLength` elements of rExecuted: O(1) bytes per snapshot. */
export interface SnapshotDelta { slot: number; executedLength: number }

export interface EventParams {
  from?: number;
  message?: SpecMessage;
  timer?: string;
  proposal?: Proposal;
  /** A replica's output for the request it executed or answered again (not in the spec). */
  output?: unknown;
  /** ReplicaExecute of a long batch: the outputs of the requests it ran, in order, one per Invoked sent (never with `output`). */
  outputs?: unknown[];
  /** stateDigest of the application state after an execution, or sent or installed by a Welcome. */
  digest?: string;
  /** ClientInvoke / ClientReturn events: what the application asked and what it was told. */
  client?: ClientEvent;
}

export type ClientEvent =
  | { kind: 'invoke'; clientId: number; input: string; at: number }
  | { kind: 'return'; clientId: number; at: number; output: unknown }
  | { kind: 'error'; clientId: number; at: number; error: string };

/** The application the replicas ran: what the client-level checks replay. */
export interface TraceApp {
  name: 'bank' | 'kv';
  /** Inputs wrapped by the simulator's tracking state machine (src/sim/tracking.ts). */
  tracked?: boolean;
  /**
   * How a tracked state's digest is taken (src/sim/tracking.ts TrackedDigest): "chain", the app
   * and a hash chain of its history; absent, the whole state's canonical text (older traces).
   */
  trackedDigest?: 'chain';
  /**
   * How the app's state is digested: "entries", the app's own digest of its entries, O(1) per
   * command (statemachines/digest.ts entriesStateDigest; in a tracked state, hashed with the
   * history's chain); absent, stateDigest of its canonical JSON, O(the state) (older traces).
   */
  digest?: 'entries';
}

export interface TraceEvent {
  node: number;
  seq: number;
  clock: number;
  role: string;
  action: string;
  params: EventParams;
  sent: SpecMessage[];
  /** The node's full state after the step, or (compact traces) `delta`: its change. */
  state?: NodeStateJson;
  delta?: StateDelta;
}

/** An event with its node's whole state: what a node hands its writer, what DeltaDecoder gives back. */
export type FullTraceEvent = TraceEvent & { state: NodeStateJson };

export interface TraceHeader {
  kind: 'header';
  format: string;
  spec: { module: string; constants: SpecConstants };
  /**
   * The node ids, and, in a run that batches, the most input text (UTF-16 units, summed over
   * its requests) a batch of two or more may hold (Limits.batchMaxInput; the spec has no byte
   * bound, so the checker enforces it beside the spec, like BatchMax). Absent: not checked.
   */
  cluster: { nodes: number[]; batchMaxInput?: number };
  seed?: number | string;
  runId?: string;
  /**
   * Present when this file holds the events of one node only (merge by Lamport clock before
   * replay). `lifecycle`: the writer records how each incarnation ends (TraceEnding lines), so a
   * part that stops without one lost its tail.
   */
  part?: { node: number; lifecycle?: boolean };
  generator?: string;
  /** Absent: the client-level checks (state-machine replay, linearizability) are skipped. */
  app?: TraceApp;
}

/**
 * The spec constants a trace maps to. The model bounds (RequestsPerCaller, MaxBallot, MaxSlot,
 * MaxRestarts) are optional: absent means unbounded, i.e. "as many as the trace shows".
 */
export interface SpecConstants {
  N: number;
  Window: number;
  LeaderNodes?: number[];
  ReplicaNodes?: number[];
  Callers?: number[];
  RequestsPerCaller?: number;
  MaxBallot?: number;
  MaxSlot?: number;
  MaxRestarts?: number;
  /** The nodes whose replica may take snapshots; absent means none (traces from before checkpoints). */
  CheckpointNodes?: number[];
  /** The most requests a replica proposes for one slot (spec BatchMax); absent means 1 (traces from before batching). */
  BatchMax?: number;
  /** The part counts a Welcome may be sent in (spec WelcomeParts); absent means any count (the code picks it from the bytes; a trace from before Welcome parts has only 1). */
  WelcomeParts?: number[];
  /** The part counts a Promise may be sent in (spec PromiseParts); absent means any count (the code picks it from the bytes; a trace from before Promise parts has only 1). */
  PromiseParts?: number[];
  Mutant?: string;
}

/**
 * The format this library writes. Version 3 added checkpoints: aMark, lMark, rSnap and
 * scout.mark in node states, Promise.mark and Adopted.mark, the header's CheckpointNodes, the
 * actions ReplicaSnapshot, ReplicaForget, AcceptorCompact and LeaderCompact, and rExecuted's `truncate`.
 */
export const TRACE_FORMAT = 'paxos-trace/3';
/** The version before checkpoints: read with every mark 1 and no snapshot (format/versions.ts). */
export const TRACE_FORMAT_V2 = 'paxos-trace/2';
export const TRACE_FORMATS_READ: readonly string[] = [TRACE_FORMAT_V2, TRACE_FORMAT];

/**
 * How one incarnation of a node ended, in a part file whose header sets `part.lifecycle`. Not a
 * spec step: the checker checks where it stands and skips it in the replay.
 * - `end`: the node stopped cleanly (written by the node, after its last event);
 * - `crash`: the process died (written by whoever found it dead: its next incarnation, or the
 *   supervisor that reaped it). A last line cut mid-write reads as a crash too.
 * `seq` and `clock` are those of the incarnation's last event (0 if it had none; the previous
 * incarnation's if it wrote none), so a merge by clock puts the line right after that event.
 */
export interface TraceEnding {
  kind: 'end' | 'crash';
  node: number;
  seq: number;
  clock: number;
  /** Wall-clock time in ms when the line was written. */
  at?: number;
  /** Why (a signal, "found dead at restart", ...): for people, not checked. */
  note?: string;
}

export const ENDING_KINDS: readonly string[] = ['end', 'crash'];
export const isTraceEnding = (v: unknown): v is TraceEnding =>
  typeof v === 'object' && v !== null && ENDING_KINDS.includes((v as { kind?: unknown }).kind as string);

/** Events that are not spec actions: the application's calls and answers (role 'Client'). */
export const CLIENT_ACTIONS = ['ClientInvoke', 'ClientReturn'] as const;
/** Actions the spec sees as stuttering steps: a Stutter, or a client event. */
export const isStuttering = (action: string): boolean =>
  action === 'Stutter' || action === 'ClientInvoke' || action === 'ClientReturn';
