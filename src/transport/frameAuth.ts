/**
 * The authenticated frame payloads (inside the length prefix) and their MACs.
 *
 *   challenge  acceptor -> dialer   kind 0x01 | version (1) | nonce (32)
 *   hello      dialer -> acceptor   kind 0x02 | mac (32) | nonce answered (32) | node id (u32)
 *   data       dialer -> acceptor   kind 0x03 | seq (u48) | mac (32) | body (JSON envelope)
 *   batch      dialer -> acceptor   kind 0x04 | seq (u48) | mac (32) | body (JSON array of envelopes)
 *
 * hello mac = HMAC-SHA256(key, "paxos-reference/hello/v1" | nonce | node id)
 * data mac  = HMAC-SHA256(key, "paxos-reference/data/v1" | nonce | seq | body)
 * batch mac = HMAC-SHA256(key, "paxos-reference/batch/v1" | nonce | seq | body)
 *
 * A batch carries every envelope queued for a peer when its link writes (one MAC, one
 * length prefix, one JSON.parse for all of them: under load a write carries about ten), and
 * takes one sequence number like a data frame.
 *
 * The nonce is fresh per connection and chosen by the receiver, so no frame of one
 * connection verifies on another; the sequence number (1, 2, ... after the hello) makes a
 * frame re-sent within a connection detectable. The distinct labels keep a hello MAC from
 * ever passing as a data MAC, and a data MAC as a batch MAC. Frames are authenticated, not
 * encrypted.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** 2: batch frames (a version-1 node would close a connection at its first batch; the
 * challenge says which version each end speaks instead). */
export const PROTOCOL_VERSION = 2;
export const KIND_CHALLENGE = 0x01;
export const KIND_HELLO = 0x02;
export const KIND_DATA = 0x03;
export const KIND_BATCH = 0x04;

export const NONCE_BYTES = 32;
export const MAC_BYTES = 32;
/** 48 bits: Buffer reads them as an exact JS integer, and no connection lives 2^48 frames. */
export const SEQ_BYTES = 6;
export const MAX_SEQ = 2 ** 48 - 1;

export const CHALLENGE_BYTES = 1 + 1 + NONCE_BYTES;
export const HELLO_BYTES = 1 + MAC_BYTES + NONCE_BYTES + 4;
/** Bytes before a data (or batch) frame's body. */
export const DATA_HEADER_BYTES = 1 + SEQ_BYTES + MAC_BYTES;

const HELLO_LABEL = Buffer.from('paxos-reference/hello/v1', 'ascii');
const DATA_LABEL = Buffer.from('paxos-reference/data/v1', 'ascii');
const BATCH_LABEL = Buffer.from('paxos-reference/batch/v1', 'ascii');

export function challengePayload(nonce: Buffer): Buffer {
  const out = Buffer.alloc(CHALLENGE_BYTES);
  out[0] = KIND_CHALLENGE;
  out[1] = PROTOCOL_VERSION;
  nonce.copy(out, 2);
  return out;
}

export type ParsedChallenge = { ok: true; nonce: Buffer } | { ok: false; detail: string };

export function parseChallenge(payload: Buffer): ParsedChallenge {
  if (payload.length !== CHALLENGE_BYTES || payload[0] !== KIND_CHALLENGE) {
    return { ok: false, detail: `expected a ${CHALLENGE_BYTES}-byte challenge, got ${payload.length} bytes of kind ${payload[0]}` };
  }
  if (payload[1] !== PROTOCOL_VERSION) return { ok: false, detail: `challenge for protocol version ${payload[1]}, this is version ${PROTOCOL_VERSION}` };
  return { ok: true, nonce: Buffer.from(payload.subarray(2)) };
}

export function helloMac(key: Buffer, nonce: Buffer, node: number): Buffer {
  const id = Buffer.allocUnsafe(4);
  id.writeUInt32BE(node, 0);
  return createHmac('sha256', key).update(HELLO_LABEL).update(nonce).update(id).digest();
}

export function helloPayload(key: Buffer, nonce: Buffer, node: number): Buffer {
  const out = Buffer.alloc(HELLO_BYTES);
  out[0] = KIND_HELLO;
  helloMac(key, nonce, node).copy(out, 1);
  nonce.copy(out, 1 + MAC_BYTES);
  out.writeUInt32BE(node, 1 + MAC_BYTES + NONCE_BYTES);
  return out;
}

/** The fields of a hello of the right length (not yet verified). */
export function helloFields(payload: Buffer): { mac: Buffer; nonce: Buffer; node: number } {
  return {
    mac: payload.subarray(1, 1 + MAC_BYTES),
    nonce: payload.subarray(1 + MAC_BYTES, 1 + MAC_BYTES + NONCE_BYTES),
    node: payload.readUInt32BE(1 + MAC_BYTES + NONCE_BYTES),
  };
}

/** The MAC of a data frame, or with `kind` KIND_BATCH of a batch frame (another label). */
export function dataMac(key: Buffer, nonce: Buffer, seq: number, body: Buffer, kind: typeof KIND_DATA | typeof KIND_BATCH = KIND_DATA): Buffer {
  const seqBytes = Buffer.allocUnsafe(SEQ_BYTES);
  seqBytes.writeUIntBE(seq, 0, SEQ_BYTES);
  return createHmac('sha256', key).update(kind === KIND_BATCH ? BATCH_LABEL : DATA_LABEL).update(nonce).update(seqBytes).update(body).digest();
}

/** A data (or batch) frame's header (kind, seq, mac); the body follows it on the wire. */
export function dataHeader(key: Buffer, nonce: Buffer, seq: number, body: Buffer, kind: typeof KIND_DATA | typeof KIND_BATCH = KIND_DATA): Buffer {
  const out = Buffer.allocUnsafe(DATA_HEADER_BYTES);
  out[0] = kind;
  out.writeUIntBE(seq, 1, SEQ_BYTES);
  dataMac(key, nonce, seq, body, kind).copy(out, 1 + SEQ_BYTES);
  return out;
}

/** The fields of a data or batch frame at least DATA_HEADER_BYTES long (not yet verified). */
export function dataFields(payload: Buffer): { seq: number; mac: Buffer; body: Buffer } {
  return {
    seq: payload.readUIntBE(1, SEQ_BYTES),
    mac: payload.subarray(1 + SEQ_BYTES, DATA_HEADER_BYTES),
    body: payload.subarray(DATA_HEADER_BYTES),
  };
}

/** Constant-time comparison, so response timing reveals nothing about a forged MAC. */
export function macEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
