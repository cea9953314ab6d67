/**
 * A record's payload on disk: its JSON text in UTF-8. JSON keeps the file readable with a hex
 * dump and trivial to port; the frame around it (frame.ts) supplies length and checksum.
 *
 * A snapshot record is the exception: its bytes are not in the log. The log holds a reference
 * (`{"kind":"snapshot","slot","bytes","crc"}`: its length and CRC-32) and the bytes are a file of
 * their own (fileLog.ts), so a record stays O(1) bytes whatever the application's state weighs,
 * no frame limit caps that state, and a log rewrite does not copy it.
 *
 * Records are checked on the way out (a bug is caught before it reaches the disk) and on the
 * way in (a file is input: a record that passed its checksum but makes no sense still gets
 * a clear error, never a crash or a silently wrong state).
 */
import type { Checked } from '../protocol/validate.js';
import { copyBatch, type Ballot, type Batch, type PValue } from '../protocol/values.js';
import { crc32 } from './crc32.js';
import { FRAME_HEADER_BYTES } from './frame.js';
import type { DurableRecord } from './types.js';

/** What the log holds for a snapshot record: where its bytes are checked against. */
export interface SnapshotReference {
  readonly kind: 'snapshot';
  readonly slot: number;
  /** The snapshot's length in bytes and its CRC-32. */
  readonly bytes: number;
  readonly crc: number;
}

/** A record as the log file holds it. */
export type LoggedRecord = Exclude<DurableRecord, { kind: 'snapshot' }> | SnapshotReference;

export function encodeRecord(record: DurableRecord): Buffer {
  return Buffer.from(JSON.stringify(canonical(record)), 'utf8');
}

/** The bytes `record` takes on disk, frame included (and a snapshot's own file): what a host
 * that measures its writes without a file (the simulator) counts. */
export function recordFileBytes(record: DurableRecord): number {
  const outside = record.kind === 'snapshot' ? record.state.length : 0;
  return FRAME_HEADER_BYTES + Buffer.byteLength(JSON.stringify(canonical(record)), 'utf8') + outside;
}

/** The reference a log holds for a snapshot's bytes. */
export function snapshotReference(slot: number, state: Uint8Array): SnapshotReference {
  return { kind: 'snapshot', slot, bytes: state.length, crc: crc32(state) };
}

export function decodeRecord(payload: Uint8Array): Checked<LoggedRecord> {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (e) {
    return { ok: false, reason: `payload is not JSON (${(e as Error).message})` };
  }
  if (isRecord(raw) && raw['kind'] === 'snapshot') {
    const { slot, bytes, crc } = raw;
    if (!isCount(slot) || slot < 2 || !isCount(bytes) || !isCount(crc) || crc > 0xffffffff || Object.keys(raw).length !== 4) {
      return { ok: false, reason: 'snapshot record: expected {kind, slot >= 2, bytes, crc} with non-negative integers' };
    }
    return { ok: true, value: { kind: 'snapshot', slot, bytes, crc } };
  }
  const checked = checkRecord(raw);
  return checked.ok ? { ok: true, value: checked.value as LoggedRecord } : checked;
}

/** Shape and ranges of a record; the fold checks how it relates to the records before it. */
export function checkRecord(raw: unknown): Checked<DurableRecord> {
  if (!isRecord(raw)) return { ok: false, reason: 'record: expected an object' };
  switch (raw['kind']) {
    case 'promise':
    case 'leaderBallot':
      if (!isBallot(raw['ballot'])) return failed(raw, 'ballot must be {num, leader} with non-negative integers');
      return { ok: true, value: raw as unknown as DurableRecord };
    case 'accept':
      if (!isPValue(raw['pvalue'])) return failed(raw, 'pvalue must be {ballot, slot, prop: {caller, clientId, input} or {batch: [two or more of them]}}');
      return { ok: true, value: raw as unknown as DurableRecord };
    case 'compact':
      if (!isCount(raw['belowSlot'])) return failed(raw, 'belowSlot must be a non-negative integer');
      return { ok: true, value: raw as unknown as DurableRecord };
    case 'clientIds':
      if (!isCount(raw['below'])) return failed(raw, 'below must be a non-negative integer');
      return { ok: true, value: raw as unknown as DurableRecord };
    case 'snapshot':
      // Slot 1 is "no snapshot" (nothing executed yet): a snapshot is always of some history.
      if (!isCount(raw['slot']) || raw['slot'] < 2) return failed(raw, 'slot must be an integer >= 2');
      if (!(raw['state'] instanceof Uint8Array)) return failed(raw, 'state must be bytes (a Uint8Array)');
      return { ok: true, value: raw as unknown as DurableRecord };
    default:
      return { ok: false, reason: `record: unknown kind ${JSON.stringify(raw['kind'])?.slice(0, 40)}` };
  }
}

/**
 * A failed check of `raw`. A function of the module, not a closure made in checkRecord: that
 * runs for every record a node appends (the simulator checks each one), and a closure per call
 * (named at run time when the code runs through tsx) cost more than the checks themselves.
 */
function failed(raw: Record<string, unknown>, what: string): Checked<DurableRecord> {
  return { ok: false, reason: `${String(raw['kind']).slice(0, 20)} record: ${what}` };
}

/** Fixed key order and no extra properties, so equal records encode to equal bytes. */
function canonical(record: DurableRecord): LoggedRecord {
  switch (record.kind) {
    case 'promise':
    case 'leaderBallot':
      return { kind: record.kind, ballot: ballotOf(record.ballot) };
    case 'accept': {
      const { ballot, slot, prop } = record.pvalue;
      return { kind: 'accept', pvalue: { ballot: ballotOf(ballot), slot, prop: copyBatch(prop) } };
    }
    case 'compact':
      return { kind: 'compact', belowSlot: record.belowSlot };
    case 'clientIds':
      return { kind: 'clientIds', below: record.below };
    case 'snapshot':
      return snapshotReference(record.slot, record.state);
  }
}

function ballotOf(b: Ballot): Ballot {
  return { num: b.num, leader: b.leader };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isBallot(x: unknown): x is Ballot {
  return isRecord(x) && isCount(x['num']) && isCount(x['leader']);
}

function isPValue(x: unknown): x is PValue {
  if (!isRecord(x) || !isBallot(x['ballot']) || !isCount(x['slot'])) return false;
  return isBatch(x['prop']);
}

function isRequest(x: unknown): boolean {
  return isRecord(x) && isCount(x['caller']) && isCount(x['clientId']) && typeof x['input'] === 'string';
}

/** A request, or a batch of two or more ({batch: [...]}, the shape of values.ts LongBatch). */
function isBatch(x: unknown): x is Batch {
  if (!isRecord(x) || !('batch' in x)) return isRequest(x);
  const q = x['batch'];
  return Object.keys(x).length === 1 && Array.isArray(q) && q.length >= 2 && q.every(isRequest);
}
