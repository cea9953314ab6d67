/**
 * Wire messages (docs/protocol.md, "Messages"). Each spec message is the spec record plus a
 * `type` field; a few carry extra fields the spec does not model (Invoked.output,
 * Welcome.state), dropped by `toSpecMessage`. Active, Accepting and CatchUp are not in the
 * spec at all: their steps are stuttering.
 */
import type { Ballot, Batch, NodeId, Proposal, PValue, SlotProp } from './values.js';

/** Phase 1a: a scout asks every acceptor to promise `ballot`. */
export interface Prepare { readonly type: 'Prepare'; readonly ballot: Ballot }
/**
 * Phase 1b: an acceptor's answer to a Prepare for `ballot`: yes when `promised` equals it (with the pvalues it accepted), preempted when `promised` is higher.
 */
export interface Promise {
  readonly type: 'Promise';
  readonly acceptor: NodeId;
  readonly ballot: Ballot;
  readonly promised: Ballot;
  /** The pvalues it keeps: all at slots >= `mark`. */
  readonly accepted: readonly PValue[];
  /** The acceptor's mark, the first slot it keeps (below it its pvalues were compacted away:
   * those slots are decided). Absent when 1, never written as 1 (a message is the same
   * message without it, as the spec's keys say); an integer >= 2 when present. */
  readonly mark?: number;
  /** A Promise too large for one message is sent in `parts` messages (src/protocol/promiseParts.ts,
   * spec "Promise parts"): part `part` carries a segment (by slot) of the pvalues, and the same
   * ballot, promised and mark. Both absent in a Promise sent whole. */
  readonly part?: number;
  readonly parts?: number;
}
/** Phase 2a: a commander asks every acceptor to accept `prop` for `slot` under `ballot`. */
export interface Accept { readonly type: 'Accept'; readonly ballot: Ballot; readonly slot: number; readonly prop: Batch }
/**
 * Phase 2b: an acceptor's answer to an Accept: yes when `promised` equals `ballot`, preempted when it is higher.
 */
export interface Accepted {
  readonly type: 'Accepted';
  readonly acceptor: NodeId;
  readonly ballot: Ballot;
  readonly slot: number;
  readonly promised: Ballot;
}
/**
 * `prop` is chosen for `slot`: sent by a commander to every replica (and by replicas catching up a peer).
 */
export interface Decision { readonly type: 'Decision'; readonly slot: number; readonly prop: Batch }
/** A replica asks the leaders to get `prop` decided for `slot`. */
export interface Propose { readonly type: 'Propose'; readonly slot: number; readonly prop: Batch }
/**
 * A scout tells its own leader that a majority promised `ballot`, with the pvalues they had accepted.
 */
export interface Adopted {
  readonly type: 'Adopted';
  readonly ballot: Ballot;
  readonly pvalues: readonly PValue[];
  /** The highest mark of the quorum's Promises: the leader leaves the slots below it alone.
   * Absent when 1; an integer >= 2 when present. */
  readonly mark?: number;
}
/** A scout or commander tells leader `leader` that an acceptor promised the higher `ballot`. */
export interface Preempted { readonly type: 'Preempted'; readonly leader: NodeId; readonly ballot: Ballot }
/** A Requester asks replica `replica` to execute the client request `prop`. */
export interface Invoke { readonly type: 'Invoke'; readonly replica: NodeId; readonly prop: Proposal }
/**
 * Replica `replica` answers the caller of `prop`: the request is the `index`-th (from 1) it
 * executed. `output` is the application's result, which the spec leaves abstract (a function
 * of the first `index` requests of the history).
 */
export interface Invoked {
  readonly type: 'Invoked';
  readonly replica: NodeId;
  readonly prop: Proposal;
  readonly index: number;
  readonly output?: unknown;
}
/** A (re)starting node asks its peers for the state it missed. */
export interface Join { readonly type: 'Join'; readonly node: NodeId }
/**
 * `executed` is the welcoming replica's rExecuted (in order); `state` (not modelled) is its
 * application state after slot `slot - 1` and the output of each executed request.
 * A Welcome too large for one message is sent in `parts` messages (src/protocol/welcomeParts.ts,
 * spec "Welcome parts"): part `part` carries a segment of the decisions and of `executed`, and
 * in `state.app` a slice of the whole state's JSON text (`state.outputs` empty). Both fields
 * are absent in a Welcome sent whole.
 */
export interface Welcome {
  readonly type: 'Welcome';
  readonly node: NodeId;
  readonly slot: number;
  readonly part?: number;
  readonly parts?: number;
  readonly decisions: readonly SlotProp[];
  readonly executed: readonly Proposal[];
  /**
   * Len(rExecuted) of the welcoming replica: the length of the whole history the Welcome
   * transfers, in every part. A trace names the history by it (WelcomeHistoryRef), not by its
   * requests; absent in a Welcome from a node before it (its trace then lists `executed`).
   */
  readonly executedLength?: number;
  readonly state: WelcomeState;
}

/**
 * A Welcome's history as a trace writes it: by the length of the sender's history. The part
 * `part` of `parts` carries Segment(history, part, parts) of that history, which the checker
 * takes from its replay of the sender (docs/trace-format.md, "Histories by length"), so a trace
 * event that answers a Join costs O(1) bytes per part, not O(the history).
 */
export interface WelcomeHistoryRef { readonly historyLength: number }
/** A Welcome as the spec and a trace see it: without `state`, its history listed or named by length. */
export type WelcomeProjection = Omit<Welcome, 'state' | 'executed' | 'executedLength'> & { readonly executed: readonly Proposal[] | WelcomeHistoryRef };

/** The part of a Welcome the spec does not model. */
export interface WelcomeState {
  readonly app: unknown;
  /** `outputs[i]` is the output of `executed[i]`: answers for duplicate requests. */
  readonly outputs: readonly unknown[];
}

/**
 * Leader heartbeat (not in the spec). `slot`: the first slot the leader's node has not executed,
 * when it hosts a replica. A replica that lost the last Decisions before the cluster went idle
 * sees no gap; this shows it is behind, and it asks for the rest (a CatchUp).
 */
export interface Active { readonly type: 'Active'; readonly ballot: Ballot; readonly slot?: number }
/** An acceptor's hint to its own replica that `leader` now leads (not in the spec). */
export interface Accepting { readonly type: 'Accepting'; readonly leader: NodeId }
/** A replica asking peers for the decisions from `slot` on (not in the spec). */
export interface CatchUp { readonly type: 'CatchUp'; readonly replica: NodeId; readonly slot: number }

/** Wire messages whose type the spec models (they may carry extra fields). */
export type SpecTypedMessage =
  | Prepare | Promise | Accept | Accepted | Decision | Propose | Adopted | Preempted
  | Invoke | Invoked | Join | Welcome;
/** A spec message exactly: the projection of a SpecTypedMessage (see projection.ts). */
export type SpecMessage =
  | Prepare | Promise | Accept | Accepted | Decision | Propose | Adopted | Preempted
  | Invoke | Omit<Invoked, 'output'> | Join | WelcomeProjection;
/**
 * The messages the spec does not model (heartbeat, hint, catch-up request): their steps are stuttering.
 */
export type NonSpecMessage = Active | Accepting | CatchUp;
/** Every message a node sends or accepts on the wire. */
export type Message = SpecTypedMessage | NonSpecMessage;
/** A message as a trace shows it: a spec projection, or a non-spec message as it is. */
export type TraceMessage = SpecMessage | NonSpecMessage;
/** The `type` field of a message: `'Prepare' | 'Promise' | ...`. */
export type MessageType = Message['type'];
/** The message type whose `type` field is `T`, e.g. `MessageOf<'Prepare'>` is `Prepare`. */
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

/** The types of the messages the spec models, in the order of docs/protocol.md. */
export const SPEC_MESSAGE_TYPES = [
  'Prepare', 'Promise', 'Accept', 'Accepted', 'Decision', 'Propose', 'Adopted', 'Preempted',
  'Invoke', 'Invoked', 'Join', 'Welcome',
] as const satisfies readonly SpecTypedMessage['type'][];
/** The types of the messages the spec does not model. */
export const NON_SPEC_MESSAGE_TYPES = ['Active', 'Accepting', 'CatchUp'] as const satisfies readonly NonSpecMessage['type'][];
/** Every message type a node accepts (spec and non-spec). */
export const MESSAGE_TYPES: readonly MessageType[] = [...SPEC_MESSAGE_TYPES, ...NON_SPEC_MESSAGE_TYPES];

/**
 * True for a message of a type the spec models (possibly with extra wire fields: see `toSpecMessage`).
 */
export function isSpecTyped(m: Message): m is SpecTypedMessage {
  return m.type !== 'Active' && m.type !== 'Accepting' && m.type !== 'CatchUp';
}

/**
 * Messages a node only ever sends to itself (Scout/Commander -> its Leader, Acceptor -> its
 * Replica, Requester -> its Replica). One arriving from another node is forged: dropped.
 */
export const NODE_LOCAL_MESSAGE_TYPES: readonly MessageType[] = ['Adopted', 'Preempted', 'Accepting', 'Invoke'];
