/**
 * Wire messages (docs/protocol.md, "Messages"). Each spec message is the spec record plus a
 * `type` field; a few carry extra fields the spec does not model (Invoked.output,
 * Welcome.state), dropped by `toSpecMessage`. Active, Accepting and CatchUp are not in the
 * spec at all: their steps are stuttering.
 */
import type { Ballot, NodeId, Proposal, PValue, SlotProp } from './values.js';

export interface Prepare { readonly type: 'Prepare'; readonly ballot: Ballot }
export interface Promise {
  readonly type: 'Promise';
  readonly acceptor: NodeId;
  readonly ballot: Ballot;
  readonly promised: Ballot;
  readonly accepted: readonly PValue[];
}
export interface Accept { readonly type: 'Accept'; readonly ballot: Ballot; readonly slot: number; readonly prop: Proposal }
export interface Accepted {
  readonly type: 'Accepted';
  readonly acceptor: NodeId;
  readonly ballot: Ballot;
  readonly slot: number;
  readonly promised: Ballot;
}
export interface Decision { readonly type: 'Decision'; readonly slot: number; readonly prop: Proposal }
export interface Propose { readonly type: 'Propose'; readonly slot: number; readonly prop: Proposal }
export interface Adopted { readonly type: 'Adopted'; readonly ballot: Ballot; readonly pvalues: readonly PValue[] }
export interface Preempted { readonly type: 'Preempted'; readonly leader: NodeId; readonly ballot: Ballot }
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
export interface Join { readonly type: 'Join'; readonly node: NodeId }
/**
 * `executed` is the welcoming replica's rExecuted (in order); `state` (not modelled) is its
 * application state after slot `slot - 1` and the output of each executed request.
 */
export interface Welcome {
  readonly type: 'Welcome';
  readonly node: NodeId;
  readonly slot: number;
  readonly decisions: readonly SlotProp[];
  readonly executed: readonly Proposal[];
  readonly state: WelcomeState;
}

/** The part of a Welcome the spec does not model. */
export interface WelcomeState {
  readonly app: unknown;
  /** `outputs[i]` is the output of `executed[i]`: answers for duplicate requests. */
  readonly outputs: readonly unknown[];
}

/** Leader heartbeat (not in the spec). */
export interface Active { readonly type: 'Active'; readonly ballot: Ballot }
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
  | Invoke | Omit<Invoked, 'output'> | Join | Omit<Welcome, 'state'>;
export type NonSpecMessage = Active | Accepting | CatchUp;
export type Message = SpecTypedMessage | NonSpecMessage;
/** A message as a trace shows it: a spec projection, or a non-spec message as it is. */
export type TraceMessage = SpecMessage | NonSpecMessage;
export type MessageType = Message['type'];
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

export const SPEC_MESSAGE_TYPES = [
  'Prepare', 'Promise', 'Accept', 'Accepted', 'Decision', 'Propose', 'Adopted', 'Preempted',
  'Invoke', 'Invoked', 'Join', 'Welcome',
] as const satisfies readonly SpecTypedMessage['type'][];
export const NON_SPEC_MESSAGE_TYPES = ['Active', 'Accepting', 'CatchUp'] as const satisfies readonly NonSpecMessage['type'][];
export const MESSAGE_TYPES: readonly MessageType[] = [...SPEC_MESSAGE_TYPES, ...NON_SPEC_MESSAGE_TYPES];

export function isSpecTyped(m: Message): m is SpecTypedMessage {
  return m.type !== 'Active' && m.type !== 'Accepting' && m.type !== 'CatchUp';
}

/**
 * Messages a node only ever sends to itself (Scout/Commander -> its Leader, Acceptor -> its
 * Replica, Requester -> its Replica). One arriving from another node is forged: dropped.
 */
export const NODE_LOCAL_MESSAGE_TYPES: readonly MessageType[] = ['Adopted', 'Preempted', 'Accepting', 'Invoke'];
