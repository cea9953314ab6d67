/**
 * A record's payload on disk: its JSON text in UTF-8. JSON keeps the file readable with a hex
 * dump and trivial to port; the frame around it (frame.ts) supplies length and checksum.
 *
 * Records are checked on the way out (a bug is caught before it reaches the disk) and on the
 * way in (a file is input: a record that passed its checksum but makes no sense still gets
 * a clear error, never a crash or a silently wrong state).
 */
import type { Checked } from '../protocol/validate.js';
import type { Ballot, PValue } from '../protocol/values.js';
import { FRAME_HEADER_BYTES } from './frame.js';
import type { DurableRecord } from './types.js';

export function encodeRecord(record: DurableRecord): Buffer {
  return Buffer.from(JSON.stringify(canonical(record)), 'utf8');
}

/** The bytes `record` takes in a log file, frame included: what a host that measures its
 * writes without a file (the simulator) counts. */
export function recordFileBytes(record: DurableRecord): number {
  return FRAME_HEADER_BYTES + Buffer.byteLength(JSON.stringify(canonical(record)), 'utf8');
}

export function decodeRecord(payload: Uint8Array): Checked<DurableRecord> {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (e) {
    return { ok: false, reason: `payload is not JSON (${(e as Error).message})` };
  }
  return checkRecord(raw);
}

/** Shape and ranges of a record; the fold checks how it relates to the records before it. */
export function checkRecord(raw: unknown): Checked<DurableRecord> {
  if (!isRecord(raw)) return { ok: false, reason: 'record: expected an object' };
  const fail = (what: string): Checked<DurableRecord> => ({ ok: false, reason: `${String(raw['kind']).slice(0, 20)} record: ${what}` });
  switch (raw['kind']) {
    case 'promise':
    case 'leaderBallot':
      if (!isBallot(raw['ballot'])) return fail('ballot must be {num, leader} with non-negative integers');
      return { ok: true, value: raw as unknown as DurableRecord };
    case 'accept':
      if (!isPValue(raw['pvalue'])) return fail('pvalue must be {ballot, slot, prop: {caller, clientId, input}}');
      return { ok: true, value: raw as unknown as DurableRecord };
    case 'compact':
      if (!isCount(raw['belowSlot'])) return fail('belowSlot must be a non-negative integer');
      return { ok: true, value: raw as unknown as DurableRecord };
    default:
      return { ok: false, reason: `record: unknown kind ${JSON.stringify(raw['kind'])?.slice(0, 40)}` };
  }
}

/** Fixed key order and no extra properties, so equal records encode to equal bytes. */
function canonical(record: DurableRecord): DurableRecord {
  switch (record.kind) {
    case 'promise':
    case 'leaderBallot':
      return { kind: record.kind, ballot: ballotOf(record.ballot) };
    case 'accept': {
      const { ballot, slot, prop } = record.pvalue;
      return { kind: 'accept', pvalue: { ballot: ballotOf(ballot), slot, prop: { caller: prop.caller, clientId: prop.clientId, input: prop.input } } };
    }
    case 'compact':
      return { kind: 'compact', belowSlot: record.belowSlot };
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
  const prop = x['prop'];
  return isRecord(prop) && isCount(prop['caller']) && isCount(prop['clientId']) && typeof prop['input'] === 'string';
}
