/**
 * The bytes a durable record takes in a log file (storage/record.ts recordFileBytes), counted
 * without building its JSON text: the simulator (with measureDurableBytes) counts every record
 * the nodes append, and serialising each one just to measure it was a twentieth of a run's CPU.
 *
 * The length of a JSON text does not depend on its key order, so each record kind's fixed
 * part is measured once from a record of that kind with empty values; the values' own lengths
 * are added per record. Anything unusual (a snapshot, whose reference holds a CRC of its
 * bytes; a number that is not a non-negative safe integer) is left to recordFileBytes.
 */
import { recordFileBytes } from '../storage/record.js';
import type { DurableRecord } from '../storage/types.js';
import { isLongBatch, type Batch, type Proposal } from '../protocol/values.js';

// File bytes of a record of each kind whose numbers are all 0 (one digit each) and whose input is '', less those.
const fixed = recordFileBytes;
const BALLOT_FIXED = fixed({ kind: 'promise', ballot: { num: 0, leader: 0 } }) - 2;
const LEADER_BALLOT_FIXED = fixed({ kind: 'leaderBallot', ballot: { num: 0, leader: 0 } }) - 2;
const COMPACT_FIXED = fixed({ kind: 'compact', belowSlot: 0 }) - 1;
/** An accept of one request, less its five one-digit numbers and the input's two quotes. */
const ACCEPT_FIXED = fixed({ kind: 'accept', pvalue: { ballot: { num: 0, leader: 0 }, slot: 0, prop: { caller: 0, clientId: 0, input: '' } } }) - 5 - 2;
const REQUEST = { caller: 0, clientId: 0, input: '' };
/** The JSON of one request, less its two one-digit numbers and the input's two quotes. */
const REQUEST_FIXED = JSON.stringify(REQUEST).length - 2 - 2;
/** An accept of the batch of two such requests, less the three numbers of its ballot and slot and the two requests. */
const BATCH_ACCEPT_FIXED = fixed({ kind: 'accept', pvalue: { ballot: { num: 0, leader: 0 }, slot: 0, prop: { batch: [REQUEST, REQUEST] } } })
  - 3 - 2 * JSON.stringify(REQUEST).length;

export function recordBytes(record: DurableRecord): number {
  switch (record.kind) {
    case 'promise':
    case 'leaderBallot': {
      const { num, leader } = record.ballot;
      if (!isCount(num) || !isCount(leader)) break;
      return (record.kind === 'promise' ? BALLOT_FIXED : LEADER_BALLOT_FIXED) + digits(num) + digits(leader);
    }
    case 'compact':
      if (!isCount(record.belowSlot)) break;
      return COMPACT_FIXED + digits(record.belowSlot);
    case 'accept': {
      const { ballot, slot, prop } = record.pvalue;
      if (!isCount(ballot.num) || !isCount(ballot.leader) || !isCount(slot)) break;
      const props = batchBytes(prop);
      if (props < 0) break;
      const numbers = digits(ballot.num) + digits(ballot.leader) + digits(slot);
      // A batch of n requests: the pair's fixed part, and one comma more per request beyond two.
      return isLongBatch(prop) ? BATCH_ACCEPT_FIXED + numbers + props + (prop.batch.length - 2) : ACCEPT_FIXED - REQUEST_FIXED + numbers + props;
    }
    default:
      break;
  }
  return recordFileBytes(record);
}

/** JSON bytes of a batch's requests, summed (a LongBatch's brackets and commas not included); -1: unusual. */
function batchBytes(prop: Batch): number {
  if (!isLongBatch(prop)) return requestBytes(prop);
  if (!Array.isArray(prop.batch) || prop.batch.length < 2) return -1;
  let sum = 0;
  for (const p of prop.batch) {
    const n = requestBytes(p);
    if (n < 0) return -1;
    sum += n;
  }
  return sum;
}

/** JSON bytes of `{"caller":C,"clientId":I,"input":"..."}`; -1 when a field is not what a log holds. */
function requestBytes(p: Proposal): number {
  if (!isCount(p.caller) || !isCount(p.clientId) || typeof p.input !== 'string') return -1;
  return REQUEST_FIXED + digits(p.caller) + digits(p.clientId) + jsonStringBytes(p.input);
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** Decimal digits of a non-negative safe integer (its JSON text). */
function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/**
 * UTF-8 bytes of JSON.stringify(s), quotes included: `"` and `\` and the five short control
 * escapes take 2 bytes, other control characters and lone surrogates a 6-byte \uXXXX, a
 * surrogate pair 4 bytes, and every other UTF-16 unit its UTF-8 length.
 */
export function jsonStringBytes(s: string): number {
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) n += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 2 : 6;
    else if (c === 0x22 || c === 0x5c) n += 2;
    else if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        n += 4;
        i++;
      } else {
        n += 6;
      }
    } else if (c >= 0xdc00 && c <= 0xdfff) n += 6;
    else n += 3;
  }
  return n;
}
