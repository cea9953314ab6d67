/**
 * The dialing end of one connection, sans-IO: it waits for the acceptor's challenge, answers
 * with a hello bound to its nonce, then frames each envelope body with the next sequence
 * number. The acceptor sends nothing after the challenge; any other byte is an error.
 */
import type { NodeId } from '../node/api.js';
import { CHALLENGE_BYTES, DATA_HEADER_BYTES, KIND_BATCH, MAX_SEQ, dataHeader, helloPayload, parseChallenge } from './frameAuth.js';
import { FrameSplitter, encodeFrame, lengthPrefix } from './frameSplitter.js';

export type ChallengeOutcome =
  | { readonly type: 'ready'; readonly hello: Buffer }
  | { readonly type: 'rejected'; readonly reason: 'badChallenge'; readonly detail: string };

export class OutboundSession {
  private readonly splitter = new FrameSplitter(CHALLENGE_BYTES);
  private nonce: Buffer | undefined;
  private seq = 0;

  constructor(private readonly key: Buffer, private readonly self: NodeId) {}

  get ready(): boolean {
    return this.nonce !== undefined;
  }

  /** Bytes from the acceptor; undefined while the challenge is still incomplete. */
  receive(chunk: Buffer): ChallengeOutcome | undefined {
    if (this.nonce !== undefined) return { type: 'rejected', reason: 'badChallenge', detail: `${chunk.length} bytes after the challenge` };
    const split = this.splitter.push(chunk);
    if (!split.ok) return { type: 'rejected', reason: 'badChallenge', detail: split.detail };
    const [first, ...rest] = split.payloads;
    if (first === undefined) return undefined;
    const parsed = parseChallenge(first);
    if (!parsed.ok) return { type: 'rejected', reason: 'badChallenge', detail: parsed.detail };
    if (rest.length > 0 || this.splitter.pendingBytes > 0) return { type: 'rejected', reason: 'badChallenge', detail: 'bytes after the challenge' };
    this.nonce = parsed.nonce;
    return { type: 'ready', hello: encodeFrame(helloPayload(this.key, parsed.nonce, this.self)) };
  }

  /** Whether one more frame can be numbered on this connection (false after 2^48 - 1 frames). */
  get exhausted(): boolean {
    return this.seq >= MAX_SEQ - 1;
  }

  /** The next data frame for `body` as [length prefix + header, body]; writing both keeps large bodies uncopied. */
  frame(body: Buffer): [Buffer, Buffer] {
    if (this.nonce === undefined) throw new Error('OutboundSession.frame before the challenge');
    this.seq++;
    const header = dataHeader(this.key, this.nonce, this.seq, body);
    return [Buffer.concat([lengthPrefix(DATA_HEADER_BYTES + body.length), header]), body];
  }

  /**
   * One batch frame for several envelope bodies (each one JSON value), as [length prefix +
   * header, body]: the body is their JSON array, so the acceptor verifies one MAC and parses
   * once. The caller keeps it within the frame limit ({@link batchPayloadBytes}).
   */
  frameBatch(bodies: readonly Buffer[]): [Buffer, Buffer] {
    if (this.nonce === undefined) throw new Error('OutboundSession.frameBatch before the challenge');
    const parts: Buffer[] = [OPEN_ARRAY];
    for (const [i, body] of bodies.entries()) {
      if (i > 0) parts.push(COMMA);
      parts.push(body);
    }
    parts.push(CLOSE_ARRAY);
    const body = Buffer.concat(parts);
    this.seq++;
    const header = dataHeader(this.key, this.nonce, this.seq, body, KIND_BATCH);
    return [Buffer.concat([lengthPrefix(DATA_HEADER_BYTES + body.length), header]), body];
  }
}

const OPEN_ARRAY = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE_ARRAY = Buffer.from(']');

/** Payload bytes of a batch frame of `count` bodies of `bodyBytes` bytes in all: brackets and commas. */
export function batchPayloadBytes(count: number, bodyBytes: number): number {
  return DATA_HEADER_BYTES + bodyBytes + count + 1;
}

/** Payload bytes of a data frame carrying `bodyBytes` (what the frame limit applies to). */
export function dataPayloadBytes(bodyBytes: number): number {
  return DATA_HEADER_BYTES + bodyBytes;
}
