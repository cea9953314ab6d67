/**
 * The accepting end of one connection, sans-IO: it issues the challenge, then turns the bytes
 * the dialer sends into events (authenticated, envelope, rejected). It never throws on input
 * and never yields an envelope from a frame whose MAC does not verify.
 *
 * A rejection is fatal (the caller closes the connection) unless the frame was authentic and
 * well delimited: a peer's non-JSON body or wrong `from` costs that frame only.
 */
import type { NodeId } from '../node/api.js';
import {
  DATA_HEADER_BYTES, HELLO_BYTES, KIND_BATCH, KIND_DATA, KIND_HELLO, MAX_SEQ,
  challengePayload, dataFields, dataMac, helloFields, helloMac, macEqual,
} from './frameAuth.js';
import { FrameSplitter, encodeFrame } from './frameSplitter.js';
import type { RejectReason } from './rejectReasons.js';

export interface InboundConfig {
  readonly key: Buffer;
  /** Whether `id` may authenticate here (a configured peer, not this node). */
  readonly isPeer: (id: NodeId) => boolean;
  readonly maxFrameBytes: number;
}

export type InboundEvent =
  | { readonly type: 'authenticated'; readonly peer: NodeId }
  | { readonly type: 'envelope'; readonly peer: NodeId; readonly value: unknown }
  | { readonly type: 'rejected'; readonly reason: RejectReason; readonly detail: string; readonly fatal: boolean };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The largest first frame an acceptor buffers: the first frame must be the hello
 * (HELLO_BYTES), so anything much larger is refused at its length prefix. Without it a dialer
 * that does not hold the key could make each of maxInboundConnections connections buffer a
 * whole maxFrameBytes frame before any MAC is checked (256 x 16 MiB by default). Above
 * HELLO_BYTES so a slightly wrong hello is still reported as what it is.
 */
export const MAX_FIRST_FRAME_BYTES = 1024;

export class InboundSession {
  private readonly splitter: FrameSplitter;
  /** The authenticated peer, once its hello verified. */
  private peerId: NodeId | undefined;
  private expectedSeq = 1;
  private dead = false;

  constructor(private readonly config: InboundConfig, readonly nonce: Buffer) {
    this.splitter = new FrameSplitter(config.maxFrameBytes, Math.min(MAX_FIRST_FRAME_BYTES, config.maxFrameBytes));
  }

  get peer(): NodeId | undefined {
    return this.peerId;
  }

  /** The framed challenge to write first. */
  challenge(): Buffer {
    return encodeFrame(challengePayload(this.nonce));
  }

  receive(chunk: Buffer): InboundEvent[] {
    if (this.dead) return [];
    const events: InboundEvent[] = [];
    const split = this.splitter.push(chunk);
    for (const payload of split.payloads) {
      const event = this.onPayload(payload, events);
      if (event) events.push(event);
      if (event?.type === 'rejected' && event.fatal) return this.die(events);
    }
    if (!split.ok) events.push({ type: 'rejected', reason: split.reason, detail: split.detail, fatal: true });
    return split.ok ? events : this.die(events);
  }

  /** The connection closed: a partly received frame is a truncation. */
  end(): InboundEvent[] {
    if (this.dead) return [];
    this.dead = true;
    const pending = this.splitter.pendingBytes;
    return pending === 0 ? [] : [{ type: 'rejected', reason: 'truncated', detail: `connection closed with ${pending} bytes of an incomplete frame`, fatal: true }];
  }

  private die(events: InboundEvent[]): InboundEvent[] {
    this.dead = true;
    return events;
  }

  /** The payload's event, or undefined when it pushed its events (a batch) onto `events`. */
  private onPayload(payload: Buffer, events: InboundEvent[]): InboundEvent | undefined {
    const kind = payload[0];
    if (kind === KIND_HELLO) return this.onHello(payload);
    if (kind === KIND_DATA) return this.onData(payload);
    if (kind === KIND_BATCH) return this.onBatch(payload, events);
    return reject('missingMac', `frame of ${payload.length} bytes with kind ${kind ?? 'none'} is not an authenticated frame`);
  }

  private onHello(payload: Buffer): InboundEvent {
    if (payload.length !== HELLO_BYTES) return reject('missingMac', `hello of ${payload.length} bytes, expected ${HELLO_BYTES}`);
    const { mac, nonce, node } = helloFields(payload);
    // Verified against the nonce it claims to answer, so an authentic hello from another
    // connection is told apart (replayed) from a forgery (badMac).
    if (!macEqual(mac, helloMac(this.config.key, nonce, node))) return reject('badMac', `hello from node ${node} does not verify`);
    if (!nonce.equals(this.nonce)) return reject('replayed', `hello from node ${node} answers another connection's challenge`);
    if (this.peerId !== undefined) return reject('replayed', `second hello on a connection already authenticated as node ${this.peerId}`);
    if (!this.config.isPeer(node)) return reject('unknownSender', `authenticated hello from node ${node}, which is not a peer`);
    this.peerId = node;
    return { type: 'authenticated', peer: node };
  }

  private onData(payload: Buffer): InboundEvent {
    const opened = this.open(payload, KIND_DATA);
    if (!opened.ok) return opened.rejected;
    return this.envelope(opened.value, opened.peer);
  }

  /** A batch: one authenticated JSON array, each element an envelope checked as a data frame's is. */
  private onBatch(payload: Buffer, events: InboundEvent[]): InboundEvent | undefined {
    const opened = this.open(payload, KIND_BATCH);
    if (!opened.ok) return opened.rejected;
    if (!Array.isArray(opened.value) || opened.value.length === 0) {
      return reject('notJson', `batch frame ${opened.seq}: not a non-empty JSON array of envelopes`, false);
    }
    for (const value of opened.value) events.push(this.envelope(value, opened.peer));
    return undefined;
  }

  /** Authenticates a data or batch frame and parses its body; a rejection is the frame's only event. */
  private open(payload: Buffer, kind: typeof KIND_DATA | typeof KIND_BATCH): { ok: true; seq: number; peer: NodeId; value: unknown } | { ok: false; rejected: InboundEvent } {
    const name = kind === KIND_DATA ? 'data' : 'batch';
    if (payload.length < DATA_HEADER_BYTES) return { ok: false, rejected: reject('missingMac', `${name} frame of ${payload.length} bytes, shorter than its ${DATA_HEADER_BYTES}-byte header`) };
    const peer = this.peerId;
    if (peer === undefined) return { ok: false, rejected: reject('noHello', `${name} frame before the hello`) };
    const { seq, mac, body } = dataFields(payload);
    if (!macEqual(mac, dataMac(this.config.key, this.nonce, seq, body, kind))) return { ok: false, rejected: reject('badMac', `${name} frame ${seq} does not verify`) };
    if (seq !== this.expectedSeq) return { ok: false, rejected: reject('replayed', `${name} frame ${seq}, expected ${this.expectedSeq}`) };
    // Unreachable in practice (2^48 frames); closing keeps the counter exact rather than wrapping.
    if (seq === MAX_SEQ) return { ok: false, rejected: reject('replayed', 'sequence numbers exhausted') };
    this.expectedSeq = seq + 1;
    try {
      return { ok: true, seq, peer, value: JSON.parse(utf8.decode(body)) };
    } catch {
      return { ok: false, rejected: reject('notJson', `${name} frame ${seq}: ${body.length} bytes that are not UTF-8 JSON`, false) };
    }
  }

  /** An authentic value is an envelope only if it comes `from` the authenticated peer. */
  private envelope(value: unknown, peer: NodeId): InboundEvent {
    const from = typeof value === 'object' && value !== null ? (value as { from?: unknown }).from : undefined;
    if (from !== peer) {
      return reject('wrongFrom', `envelope from ${JSON.stringify(from)?.slice(0, 40) ?? 'nothing'} on the connection of node ${peer}`, false);
    }
    return { type: 'envelope', peer, value };
  }
}

function reject(reason: RejectReason, detail: string, fatal = true): InboundEvent {
  return { type: 'rejected', reason, detail, fatal };
}
