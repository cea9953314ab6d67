/**
 * The client protocol: how `paxos invoke`, `paxos status` and the chaos workload talk to a
 * node. A client is not a cluster member, so it does not use the peer port: each node listens
 * on a separate client port (default: its peer port + 1000) with the same authentication as
 * the peer transport (src/transport/frameAuth.ts, the cluster key):
 *
 *   node -> client   challenge (fresh nonce Nn)
 *   client -> node   hello (client id, MAC bound to Nn), then data frames MAC'd under Nn with
 *                    sequence numbers 1, 2, ... (InboundSession checks them, as for a peer)
 *   client -> node   first request: {kind "open", replyNonce Nc} (Nc: fresh, chosen by the client)
 *   node -> client   data frames MAC'd under Nc, their own sequence numbers 1, 2, ...
 *
 * Replies are MAC'd under the client's nonce, so a client accepts no reply recorded on
 * another connection, and a reply reflected back to a node fails its MAC (the node checks
 * frames under its own nonce). Client ids are above every node id, so a client can never
 * pass for a member. Requests and replies are JSON objects; every request from the network
 * is validated here before anything acts on it.
 */
import { DATA_HEADER_BYTES, dataFields, dataHeader, dataMac, KIND_BATCH, KIND_DATA, macEqual, MAX_SEQ } from '../../transport/frameAuth.js';
import { FrameSplitter, lengthPrefix } from '../../transport/frameSplitter.js';

/** Client ids: above any node id (nodes are 1..64) and within the hello's 32 bits. */
export const CLIENT_ID_MIN = 65_536;
export const CLIENT_ID_MAX = 0xffff_ffff;
/** A node's client port, by default: its peer port plus this. */
export const CLIENT_PORT_OFFSET = 1000;
/** A request frame: one command (the node refuses inputs over 64 KiB anyway) plus its envelope. */
export const MAX_REQUEST_FRAME_BYTES = 1 << 20;
/** A reply frame: a state reply with its history may be large (16 MiB, the peer transport's limit). */
export const MAX_REPLY_FRAME_BYTES = 16 << 20;
/** Request ids: positive safe integers (JSON numbers that stay exact). */
export const MAX_REQUEST_ID = Number.MAX_SAFE_INTEGER;

export type ClientRequest =
  | { readonly from: number; readonly kind: 'open'; readonly replyNonce: string }
  /** `retry`: this request id was sent before (to this node or another); see RequestTable. */
  | { readonly from: number; readonly kind: 'invoke'; readonly request: number; readonly command: unknown; readonly retry?: boolean }
  | { readonly from: number; readonly kind: 'status'; readonly request: number }
  /** The replica's executed history (`history`: the requests themselves) and its application state. */
  | { readonly from: number; readonly kind: 'state'; readonly request: number; readonly history?: boolean };

/**
 * Why an invoke has no output. `indeterminate`: the command may have taken effect (once) or
 * not at all; the client cannot tell from this reply.
 */
export type InvokeErrorCode =
  | 'DeadlineExceeded' // indeterminate: no decision in time (no live majority?)
  | 'Stopped' // indeterminate: the node stopped while the command was in flight
  | 'Unknown' // indeterminate: a retry of a request this node has no record of
  | 'Refused' // not executed: the node refused the command (too long)
  | 'BadRequest' // not executed: the request itself is wrong
  | 'Busy' // not executed: too many requests in flight on this connection
  // Client side only (no reply from a node says these):
  | 'NoAnswer' // indeterminate: the request left, no answer came back
  | 'Unreachable'; // not executed: no node took the request

export const INDETERMINATE_CODES: readonly InvokeErrorCode[] = ['DeadlineExceeded', 'Stopped', 'Unknown', 'NoAnswer'];

/**
 * Leader hints. A client that talks to the leader saves every request a hop (a follower's
 * replica forwards it to the leader, and with clients at every node, every replica proposes
 * into the same slots and the losers propose again: slower and with a long tail). So a node
 * says whom it follows: `opened.leader` (itself when it leads; null when it knows no leader
 * yet), and a `result` from a node that does not lead carries `leader`, the node it follows,
 * so a client learns of a new leader from its next answer. A hint, never a refusal: the node
 * still served the request, so following it late (or never) costs speed, not correctness.
 */
export type ClientReply =
  | { readonly kind: 'opened'; readonly node: number; readonly incarnation: number; readonly leader?: number | null }
  | { readonly kind: 'result'; readonly request: number; readonly ok: true; readonly output: unknown; readonly leader?: number }
  | { readonly kind: 'result'; readonly request: number; readonly ok: false; readonly error: InvokeErrorCode; readonly message: string; readonly indeterminate: boolean; readonly leader?: number }
  | { readonly kind: 'status'; readonly request: number; readonly status: NodeStatus }
  | { readonly kind: 'state'; readonly request: number; readonly state: ReplicaState }
  | { readonly kind: 'error'; readonly request: number | null; readonly message: string };

export interface BallotJson { readonly num: number; readonly leader: number }

export interface PeerHealth {
  readonly id: number;
  /** The outgoing link: open, connecting, backoff, ... */
  readonly link: string;
  readonly queued: number;
  readonly dropped: number;
  readonly received: number;
}

export interface NodeStatus {
  readonly node: number;
  /** Start time of this process (ms since the epoch): changes when the node restarts. */
  readonly incarnation: number;
  readonly uptimeMs: number;
  readonly app: string;
  readonly roles: readonly string[];
  /** This node's leader ballot (lBallot). */
  readonly ballot: BallotJson;
  /** The highest ballot its acceptor promised (aBallot). */
  readonly promised: BallotJson;
  /** The leader this node follows: the leader of its acceptor's promise (null: none yet). */
  readonly leader: number | null;
  /** Whether this node's leader is active (adopted with its ballot). */
  readonly active: boolean;
  /** The replica's next slot to execute (rSlotOut). */
  readonly slotOut: number;
  readonly executed: number;
  readonly pendingRequests: number;
  /** 'ok', or why the node cannot make progress (see progress.ts). */
  readonly health: string;
  readonly problem: string | null;
  readonly peers: readonly PeerHealth[];
  readonly rejectedFrames: number;
  readonly invalidMessages: number;
  /** Counters since the node started: what a command costs in fsyncs, envelopes and writes. */
  readonly io?: NodeIoCounters;
}

/** I/O counters of a node process (NodeStatus.io). */
export interface NodeIoCounters {
  /** Requests its clients sent, answered. */
  readonly answered: number;
  /** Durable records appended, and the write + fsync batches that made them durable. */
  readonly records: number;
  readonly syncs: number;
  /** Envelopes sent to peers and received from them, and the writes that carried the sent ones. */
  readonly envelopesSent: number;
  readonly envelopesReceived: number;
  readonly peerWrites: number;
}

export interface ExecutedRequest { readonly caller: number; readonly clientId: number; readonly input: string }

export interface ReplicaState {
  readonly node: number;
  readonly slotOut: number;
  readonly executed: number;
  /**
   * SHA-256 (hex, 16 digits) of the executed requests the node keeps, in order: equal
   * histories, equal digests. A checkpointing replica keeps none: the digest of no requests.
   */
  readonly historyDigest: string;
  /** stateDigest of the replica's application state. */
  readonly appDigest: string;
  /** The application state itself, when its JSON is at most 1 MiB. */
  readonly appState?: unknown;
  readonly history?: readonly ExecutedRequest[];
}

/** A leader hint from a node's reply, if it is one: a node id (below every client id); anything else is no hint. */
export function leaderHint(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value < CLIENT_ID_MIN ? value : undefined;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isRequestId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= MAX_REQUEST_ID;

/** A request from the network (its `from` was already checked against the connection's client id). */
export function checkRequest(value: unknown): Checked<ClientRequest> {
  if (!isObject(value)) return { ok: false, reason: 'a request must be a JSON object' };
  const kind = value.kind;
  const allowed: Record<string, readonly string[]> = {
    open: ['from', 'kind', 'replyNonce'],
    invoke: ['from', 'kind', 'request', 'command', 'retry'],
    status: ['from', 'kind', 'request'],
    state: ['from', 'kind', 'request', 'history'],
  };
  if (typeof kind !== 'string' || !Object.hasOwn(allowed, kind)) return { ok: false, reason: `unknown request kind ${JSON.stringify(kind)?.slice(0, 40)}` };
  const extra = Object.keys(value).find((k) => !allowed[kind]!.includes(k));
  if (extra !== undefined) return { ok: false, reason: `unexpected field ${JSON.stringify(extra.slice(0, 40))} in a ${kind} request` };
  if (kind === 'open') {
    if (typeof value.replyNonce !== 'string' || !/^[0-9a-f]{64}$/.test(value.replyNonce)) return { ok: false, reason: 'replyNonce must be 64 hex digits' };
    return { ok: true, value: value as ClientRequest };
  }
  if (!isRequestId(value.request)) return { ok: false, reason: `request must be a whole number in 1..${MAX_REQUEST_ID}` };
  if (kind === 'invoke') {
    if (!('command' in value) || value.command === undefined) return { ok: false, reason: 'an invoke needs a command' };
    if (value.retry !== undefined && typeof value.retry !== 'boolean') return { ok: false, reason: 'retry must be true or false' };
  }
  if (kind === 'state' && value.history !== undefined && typeof value.history !== 'boolean') return { ok: false, reason: 'history must be true or false' };
  return { ok: true, value: value as ClientRequest };
}

/**
 * The node's side of the reply stream: data frames MAC'd under the client's nonce, or batch
 * frames (a JSON array of replies, the transport's batch MAC) when several replies go out in
 * one turn.
 */
export class ReplyFramer {
  private seq = 0;
  constructor(private readonly key: Buffer, private readonly replyNonce: Buffer) {}

  /** [length prefix + header, body]; undefined once the sequence numbers are exhausted. */
  frame(reply: ClientReply): [Buffer, Buffer] | undefined {
    return this.frameBody(Buffer.from(JSON.stringify(reply), 'utf8'), KIND_DATA);
  }

  /**
   * The frames for `replies`, in order: one data frame for a lone reply, else batch frames of
   * as many as fit MAX_REPLY_FRAME_BYTES (a reply too large for any frame goes alone, as frame()
   * would send it). Empty once the sequence numbers are exhausted.
   */
  frameAll(replies: readonly ClientReply[]): [Buffer, Buffer][] | undefined {
    const bodies = replies.map((r) => Buffer.from(JSON.stringify(r), 'utf8'));
    const frames: [Buffer, Buffer][] = [];
    for (let i = 0; i < bodies.length;) {
      let bytes = bodies[i]!.length;
      let end = i + 1;
      while (end < bodies.length && DATA_HEADER_BYTES + bytes + bodies[end]!.length + (end - i + 1) + 1 <= MAX_REPLY_FRAME_BYTES) {
        bytes += bodies[end]!.length;
        end++;
      }
      const frame = end === i + 1
        ? this.frameBody(bodies[i]!, KIND_DATA)
        : this.frameBody(Buffer.concat([OPEN_ARRAY, ...bodies.slice(i, end).flatMap((b, k) => (k === 0 ? [b] : [COMMA, b])), CLOSE_ARRAY]), KIND_BATCH);
      if (frame === undefined) return undefined;
      frames.push(frame);
      i = end;
    }
    return frames;
  }

  private frameBody(body: Buffer, kind: typeof KIND_DATA | typeof KIND_BATCH): [Buffer, Buffer] | undefined {
    if (this.seq >= MAX_SEQ - 1) return undefined;
    this.seq++;
    return [Buffer.concat([lengthPrefix(DATA_HEADER_BYTES + body.length), dataHeader(this.key, this.replyNonce, this.seq, body, kind)]), body];
  }
}

const OPEN_ARRAY = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE_ARRAY = Buffer.from(']');

/** The client's side of the reply stream: verifies each frame's MAC and sequence number. */
export class ReplyReader {
  private readonly splitter = new FrameSplitter(MAX_REPLY_FRAME_BYTES);
  private expected = 1;
  private failed: string | undefined;

  constructor(private readonly key: Buffer, private readonly replyNonce: Buffer) {}

  /** The replies in `chunk`, or the reason the stream cannot be trusted (the caller closes it). */
  receive(chunk: Buffer): { replies: unknown[]; error?: string } {
    if (this.failed !== undefined) return { replies: [], error: this.failed };
    const split = this.splitter.push(chunk);
    const replies: unknown[] = [];
    for (const payload of split.payloads) {
      const kind = payload[0];
      if (payload.length < DATA_HEADER_BYTES || (kind !== KIND_DATA && kind !== KIND_BATCH)) return this.fail(replies, 'a reply frame that is not an authenticated data frame');
      const { seq, mac, body } = dataFields(payload);
      if (!macEqual(mac, dataMac(this.key, this.replyNonce, seq, body, kind))) return this.fail(replies, 'a reply whose MAC does not verify (wrong cluster key?)');
      if (seq !== this.expected) return this.fail(replies, `reply ${seq} where ${this.expected} was expected (replayed or lost)`);
      this.expected++;
      let value: unknown;
      try {
        value = JSON.parse(body.toString('utf8'));
      } catch {
        return this.fail(replies, 'a reply that is not JSON');
      }
      if (kind === KIND_DATA) replies.push(value);
      else if (Array.isArray(value) && value.length > 0) for (const reply of value) replies.push(reply as unknown);
      else return this.fail(replies, 'a batch of replies that is not a non-empty JSON array');
    }
    if (!split.ok) return this.fail(replies, split.detail);
    return { replies };
  }

  private fail(replies: unknown[], reason: string): { replies: unknown[]; error: string } {
    this.failed = reason;
    return { replies, error: reason };
  }
}
