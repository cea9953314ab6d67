/**
 * A record on disk: [length u32 LE][crc32 u32 LE][payload of `length` bytes].
 *
 * Why a checksum: a crash can leave the last write half done (a torn record, or a page of
 * zeros where the filesystem extended the file but never wrote the data), and disks do flip
 * bits. Without a checksum recovery would parse garbage as a promise or an accepted value. The
 * CRC covers the length field too, so a damaged length cannot pass as a shorter record.
 */
import { crc32 } from './crc32.js';

export const FRAME_HEADER_BYTES = 8;

/**
 * Largest payload we write or believe. The largest real record is an accept of a value at the
 * protocol's bounds: one request of MAX_INPUT_LENGTH code points or a batch of MAX_BATCH_INPUT
 * UTF-16 units in all (src/protocol/limits.ts; a node refuses a larger batch), each unit
 * JSON-escaped to at most 6 bytes (under 450 KiB with a batch's ids); a length above 1 MiB can
 * only be damage. Bounding it also bounds what a damaged length makes recovery read.
 */
export const MAX_RECORD_BYTES = 1 << 20;

export function encodeFrame(payload: Uint8Array): Buffer {
  if (payload.length === 0 || payload.length > MAX_RECORD_BYTES) {
    throw new RangeError(`a record payload must be 1..${MAX_RECORD_BYTES} bytes, got ${payload.length}`);
  }
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(frameChecksum(frame.subarray(0, 4), payload), 4);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

export type FrameRead =
  | { readonly ok: true; readonly payload: Uint8Array; readonly end: number }
  | { readonly ok: false; readonly reason: string };

/** The frame that starts at `offset`, or why there is no whole, intact one there. */
export function readFrame(bytes: Uint8Array, offset: number): FrameRead {
  const left = bytes.length - offset;
  if (left < FRAME_HEADER_BYTES) return { ok: false, reason: `incomplete header (${left} of ${FRAME_HEADER_BYTES} bytes)` };
  const view = Buffer.from(bytes.buffer, bytes.byteOffset + offset, left);
  const length = view.readUInt32LE(0);
  if (length === 0 || length > MAX_RECORD_BYTES) return { ok: false, reason: `impossible record length ${length}` };
  if (left < FRAME_HEADER_BYTES + length) {
    return { ok: false, reason: `incomplete record (${left - FRAME_HEADER_BYTES} of ${length} payload bytes)` };
  }
  const payload = view.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + length);
  if (frameChecksum(view.subarray(0, 4), payload) !== view.readUInt32LE(4)) return { ok: false, reason: 'checksum mismatch' };
  return { ok: true, payload, end: offset + FRAME_HEADER_BYTES + length };
}

/**
 * The first offset at or after `from` where an intact frame starts, if any. This is how
 * recovery tells a torn tail (nothing intact after the damage) from damage in the middle.
 * Cheap in practice: most offsets fail on the length (a JSON payload has no 0x00 byte, so a
 * length read from inside one is above MAX_RECORD_BYTES), and a scan stops at the first hit.
 */
export function findFrameAfter(bytes: Uint8Array, from: number): number | undefined {
  for (let offset = from; offset + FRAME_HEADER_BYTES < bytes.length; offset++) {
    if (readFrame(bytes, offset).ok) return offset;
  }
  return undefined;
}

function frameChecksum(lengthField: Uint8Array, payload: Uint8Array): number {
  return crc32(payload, crc32(lengthField));
}
