/**
 * The frame every application snapshot shares (byte layout in docs/snapshots.md):
 *
 *   magic "PXSN" | format version u16 | app name length u8 | app name (ASCII)
 *   | body length u32 | body | checksum (first 8 bytes of SHA-256 of everything before it)
 *
 * Integers are big-endian. The body is the application's own (a sorted list of entries);
 * this module gives it a writer and a bounds-checked reader. A snapshot arrives from the
 * network or from disk, so every read is checked: `readSnapshotFrame` and the reader throw a
 * {@link SnapshotFormatError} that names what is wrong, never an out-of-range read or a
 * half-built state.
 */
import { createHash } from 'node:crypto';

/** Marks a snapshot, so bytes of another kind are rejected before anything else is read. */
export const SNAPSHOT_MAGIC = 'PXSN';
/** The only layout this build writes and reads; a new layout gets a new number. */
export const SNAPSHOT_FORMAT_VERSION = 1;
/** Checksum bytes at the end: enough to catch corruption in transit or on disk, not an authenticator. */
export const SNAPSHOT_CHECKSUM_BYTES = 8;
/** Longest application name in the header; a named limit so a header is small and bounded. */
export const MAX_APP_NAME_LENGTH = 16;

const HEADER_FIXED_BYTES = 4 + 2 + 1; // magic, version, app name length
/** Code units decoded per String.fromCharCode call (its arguments go on the stack). */
const STRING_PIECE = 8192;
const BODY_LENGTH_BYTES = 4;

/** A snapshot that cannot be restored: truncated, of another app or version, corrupted, or invalid. */
export class SnapshotFormatError extends Error {
  constructor(app: string, problem: string) {
    super(`cannot restore ${app} snapshot: ${problem}`);
    this.name = 'SnapshotFormatError';
  }
}

/** Appends big-endian integers and UTF-16 strings to a growing buffer. */
export class SnapshotWriter {
  private bytes = new Uint8Array(256);
  private view = new DataView(this.bytes.buffer);
  private length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  u32(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new RangeError(`u32 out of range: ${value}`);
    this.reserve(4);
    this.view.setUint32(this.length, value);
    this.length += 4;
  }

  /** A non-negative safe integer as 8 bytes (balances up to 2^53 - 1). */
  u64(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`u64 must be a non-negative safe integer: ${value}`);
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(value));
    this.length += 8;
  }

  /**
   * Length in UTF-16 code units (u32), then each code unit as u16. UTF-16 rather than UTF-8
   * because a name from JSON may hold a lone surrogate, which UTF-8 cannot carry losslessly.
   */
  string(value: string): void {
    this.u32(value.length);
    this.reserve(2 * value.length);
    for (let i = 0; i < value.length; i++) this.view.setUint16(this.length + 2 * i, value.charCodeAt(i));
    this.length += 2 * value.length;
  }

  /** Length (u32), then the bytes as they are: an embedded snapshot of another layer. */
  blob(value: Uint8Array): void {
    this.u32(value.length);
    this.reserve(value.length);
    this.bytes.set(value, this.length);
    this.length += value.length;
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** Reads what {@link SnapshotWriter} wrote; any read past the end throws, naming the field. */
export class SnapshotReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly body: Uint8Array, private readonly app: string) {
    this.view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  }

  get remaining(): number {
    return this.body.length - this.offset;
  }

  fail(problem: string): never {
    throw new SnapshotFormatError(this.app, problem);
  }

  private need(bytes: number, field: string): void {
    if (bytes > this.remaining) this.fail(`${field} needs ${bytes} bytes at body offset ${this.offset}, only ${this.remaining} left`);
  }

  u32(field: string): number {
    this.need(4, field);
    const value = this.view.getUint32(this.offset);
    this.offset += 4;
    return value;
  }

  u64(field: string): number {
    this.need(8, field);
    const value = this.view.getBigUint64(this.offset);
    this.offset += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${field} ${value} is above the largest exact integer`);
    return Number(value);
  }

  /** A string of at most `maxLength` code units: a larger declared length is rejected before any allocation. */
  string(field: string, maxLength: number): string {
    const length = this.u32(`${field} length`);
    if (length > maxLength) this.fail(`${field} length ${length} exceeds the limit ${maxLength}`);
    this.need(2 * length, field);
    // In pieces: String.fromCharCode(...units) overflows the call stack on long strings.
    let text = '';
    for (let start = 0; start < length; start += STRING_PIECE) {
      const units = new Array<number>(Math.min(STRING_PIECE, length - start));
      for (let i = 0; i < units.length; i++) units[i] = this.view.getUint16(this.offset + 2 * (start + i));
      text += String.fromCharCode(...units);
    }
    this.offset += 2 * length;
    return text;
  }

  /** Bytes {@link SnapshotWriter.blob} wrote (a copy), at most `maxLength` of them. */
  blob(field: string, maxLength: number): Uint8Array {
    const length = this.u32(`${field} length`);
    if (length > maxLength) this.fail(`${field} length ${length} exceeds the limit ${maxLength}`);
    this.need(length, field);
    const out = this.body.slice(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  /**
   * An entry count, rejected when even the smallest entries could not fit in the bytes left:
   * an absurd count fails here instead of driving a long loop or a large allocation.
   */
  count(field: string, minEntryBytes: number): number {
    const count = this.u32(field);
    if (count * minEntryBytes > this.remaining) this.fail(`${field} ${count} cannot fit in the ${this.remaining} bytes left`);
    return count;
  }

  /** After the last entry: bytes left over mean the body is not what the header says. */
  end(): void {
    if (this.remaining !== 0) this.fail(`${this.remaining} unexpected bytes after the last entry`);
  }
}

/** Restore accepts keys only in snapshot order, one encoding per state: an equal or smaller key is rejected. */
export function checkKeyOrder(reader: SnapshotReader, previous: string | undefined, key: string): void {
  if (previous !== undefined && !(previous < key)) {
    reader.fail(`key ${JSON.stringify(key)} follows ${JSON.stringify(previous)}: keys must be unique and ascending`);
  }
}

function checksum(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest().subarray(0, SNAPSHOT_CHECKSUM_BYTES);
}

function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** Wraps an application's body in the frame: header, body, checksum. */
export function writeSnapshotFrame(app: string, body: Uint8Array): Uint8Array {
  if (!/^[a-z0-9-]+$/.test(app) || app.length > MAX_APP_NAME_LENGTH) throw new RangeError(`app name must be 1..${MAX_APP_NAME_LENGTH} of a-z, 0-9, -: ${JSON.stringify(app)}`);
  const headerLength = HEADER_FIXED_BYTES + app.length + BODY_LENGTH_BYTES;
  const out = new Uint8Array(headerLength + body.length + SNAPSHOT_CHECKSUM_BYTES);
  const view = new DataView(out.buffer);
  out.set(asciiBytes(SNAPSHOT_MAGIC), 0);
  view.setUint16(4, SNAPSHOT_FORMAT_VERSION);
  view.setUint8(6, app.length);
  out.set(asciiBytes(app), HEADER_FIXED_BYTES);
  view.setUint32(HEADER_FIXED_BYTES + app.length, body.length);
  out.set(body, headerLength);
  out.set(checksum(out.subarray(0, headerLength + body.length)), headerLength + body.length);
  return out;
}

/**
 * Checks the frame of a snapshot of `app` and returns a reader over its body. The checks run
 * in the order a reader can state them: kind (magic), version, app, length (truncated or
 * trailing bytes), then the checksum (corrupted).
 */
export function readSnapshotFrame(app: string, bytes: Uint8Array): SnapshotReader {
  const fail = (problem: string): never => {
    throw new SnapshotFormatError(app, problem);
  };
  if (!(bytes instanceof Uint8Array)) fail('expected a Uint8Array');
  const minimum = HEADER_FIXED_BYTES + BODY_LENGTH_BYTES + SNAPSHOT_CHECKSUM_BYTES;
  if (bytes.length < HEADER_FIXED_BYTES) fail(`truncated: ${bytes.length} bytes, a snapshot has at least ${minimum}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== SNAPSHOT_MAGIC) fail(`not a snapshot (magic ${JSON.stringify(magic)}, expected ${JSON.stringify(SNAPSHOT_MAGIC)})`);
  const version = view.getUint16(4);
  if (version !== SNAPSHOT_FORMAT_VERSION) fail(`unsupported format version ${version}; this build reads version ${SNAPSHOT_FORMAT_VERSION}`);
  const nameLength = view.getUint8(6);
  if (nameLength === 0 || nameLength > MAX_APP_NAME_LENGTH) fail(`app name length ${nameLength} is not in 1..${MAX_APP_NAME_LENGTH}`);
  const headerLength = HEADER_FIXED_BYTES + nameLength + BODY_LENGTH_BYTES;
  if (bytes.length < headerLength) fail(`truncated: ${bytes.length} bytes, the header alone has ${headerLength}`);
  const name = String.fromCharCode(...bytes.subarray(HEADER_FIXED_BYTES, HEADER_FIXED_BYTES + nameLength));
  if (name !== app) fail(`it is a snapshot of app ${JSON.stringify(name)}`);
  const bodyLength = view.getUint32(HEADER_FIXED_BYTES + nameLength);
  const expected = headerLength + bodyLength + SNAPSHOT_CHECKSUM_BYTES;
  if (bytes.length < expected) fail(`truncated: ${bytes.length} bytes, the header declares ${expected}`);
  if (bytes.length > expected) fail(`${bytes.length - expected} trailing bytes after the ${expected} the header declares`);
  const stored = bytes.subarray(expected - SNAPSHOT_CHECKSUM_BYTES);
  const computed = checksum(bytes.subarray(0, expected - SNAPSHOT_CHECKSUM_BYTES));
  if (!stored.every((b, i) => b === computed[i])) fail('checksum mismatch (the bytes are corrupted)');
  return new SnapshotReader(bytes.subarray(headerLength, headerLength + bodyLength), app);
}
