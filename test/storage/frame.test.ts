/**
 * The frame's checksum covers its length field (storage/frame.ts): a length damaged to a
 * shorter one cannot pass as a shorter record. CRC-32 alone over the payload would let one
 * through whenever the payload's prefix of the damaged length has the payload's CRC, and such
 * a payload is easy to make: CRC-32 is linear, so four bytes appended to any text can restore
 * the text's CRC. This test builds one and damages its length.
 */
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/storage/crc32.js';
import { FRAME_HEADER_BYTES, MAX_RECORD_BYTES, encodeFrame, findFrameAfter, readFrame } from '../../src/storage/frame.js';

const TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
/** Table index by the top byte of its entry (all 256 differ): how one step of the register is undone. */
const BY_TOP = new Map(TABLE.map((t, i) => [t >>> 24, i]));

/** The four bytes that, appended to `text`, leave its CRC-32 as it was. */
function sameCrcSuffix(text: Uint8Array): Uint8Array {
  // Four bytes s from register r give F(r ^ s), F four zero-byte steps; F(r ^ s) = r needs s = F⁻¹(r) ^ r.
  const r = ~crc32(text) >>> 0;
  let x = r;
  for (let k = 0; k < 4; k++) {
    const i = BY_TOP.get(x >>> 24)!;
    x = (((x ^ TABLE[i]!) << 8) | i) >>> 0;
  }
  const s = (x ^ r) >>> 0;
  return Uint8Array.of(s & 0xff, (s >>> 8) & 0xff, (s >>> 16) & 0xff, s >>> 24);
}

describe('a record frame', () => {
  it('reads back what it wrote', () => {
    const payload = new TextEncoder().encode('{"kind":"promise","ballot":{"num":3,"leader":2}}');
    const r = readFrame(encodeFrame(payload), 0);
    expect(r.ok && Buffer.from(r.payload).equals(Buffer.from(payload))).toBe(true);
  });

  it('rejects a length damaged to a shorter one, even where the shorter payload has the same CRC-32', () => {
    const shorter = new TextEncoder().encode('{"kind":"promise","ballot":{"num":1,"leader":1}}');
    const payload = Buffer.concat([shorter, sameCrcSuffix(shorter)]);
    // The premise: CRC-32 over the payload alone cannot tell the two apart.
    expect(crc32(payload)).toBe(crc32(shorter));
    const frame = encodeFrame(payload);
    expect(readFrame(frame, 0).ok).toBe(true);
    const damaged = Buffer.from(frame);
    damaged.writeUInt32LE(shorter.length, 0);
    const read = readFrame(damaged.subarray(0, FRAME_HEADER_BYTES + shorter.length), 0);
    expect(read).toEqual({ ok: false, reason: 'checksum mismatch' });
  });

  it('reads back a record of exactly MAX_RECORD_BYTES (what encodeFrame accepts), and neither writes nor believes a longer one', () => {
    const payload = Buffer.alloc(MAX_RECORD_BYTES, 0x61);
    const frame = encodeFrame(payload);
    const r = readFrame(frame, 0);
    expect(r.ok && r.end === frame.length && Buffer.from(r.payload).equals(payload)).toBe(true);
    expect(findFrameAfter(frame, 0)).toBe(0);
    expect(() => encodeFrame(Buffer.alloc(MAX_RECORD_BYTES + 1))).toThrow(RangeError);
    const longer = Buffer.concat([frame, Buffer.alloc(1)]);
    longer.writeUInt32LE(MAX_RECORD_BYTES + 1, 0);
    expect(readFrame(longer, 0)).toEqual({ ok: false, reason: `impossible record length ${MAX_RECORD_BYTES + 1}` });
  });
});
