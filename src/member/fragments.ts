/**
 * Bounded message size on the wire: an envelope whose JSON is larger than `maxMessageBytes`
 * (a Welcome carrying a large application snapshot, a Promise over a long log) leaves as
 * several fragments, each under the limit, and the receiving Member hands the Node the
 * envelope once every fragment arrived and the whole matches its checksum.
 *
 * Why here, below the Node, and not as protocol messages: the spec step (ReplicaReceiveJoin
 * sends one Welcome, ReplicaReceiveWelcome takes one) stays exactly one message in the trace,
 * with no new step, message type or schema; a lost fragment is a lost message, which the
 * protocol already survives (the joiner sends Join again and is welcomed again). The Node
 * still validates the reassembled envelope as any other input.
 *
 * Wire form of one fragment (a JSON object in place of an envelope):
 *   { "fragment": { "id", "index", "count", "bytes", "sha256", "data" }, "from", "to" }
 * `data` is base64 of a piece of the UTF-8 bytes of the envelope's JSON (base64: a fixed 4/3
 * expansion, where JSON string escaping of JSON text could double it); `sha256` is the first
 * 16 hex digits of SHA-256 over all `bytes` of them.
 */
import { createHash } from 'node:crypto';
import type { Envelope, NodeId } from '../node/api.js';

/** Largest envelope or fragment a Member sends, in bytes of JSON: under one UDP datagram (65,507) with room to spare. */
export const DEFAULT_MAX_MESSAGE_BYTES = 60_000;
/** Largest envelope a Member reassembles (bytes): a bound on what a peer can make it buffer. */
export const MAX_REASSEMBLED_BYTES = 64 * 2 ** 20;
/** Envelopes from one sender being reassembled at once; a newer one evicts the oldest. */
export const MAX_PARTIAL_PER_SENDER = 2;
/** Bytes of a fragment's JSON besides its data: ids, counts, checksum, field names. */
const FRAGMENT_OVERHEAD_BYTES = 256;
/** The smallest limit that leaves room for data after the overhead. */
const MIN_MAX_MESSAGE_BYTES = 1_024;

export interface FragmentWire {
  readonly fragment: { readonly id: number; readonly index: number; readonly count: number; readonly bytes: number; readonly sha256: string; readonly data: string };
  readonly from: NodeId;
  readonly to: NodeId;
}

function checksum(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/** Splits what a Member sends: the envelope itself when it fits, else its fragments. */
export class Fragmenter {
  private nextId = 1;

  constructor(readonly maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES) {
    if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes < MIN_MAX_MESSAGE_BYTES) throw new RangeError(`maxMessageBytes must be an integer >= ${MIN_MAX_MESSAGE_BYTES}, got ${maxMessageBytes}`);
  }

  split(envelope: Envelope): (Envelope | FragmentWire)[] {
    const text = JSON.stringify(envelope);
    // UTF-8 is at most 3 bytes per UTF-16 unit: most envelopes are sent without encoding them.
    if (text.length * 3 <= this.maxMessageBytes) return [envelope];
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length <= this.maxMessageBytes) return [envelope];
    const piece = Math.floor(((this.maxMessageBytes - FRAGMENT_OVERHEAD_BYTES) * 3) / 4);
    const count = Math.ceil(bytes.length / piece);
    const id = this.nextId++;
    const sha256 = checksum(bytes);
    const out: FragmentWire[] = [];
    for (let index = 0; index < count; index++) {
      const data = bytes.subarray(index * piece, (index + 1) * piece).toString('base64');
      out.push({ fragment: { id, index, count, bytes: bytes.length, sha256, data }, from: envelope.from, to: envelope.to });
    }
    return out;
  }
}

interface Partial { readonly key: string; readonly count: number; readonly bytes: number; readonly sha256: string; readonly pieces: Map<number, Buffer>; size: number }

/** What {@link Reassembler.accept} made of one received value. */
export type Reassembled =
  | { readonly kind: 'whole'; readonly value: unknown }
  | { readonly kind: 'pending' }
  | { readonly kind: 'dropped'; readonly reason: string };

/**
 * Puts fragments back together. Everything it is given is untrusted: a malformed fragment,
 * one inconsistent with the others of its envelope, or a whole that fails its checksum or is
 * not JSON is dropped with a reason (the Member logs it), never thrown. Memory is bounded by
 * MAX_PARTIAL_PER_SENDER envelopes of at most MAX_REASSEMBLED_BYTES per peer.
 */
export class Reassembler {
  private readonly partial = new Map<NodeId, Partial[]>();

  constructor(private readonly self: NodeId, private readonly peers: readonly NodeId[]) {}

  accept(raw: unknown): Reassembled {
    if (typeof raw !== 'object' || raw === null || !('fragment' in raw)) return { kind: 'whole', value: raw };
    const problem = this.shapeProblem(raw as FragmentWire);
    if (problem !== undefined) return { kind: 'dropped', reason: `fragment: ${problem}` };
    const { fragment: f, from } = raw as FragmentWire;
    const key = `${f.id}/${f.count}/${f.bytes}/${f.sha256}`;
    const open = this.partial.get(from) ?? [];
    let entry = open.find((p) => p.key === key);
    if (entry === undefined) {
      entry = { key, count: f.count, bytes: f.bytes, sha256: f.sha256, pieces: new Map(), size: 0 };
      open.push(entry);
      if (open.length > MAX_PARTIAL_PER_SENDER) open.shift();
      this.partial.set(from, open);
    }
    if (entry.pieces.has(f.index)) return { kind: 'pending' }; // a duplicate
    const piece = Buffer.from(f.data, 'base64');
    if (entry.size + piece.length > entry.bytes) return this.drop(from, entry, `fragments of envelope ${f.id} from ${from} exceed the ${entry.bytes} bytes it declares`);
    entry.pieces.set(f.index, piece);
    entry.size += piece.length;
    if (entry.pieces.size < entry.count) return { kind: 'pending' };
    this.forget(from, entry);
    const whole = Buffer.concat(Array.from({ length: entry.count }, (_, i) => entry!.pieces.get(i)!));
    if (whole.length !== entry.bytes) return { kind: 'dropped', reason: `fragment: envelope ${f.id} from ${from} has ${whole.length} bytes, it declares ${entry.bytes}` };
    if (checksum(whole) !== entry.sha256) return { kind: 'dropped', reason: `fragment: envelope ${f.id} from ${from} fails its checksum (corrupted)` };
    let value: unknown;
    try {
      value = JSON.parse(whole.toString('utf8')) as unknown;
    } catch {
      return { kind: 'dropped', reason: `fragment: envelope ${f.id} from ${from} is not JSON` };
    }
    // The envelope is attributed as its fragments were (a transport checked their `from`).
    const inner = typeof value === 'object' && value !== null ? (value as { from?: unknown; to?: unknown }) : {};
    if (inner.from !== from || inner.to !== this.self) {
      return { kind: 'dropped', reason: `fragment: envelope ${f.id} says from ${JSON.stringify(inner.from)?.slice(0, 40)} to ${JSON.stringify(inner.to)?.slice(0, 40)}, its fragments from ${from} to ${this.self}` };
    }
    return { kind: 'whole', value };
  }

  /** Envelopes being reassembled now (for tests: the buffering bound). */
  get pendingEnvelopes(): number {
    let n = 0;
    for (const open of this.partial.values()) n += open.length;
    return n;
  }

  private drop(from: NodeId, entry: Partial, reason: string): Reassembled {
    this.forget(from, entry);
    return { kind: 'dropped', reason: `fragment: ${reason}` };
  }

  private forget(from: NodeId, entry: Partial): void {
    const open = this.partial.get(from) ?? [];
    const rest = open.filter((p) => p !== entry);
    if (rest.length === 0) this.partial.delete(from);
    else this.partial.set(from, rest);
  }

  private shapeProblem(w: FragmentWire): string | undefined {
    const keys = Object.keys(w);
    if (keys.length !== 3 || typeof w.fragment !== 'object' || w.fragment === null) return 'expected { fragment, from, to }';
    if (!this.peers.includes(w.from) || w.from === this.self) return `from ${String(w.from)} is not another node of this cluster`;
    if (w.to !== this.self) return `addressed to ${String(w.to)}, this is node ${this.self}`;
    const f = w.fragment;
    const int = (x: unknown, min: number, max: number) => typeof x === 'number' && Number.isSafeInteger(x) && x >= min && x <= max;
    if (Object.keys(f).length !== 6) return 'expected id, index, count, bytes, sha256, data';
    if (!int(f.id, 1, Number.MAX_SAFE_INTEGER)) return 'id is not a positive integer';
    if (!int(f.bytes, 1, MAX_REASSEMBLED_BYTES)) return `bytes is not an integer in 1..${MAX_REASSEMBLED_BYTES}`;
    // Each fragment holds at least one byte: more fragments than bytes is a lie.
    if (!int(f.count, 2, f.bytes)) return `count is not an integer in 2..${f.bytes}`;
    if (!int(f.index, 0, f.count - 1)) return `index is not an integer in 0..${f.count - 1}`;
    if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{16}$/.test(f.sha256)) return 'sha256 is not 16 hex digits';
    if (typeof f.data !== 'string' || f.data.length === 0 || f.data.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(f.data)) return 'data is not base64';
    return undefined;
  }
}
