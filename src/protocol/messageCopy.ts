/**
 * copyJson (util/jsonCopy.ts) for a message, faster for the messages every request sends
 * (Invoke, Propose, Accept, Accepted, Decision, Invoked, Active): a Node copies each message
 * it sends, and copyJson's generic walk, which builds every object key by key, was an eighth
 * of a simulation's CPU. Each of those shapes is copied with object literals once it is
 * checked to be what copyJson would copy to the same thing: plain objects whose keys are
 * exactly the expected ones in the expected order, finite numbers, strings. Anything else
 * (another type, an extra or missing key, another key order, a NaN, a toJSON, a prototype)
 * goes to copyJson, so the result is always copyJson's: same keys, same order, same values.
 */
import { copyJson } from '../util/jsonCopy.js';
import type { Message } from './messages.js';
import type { Ballot, Batch, Proposal } from './values.js';

const SLOT_PROP = ['type', 'slot', 'prop'] as const;
const ACCEPT = ['type', 'ballot', 'slot', 'prop'] as const;
const ACCEPTED = ['type', 'acceptor', 'ballot', 'slot', 'promised'] as const;
const INVOKE = ['type', 'replica', 'prop'] as const;
const INVOKED = ['type', 'replica', 'prop', 'index', 'output'] as const;
const ACTIVE = ['type', 'ballot'] as const;
const ACTIVE_SLOT = ['type', 'ballot', 'slot'] as const;
const BALLOT = ['num', 'leader'] as const;
const PROPOSAL = ['caller', 'clientId', 'input'] as const;
const LONG_BATCH = ['batch'] as const;

export function copyMessage<M extends Message>(m: M): M {
  return (fastCopy(m) ?? copyJson(m)) as M;
}

/** The copy of one of the common shapes, or undefined for copyJson to make. */
function fastCopy(m: Message): Message | undefined {
  if (!isPlain(m)) return undefined;
  const type = m.type; // read once, as copyJson reads each key once
  switch (type) {
    case 'Propose':
    case 'Decision': {
      if (!keysAre(m, SLOT_PROP)) return undefined;
      const slot = jsonNumber(m.slot);
      const prop = copyBatch(m.prop);
      return slot === undefined || prop === undefined ? undefined : { type, slot, prop };
    }
    case 'Accept': {
      if (!keysAre(m, ACCEPT)) return undefined;
      const ballot = copyBallot(m.ballot);
      const slot = jsonNumber(m.slot);
      const prop = copyBatch(m.prop);
      return ballot === undefined || slot === undefined || prop === undefined ? undefined : { type: 'Accept', ballot, slot, prop };
    }
    case 'Accepted': {
      if (!keysAre(m, ACCEPTED)) return undefined;
      const acceptor = jsonNumber(m.acceptor);
      const ballot = copyBallot(m.ballot);
      const slot = jsonNumber(m.slot);
      const promised = copyBallot(m.promised);
      if (acceptor === undefined || ballot === undefined || slot === undefined || promised === undefined) return undefined;
      return { type: 'Accepted', acceptor, ballot, slot, promised };
    }
    case 'Invoke': {
      if (!keysAre(m, INVOKE)) return undefined;
      const replica = jsonNumber(m.replica);
      const prop = copyProposal(m.prop);
      return replica === undefined || prop === undefined ? undefined : { type: 'Invoke', replica, prop };
    }
    case 'Invoked': {
      if (!keysAre(m, INVOKED)) return undefined;
      const replica = jsonNumber(m.replica);
      const prop = copyProposal(m.prop);
      const index = jsonNumber(m.index);
      // An output JSON leaves out (undefined, a function) drops its key: copyJson's case.
      const out: unknown = m.output;
      const kind = typeof out;
      if (replica === undefined || prop === undefined || index === undefined) return undefined;
      if (kind !== 'object' && kind !== 'string' && kind !== 'number' && kind !== 'boolean') return undefined;
      return { type: 'Invoked', replica, prop, index, output: copyJson(out) };
    }
    case 'Active': {
      // With or without the slot hint (a leader whose node hosts no replica sends none).
      const hinted = keysAre(m, ACTIVE_SLOT);
      if (!hinted && !keysAre(m, ACTIVE)) return undefined;
      const ballot = copyBallot(m.ballot);
      if (ballot === undefined) return undefined;
      if (!hinted) return { type: 'Active', ballot };
      const slot = jsonNumber(m.slot);
      return slot === undefined ? undefined : { type: 'Active', ballot, slot };
    }
    default:
      return undefined;
  }
}

function copyBallot(b: Ballot): Ballot | undefined {
  if (!isObject(b) || !isPlain(b) || !keysAre(b, BALLOT)) return undefined;
  const num = jsonNumber(b.num);
  const leader = jsonNumber(b.leader);
  return num === undefined || leader === undefined ? undefined : { num, leader };
}

function copyProposal(p: Proposal): Proposal | undefined {
  if (!isObject(p) || !isPlain(p) || !keysAre(p, PROPOSAL)) return undefined;
  const caller = jsonNumber(p.caller);
  const clientId = jsonNumber(p.clientId);
  const input: unknown = p.input;
  return caller === undefined || clientId === undefined || typeof input !== 'string' ? undefined : { caller, clientId, input };
}

function copyBatch(b: Batch): Batch | undefined {
  if (!isObject(b)) return undefined;
  if (!('batch' in b)) return copyProposal(b);
  if (!isPlain(b) || !keysAre(b, LONG_BATCH)) return undefined;
  const q: unknown = b.batch;
  // What copyJson copies element by element: an array with Array's own prototype, no toJSON.
  if (!Array.isArray(q) || Object.getPrototypeOf(q) !== Array.prototype || (q as { toJSON?: unknown }).toJSON !== undefined) return undefined;
  const batch = new Array<Proposal>(q.length);
  for (let i = 0; i < q.length; i++) {
    const p = copyProposal(q[i] as Proposal);
    if (p === undefined) return undefined; // a hole, or not a request
    batch[i] = p;
  }
  return { batch };
}

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object JSON writes key by key: a plain or null prototype, and no toJSON (own or inherited). */
function isPlain(o: object): boolean {
  const proto = Object.getPrototypeOf(o) as unknown;
  return (proto === Object.prototype || proto === null) && (o as { toJSON?: unknown }).toJSON === undefined;
}

/**
 * for-in lists exactly `keys`, in that order: then JSON writes those keys in that order (an
 * enumerable key on Object.prototype would be listed too, and fail this).
 */
function keysAre(o: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in o) if (key !== keys[i++]) return false;
  return i === keys.length;
}

/** A number as copyJson copies it (-0 becomes 0); undefined when JSON would not keep it as is (NaN, an infinity, not a number). */
function jsonNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? (v === 0 ? 0 : v) : undefined;
}
