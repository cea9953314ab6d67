/**
 * Length-prefixed framing of a TCP byte stream: each frame is a 4-byte big-endian length
 * followed by that many payload bytes. Pure (no sockets): `push` takes whatever chunk the
 * socket delivered and returns the complete payloads; a length prefix above the limit is an
 * error, since nothing after it can be trusted to be a frame boundary.
 */

/** Bytes of the length prefix. */
export const LENGTH_PREFIX_BYTES = 4;

export type SplitResult =
  | { readonly ok: true; readonly payloads: Buffer[] }
  | { readonly ok: false; readonly payloads: Buffer[]; readonly reason: 'oversize'; readonly detail: string };

/** The length prefix alone, so a sender can write a large body after it without copying the body. */
export function lengthPrefix(payloadBytes: number): Buffer {
  const prefix = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES);
  prefix.writeUInt32BE(payloadBytes, 0);
  return prefix;
}

/** One whole frame in one buffer (tests and small control frames). */
export function encodeFrame(payload: Buffer): Buffer {
  return Buffer.concat([lengthPrefix(payload.length), payload]);
}

export class FrameSplitter {
  /** Received chunks not yet returned as payloads; concatenated once per frame, not per chunk. */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Payload length of the frame being received, once its prefix is complete. */
  private expected: number | undefined;
  private failed = false;
  /** Whether a frame was returned yet: the first one may have a lower limit. */
  private first = true;

  /**
   * @param firstMaxPayloadBytes the limit of the first frame only (default: maxPayloadBytes),
   *   e.g. an acceptor's, whose first frame must be a small hello: a dialer that does not hold
   *   the key cannot make it buffer a large frame.
   */
  constructor(private readonly maxPayloadBytes: number, private readonly firstMaxPayloadBytes = maxPayloadBytes) {
    for (const limit of [maxPayloadBytes, firstMaxPayloadBytes]) {
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > 0xffff_ffff) {
        throw new RangeError(`maxPayloadBytes must be an integer in 1..${0xffff_ffff}, got ${limit}`);
      }
    }
  }

  /** Bytes of an incomplete frame received so far, its length prefix included (a close now truncates a frame). */
  get pendingBytes(): number {
    return this.expected === undefined ? this.buffered : LENGTH_PREFIX_BYTES + this.buffered;
  }

  push(chunk: Buffer): SplitResult {
    const payloads: Buffer[] = [];
    if (this.failed) return { ok: true, payloads };
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    for (;;) {
      if (this.expected === undefined) {
        if (this.buffered < LENGTH_PREFIX_BYTES) break;
        const length = this.take(LENGTH_PREFIX_BYTES).readUInt32BE(0);
        const limit = this.first ? this.firstMaxPayloadBytes : this.maxPayloadBytes;
        if (length > limit) {
          // The stream cannot be resynchronised after a bad prefix: stop reading it for good.
          this.failed = true;
          this.chunks = [];
          this.buffered = 0;
          return { ok: false, payloads, reason: 'oversize', detail: `length prefix ${length} exceeds the ${limit}-byte frame limit${this.first && limit !== this.maxPayloadBytes ? ' of a first frame' : ''}` };
        }
        this.expected = length;
      }
      if (this.buffered < this.expected) break;
      payloads.push(this.take(this.expected));
      this.expected = undefined;
      this.first = false;
    }
    return { ok: true, payloads };
  }

  /** Removes the first `n` buffered bytes (n <= buffered) and returns them as one buffer. */
  private take(n: number): Buffer {
    const head = this.chunks[0];
    if (head !== undefined && head.length >= n) {
      // Fast path: the bytes sit in one chunk; subarray shares memory instead of copying.
      const out = head.subarray(0, n);
      if (head.length === n) this.chunks.shift();
      else this.chunks[0] = head.subarray(n);
      this.buffered -= n;
      return out;
    }
    const all = Buffer.concat(this.chunks, this.buffered);
    const out = all.subarray(0, n);
    this.chunks = all.length > n ? [all.subarray(n)] : [];
    this.buffered -= n;
    return out;
  }
}
