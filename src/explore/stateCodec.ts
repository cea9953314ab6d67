/**
 * States of the fast encoding as small int vectors, for a search that keeps millions of them.
 *
 * Every message, every node state and every set of invoked requests is interned: its canonical
 * text (the same texts tlaCodec.stateKey joins) gets an id the first time it is seen. A state is
 * then `[restarts, invoked id, node 1 id, ..., node N id, message ids in increasing order]`:
 * msgs only grows, so the message ids are a set, and since ids are a one-to-one naming of
 * canonical texts within a search, two states have equal vectors iff they are equal states.
 * The vector is what the search fingerprints and queues; `decode` turns it back into the
 * SpecState the fast encoding steps from (sharing the interned messages and nodes).
 *
 * Ids are local to one codec; the fingerprint is not: it hashes the content hashes of the
 * parts (fingerprintOf), so that the threads of a parallel search, each with its own codec,
 * give one state one fingerprint. A vector travels to another thread with the interned
 * entries it refers to (exportSince) and is renamed there (importFrom, translate).
 */
import type { Proposal, SpecMessage } from '../trace/format/types.js';
import { ballotKey, messageKey, propKey, seqKey } from '../trace/format/keys.js';
import { ExecSeq, type NodeSpec, type SpecState, initialNode, setKey } from '../trace/spec/specState.js';
import { ExecutedIds } from '../trace/spec/requestIds.js';
import type { Step } from '../trace/spec/fastSpec.js';
import { hash64, hashText64 } from './fingerprints.js';

/** Where the parts of a state vector start. */
export const RESTARTS = 0;
export const INVOKED = 1;
export const FIRST_NODE = 2;

/**
 * The canonical text of one node's state: every variable of the spec's node (tlaCodec.stateKey
 * has the same ones). The checkpoint variables must be here too: two states that differ only in
 * a mark or a snapshot are two states of the spec, and without them the search would merge them.
 */
export function nodeKey(x: NodeSpec): string {
  return `${ballotKey(x.aBallot)};${setText(x.aAccepted)};${x.aMark};${ballotKey(x.lBallot)};${x.lActive};${setText(x.lProposals)};${x.lMark};${
    x.scout === null ? 'null' : cachedText(x.scout, scoutText)};${setText(x.commanders)};${x.rSlotIn};${x.rSlotOut};${setText(x.rRequests)};${
    setText(x.rProposals)};${setText(x.rDecisions)};${cachedText(x.rExecuted, seqKey)};${cachedText(x.rSnap, snapText)}`;
}

/**
 * The texts of a node's parts, by object: a step changes one or two parts of a node and keeps
 * the others (the same Map, array or record, never modified once built: the spec's values),
 * so most parts of a successor's node were written out for its parent already.
 */
const PART_TEXT = new WeakMap<object, string>();
function cachedText<T extends object>(part: T, text: (p: T) => string): string {
  let t = PART_TEXT.get(part);
  if (t === undefined) PART_TEXT.set(part, (t = text(part)));
  return t;
}
const setText = (m: ReadonlyMap<string, unknown>): string => (m.size === 0 ? '[]' : cachedText(m, setKey));
const scoutText = (sc: NonNullable<NodeSpec['scout']>): string => `${ballotKey(sc.ballot)}|${[...sc.acks].sort().join(',')}|${setKey(sc.pvalues)}|${sc.mark}`;
const snapText = (r: NodeSpec['rSnap']): string => `${r.slot}|${seqKey(r.executed)}`;

/**
 * A node as plain Maps and Sets. The fast encoding's persistent maps link every version made
 * from one another; an interned node must not hold on to the versions its successors made.
 */
function plainNode(x: NodeSpec): NodeSpec {
  return {
    ...x,
    aAccepted: new Map(x.aAccepted),
    lProposals: new Map(x.lProposals),
    rDecisions: new Map(x.rDecisions),
    // rExecuted and rSnap are kept as they are: a longer version's elements in their shared
    // backing cost no memory of their own, and revivedNode cuts them off after a thread crossing.
  };
}

/** A node that crossed threads: its sequences are classes again (a structured clone drops them). */
function revivedNode(x: NodeSpec): NodeSpec {
  return { ...x, rExecuted: ExecSeq.revive(x.rExecuted), rExecutedIds: ExecutedIds.revive(x.rExecutedIds), rSnap: { slot: x.rSnap.slot, executed: ExecSeq.revive(x.rSnap.executed) } };
}

/** A state that crossed threads (a worker's sample), as revivedNode. */
export function revivedState(s: SpecState): SpecState {
  return { ...s, nodes: s.nodes.map(revivedNode) };
}

class Interner<T> {
  readonly values: T[] = [];
  readonly keys: string[] = [];
  /** Each entry's content hash (hashText64 of its key), two 32-bit halves. */
  hashHi = new Int32Array(1024);
  hashLo = new Int32Array(1024);
  private readonly ids = new Map<string, number>();

  id(key: string, value: () => T): number {
    let i = this.ids.get(key);
    if (i === undefined) {
      i = this.values.length;
      this.ids.set(key, i);
      this.keys.push(key);
      this.values.push(value());
      if (i >= this.hashHi.length) {
        const hi = new Int32Array(this.hashHi.length * 2);
        const lo = new Int32Array(this.hashHi.length * 2);
        hi.set(this.hashHi);
        lo.set(this.hashLo);
        this.hashHi = hi;
        this.hashLo = lo;
      }
      const [h, l] = hashText64(key);
      this.hashHi[i] = h;
      this.hashLo[i] = l;
    }
    return i;
  }
  /** The id of `key`, or undefined if it was never interned. */
  idOf(key: string): number | undefined { return this.ids.get(key); }
  get size(): number { return this.values.length; }
}

/** Whether the sorted ids v[from..) hold `id` (binary search). */
function holds(v: Int32Array, from: number, id: number): boolean {
  let lo = from;
  let hi = v.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const x = v[mid]!;
    if (x === id) return true;
    if (x < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * A state's msgs as the search reads them: the interned messages of a vector, in an array, with
 * `has` by id. Building a Map of them per state (every key hashed into it) was a tenth of the
 * search; the fast encoding and the properties only iterate msgs and test membership.
 */
class VectorMessages implements ReadonlyMap<string, SpecMessage> {
  private readonly list: SpecMessage[];

  /** `v` must not change while this is read (the search's vectors are copies, never modified). */
  constructor(private readonly interner: Interner<SpecMessage>, private readonly v: Int32Array, private readonly from: number) {
    const list = new Array<SpecMessage>(v.length - from);
    for (let i = from; i < v.length; i++) list[i - from] = interner.values[v[i]!]!;
    this.list = list;
  }

  get size(): number { return this.list.length; }
  has(k: string): boolean {
    const id = this.interner.idOf(k);
    return id !== undefined && holds(this.v, this.from, id);
  }
  get(k: string): SpecMessage | undefined { return this.has(k) ? this.interner.values[this.interner.idOf(k)!] : undefined; }
  values(): MapIterator<SpecMessage> { return this.list[Symbol.iterator]() as unknown as MapIterator<SpecMessage>; }
  keys(): MapIterator<string> { return this.entryList().map((e) => e[0])[Symbol.iterator]() as unknown as MapIterator<string>; }
  entries(): MapIterator<[string, SpecMessage]> { return this.entryList()[Symbol.iterator]() as unknown as MapIterator<[string, SpecMessage]>; }
  [Symbol.iterator](): MapIterator<[string, SpecMessage]> { return this.entries(); }
  forEach(f: (m: SpecMessage, k: string, map: ReadonlyMap<string, SpecMessage>) => void): void {
    for (const [k, m] of this.entryList()) f(m, k, this);
  }
  private entryList(): Array<[string, SpecMessage]> {
    const out: Array<[string, SpecMessage]> = [];
    for (let i = this.from; i < this.v.length; i++) out.push([this.interner.keys[this.v[i]!]!, this.interner.values[this.v[i]!]!]);
    return out;
  }
}

/** Interned entries from one id on, as another thread's codec imports them (structured-clonable). */
export interface InternedEntries<T> { from: number; keys: string[]; values: T[] }
export interface CodecExport {
  messages: InternedEntries<SpecMessage>;
  nodes: InternedEntries<NodeSpec>;
  invokedSets: InternedEntries<ReadonlyMap<string, Proposal>>;
}
/** How far a peer has been sent each interner (exportSince's argument and result). */
export interface ExportMarks { messages: number; nodes: number; invokedSets: number }
/** A peer codec's ids renamed to this codec's (filled by importFrom). */
export interface Renaming { messages: number[]; nodes: number[]; invokedSets: number[] }

const entriesSince = <T>(it: Interner<T>, from: number): InternedEntries<T> =>
  ({ from, keys: it.keys.slice(from), values: it.values.slice(from) });

/** How many numbers nodeParts writes for a node. */
const NODE_PARTS = 18;

/** Node ids by their parts (NODE_PARTS int32s each): open addressing over the ids, the parts kept per id. */
class NodesByParts {
  /** Node id's parts from `at[id]` (-1: not computed). */
  parts: Int32Array = new Int32Array(NODE_PARTS * 1024);
  private at: Int32Array = new Int32Array(1024).fill(-1);
  private used = 0;
  /** Node id + 1 per slot, 0 for an empty one; at most half full. */
  private slots = new Int32Array(1 << 12);
  private count = 0;

  partsAt(id: number): number { return id < this.at.length ? this.at[id]! : -1; }

  /** The id of the node whose parts are t, or -1. */
  find(t: Int32Array): number {
    const mask = this.slots.length - 1;
    for (let i = partsHash(t, 0) & mask; ; i = (i + 1) & mask) {
      const e = this.slots[i]! - 1;
      if (e < 0) return -1;
      if (this.equal(this.at[e]!, t)) return e;
    }
  }

  /** Records node id's parts t (not recorded before); returns where they start. */
  add(id: number, t: Int32Array): number {
    if (this.used + NODE_PARTS > this.parts.length) this.parts = grown(this.parts, this.parts.length * 2);
    if (id >= this.at.length) {
      const at = new Int32Array(Math.max(2 * this.at.length, id + 1)).fill(-1);
      at.set(this.at);
      this.at = at;
    }
    const where = this.used;
    this.parts.set(t, where);
    this.used += NODE_PARTS;
    this.at[id] = where;
    if (2 * (this.count + 1) > this.slots.length) this.rehash(2 * this.slots.length);
    this.insert(id);
    this.count++;
    return where;
  }

  private equal(where: number, t: Int32Array): boolean {
    for (let i = 0; i < NODE_PARTS; i++) if (this.parts[where + i] !== t[i]) return false;
    return true;
  }

  private insert(id: number): void {
    const mask = this.slots.length - 1;
    let i = partsHash(this.parts, this.at[id]!) & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = id + 1;
  }

  private rehash(size: number): void {
    const old = this.slots;
    this.slots = new Int32Array(size);
    for (const e of old) if (e !== 0) this.insert(e - 1);
  }
}

const grown = (a: Int32Array, length: number): Int32Array => { const b = new Int32Array(length); b.set(a); return b; };

/** A hash of the NODE_PARTS numbers from `from` (multiply-rotate rounds, then murmur3's finalizer). */
function partsHash(t: Int32Array, from: number): number {
  let h = 0x2545f491;
  for (let i = from; i < from + NODE_PARTS; i++) {
    h = Math.imul(h ^ t[i]!, 0x9e3779b1);
    h = (h << 13) | (h >>> 19);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class StateCodec {
  readonly messages = new Interner<SpecMessage>();
  readonly nodes = new Interner<NodeSpec>();
  readonly invokedSets = new Interner<ReadonlyMap<string, Proposal>>();
  // Index 0 is no node; plain (as interned nodes are) so that a decoded state can be sent to another thread.
  private readonly node0 = plainNode(initialNode(0));
  private readonly scratch: Int32Array;
  private stepBuffer = new Int32Array(256);
  private readonly byParts = new NodesByParts();
  private readonly partsBuffer = new Int32Array(NODE_PARTS);
  private readonly partIdByObject = new WeakMap<object, number>();
  private readonly partIdByText = new Map<string, number>();

  constructor(readonly N: number) {
    this.scratch = new Int32Array(6 + 2 * N);
  }

  encode(s: SpecState): Int32Array {
    const msgIds: number[] = [];
    for (const [k, m] of s.msgs) msgIds.push(this.messages.id(k, () => m));
    msgIds.sort((a, b) => a - b);
    const v = new Int32Array(FIRST_NODE + this.N + msgIds.length);
    v[RESTARTS] = s.restarts;
    v[INVOKED] = this.invokedId(s.invoked);
    for (let n = 1; n <= this.N; n++) v[FIRST_NODE + n - 1] = this.nodeId(s.nodes[n]!);
    v.set(msgIds, FIRST_NODE + this.N);
    return v;
  }

  /**
   * The vector of the state `step` leads to from the state of vector `parent` (whose decoded
   * state is `s`): only the acting node, the new messages and the global counters change.
   */
  encodeStep(parent: Int32Array, s: SpecState, step: Step): Int32Array {
    return this.encodeStepInPlace(parent, s, step).slice();
  }

  /**
   * encodeStep's vector in a buffer that the next call overwrites (copy it to keep it): most
   * successors were seen before and are dropped once fingerprinted, so they cost no array.
   */
  encodeStepInPlace(parent: Int32Array, s: SpecState, step: Step): Int32Array {
    const base = FIRST_NODE + this.N;
    const fresh: number[] = [];
    for (let i = 0; i < step.sent.length; i++) {
      const m = step.sent[i]!;
      // A key the step built already is the same string, its hash kept: no text built or hashed again.
      const k = step.sentKeys?.[i] ?? messageKey(m);
      const known = this.messages.idOf(k);
      if (known !== undefined && holds(parent, base, known)) continue;
      const id = known ?? this.messages.id(k, () => m);
      if (!fresh.includes(id)) fresh.push(id);
    }
    const length = parent.length + fresh.length;
    if (this.stepBuffer.length < length) this.stepBuffer = new Int32Array(2 * length);
    const v = this.stepBuffer;
    for (let i = 0; i < base; i++) v[i] = parent[i]!;
    if (step.restart) v[RESTARTS] = parent[RESTARTS]! + 1;
    if (step.invoke) {
      const invoked = new Map(s.invoked).set(propKey(step.invoke), step.invoke);
      v[INVOKED] = this.invokedId(invoked);
    }
    const at = FIRST_NODE + step.n - 1;
    v[at] = this.nodeId(step.node, parent[at]!);
    // Merge the (few) new ids into the sorted message ids.
    if (fresh.length > 1) fresh.sort((a, b) => a - b);
    let i = base;
    let j = 0;
    let out = base;
    while (i < parent.length || j < fresh.length) {
      if (j >= fresh.length || (i < parent.length && parent[i]! < fresh[j]!)) v[out++] = parent[i++]!;
      else v[out++] = fresh[j++]!;
    }
    return v.subarray(0, length);
  }

  /**
   * The state's 64-bit fingerprint from the content hashes of its parts: restarts, the invoked
   * set, each node by position, and the set of messages as the lane-wise sum of their hashes
   * (a set's hash, whatever order the ids are in) with its size.
   */
  fingerprintOf(v: Int32Array): [hi: number, lo: number] {
    const w = this.scratch;
    const base = FIRST_NODE + this.N;
    let sumHi = 0;
    let sumLo = 0;
    const mh = this.messages.hashHi;
    const ml = this.messages.hashLo;
    for (let i = base; i < v.length; i++) {
      sumHi = (sumHi + mh[v[i]!]!) | 0;
      sumLo = (sumLo + ml[v[i]!]!) | 0;
    }
    w[0] = v[RESTARTS]!;
    w[1] = this.invokedSets.hashHi[v[INVOKED]!]!;
    w[2] = this.invokedSets.hashLo[v[INVOKED]!]!;
    for (let n = 0; n < this.N; n++) {
      w[3 + 2 * n] = this.nodes.hashHi[v[FIRST_NODE + n]!]!;
      w[4 + 2 * n] = this.nodes.hashLo[v[FIRST_NODE + n]!]!;
    }
    w[3 + 2 * this.N] = sumHi;
    w[4 + 2 * this.N] = sumLo;
    w[5 + 2 * this.N] = v.length - base;
    return hash64(w);
  }

  /** The entries interned since `marks` (for a peer codec), and the marks after them. */
  exportSince(marks: ExportMarks): [CodecExport, ExportMarks] {
    return [
      { messages: entriesSince(this.messages, marks.messages), nodes: entriesSince(this.nodes, marks.nodes), invokedSets: entriesSince(this.invokedSets, marks.invokedSets) },
      { messages: this.messages.size, nodes: this.nodes.size, invokedSets: this.invokedSets.size },
    ];
  }

  /** Interns a peer's exported entries here, extending `renaming` (the peer's id -> this codec's id). */
  importFrom(e: CodecExport, renaming: Renaming): void {
    const take = <T>(it: Interner<T>, entries: InternedEntries<T>, ids: number[]): void => {
      if (entries.from !== ids.length) throw new Error(`codec import: entries from ${entries.from}, ${ids.length} known (a batch was lost or reordered)`);
      for (let i = 0; i < entries.keys.length; i++) ids.push(it.id(entries.keys[i]!, () => entries.values[i]!));
    };
    take(this.messages, e.messages, renaming.messages);
    take(this.nodes, { ...e.nodes, values: e.nodes.values.map(revivedNode) }, renaming.nodes);
    take(this.invokedSets, e.invokedSets, renaming.invokedSets);
  }

  /** A peer's vector in this codec's ids (message ids sorted again). */
  translate(v: Int32Array, renaming: Renaming): Int32Array {
    const out = new Int32Array(v.length);
    const base = FIRST_NODE + this.N;
    out[RESTARTS] = v[RESTARTS]!;
    out[INVOKED] = renaming.invokedSets[v[INVOKED]!]!;
    for (let i = FIRST_NODE; i < base; i++) out[i] = renaming.nodes[v[i]!]!;
    for (let i = base; i < v.length; i++) out[i] = renaming.messages[v[i]!]!;
    out.subarray(base).sort();
    return out;
  }

  /** The state of vector v, with msgs a Map (a state to keep, or to send to another thread). */
  decode(v: Int32Array): SpecState {
    const msgs = new Map<string, SpecMessage>();
    for (let i = FIRST_NODE + this.N; i < v.length; i++) msgs.set(this.messages.keys[v[i]!]!, this.messages.values[v[i]!]!);
    return this.stateWith(v, msgs);
  }

  /** The state of vector v for the search to step from and judge, read from v itself (v must not change). */
  view(v: Int32Array): SpecState {
    return this.stateWith(v, new VectorMessages(this.messages, v, FIRST_NODE + this.N));
  }

  private stateWith(v: Int32Array, msgs: ReadonlyMap<string, SpecMessage>): SpecState {
    const nodes: NodeSpec[] = [this.node0];
    for (let n = 1; n <= this.N; n++) nodes.push(this.nodes.values[v[FIRST_NODE + n - 1]!]!);
    return { msgs, invoked: this.invokedSets.values[v[INVOKED]!]!, restarts: v[RESTARTS]!, nodes };
  }

  /**
   * A node's id, found by its parts (nodeParts) before its canonical text: looking a text of
   * hundreds of characters up (flattening and hashing it) for every transition was a tenth of
   * the search. The text is built only for a node new here. The acting node of a step shares
   * most parts with its node before (`parentId`'s), whose part ids are reused.
   */
  private nodeId(x: NodeSpec, parentId = -1): number {
    const t = this.partsBuffer;
    if (!this.nodeParts(x, t, parentId >= 0 ? this.partsOfNode(parentId) : -1, parentId)) return this.nodes.id(nodeKey(x), () => plainNode(x));
    let id = this.byParts.find(t);
    if (id < 0) this.byParts.add((id = this.nodes.id(nodeKey(x), () => plainNode(x))), t);
    return id;
  }

  /** Where the parts of interned node `id` start in byParts (computed the first time), or -1 if it has none. */
  private partsOfNode(id: number): number {
    let at = this.byParts.partsAt(id);
    if (at < 0 && this.nodeParts(this.nodes.values[id]!, this.partsBuffer, -1, -1)) at = this.byParts.add(id, this.partsBuffer);
    return at;
  }

  /**
   * nodeKey's fields in its order into t, each part as the id of its text in this codec (ballots
   * and numbers as themselves): ids name texts one to one, so two nodes have equal parts iff
   * they have one nodeKey. A part that is node `parentId`'s own object (parts are values,
   * shared from a node to its successor) takes its id from there (byParts from `parentAt`).
   * False if a number is not an int32 or lActive not a boolean (then only the text tells nodes apart).
   * Local to this codec (ids are): a peer gets the node by its text.
   */
  private nodeParts(x: NodeSpec, t: Int32Array, parentAt: number, parentId: number): boolean {
    const p = parentAt >= 0 ? this.nodes.values[parentId]! : undefined;
    t[0] = x.aBallot.num;
    t[1] = x.aBallot.leader;
    t[2] = this.part(x.aAccepted, p?.aAccepted, parentAt + 2, this.setId);
    t[3] = x.aMark;
    t[4] = x.lBallot.num;
    t[5] = x.lBallot.leader;
    t[6] = x.lActive ? 1 : 0;
    t[7] = this.part(x.lProposals, p?.lProposals, parentAt + 7, this.setId);
    t[8] = x.lMark;
    t[9] = x.scout === null ? -1 : this.part(x.scout, p?.scout ?? undefined, parentAt + 9, this.scoutId);
    t[10] = this.part(x.commanders, p?.commanders, parentAt + 10, this.setId);
    t[11] = x.rSlotIn;
    t[12] = x.rSlotOut;
    t[13] = this.part(x.rRequests, p?.rRequests, parentAt + 13, this.setId);
    t[14] = this.part(x.rProposals, p?.rProposals, parentAt + 14, this.setId);
    t[15] = this.part(x.rDecisions, p?.rDecisions, parentAt + 15, this.setId);
    t[16] = this.part(x.rExecuted, p?.rExecuted, parentAt + 16, this.executedId);
    t[17] = this.part(x.rSnap, p?.rSnap, parentAt + 17, this.snapId);
    return t[0] === x.aBallot.num && t[1] === x.aBallot.leader && t[3] === x.aMark && t[4] === x.lBallot.num && t[5] === x.lBallot.leader
      && typeof x.lActive === 'boolean' && t[8] === x.lMark && t[11] === x.rSlotIn && t[12] === x.rSlotOut;
  }

  /** A part's id: the parent's (byParts at `parentAt`) if it is the parent's own object. */
  private part<T extends object>(mine: T, parents: T | undefined, parentAt: number, id: (o: T) => number): number {
    return mine === parents ? this.byParts.parts[parentAt]! : id(mine);
  }

  private readonly setId = (m: ReadonlyMap<string, unknown>): number => (m.size === 0 ? -1 : this.partId(m, setKey));
  private readonly scoutId = (sc: NonNullable<NodeSpec['scout']>): number => this.partId(sc, scoutText);
  private readonly executedId = (e: NodeSpec['rExecuted']): number => this.partId(e, seqKey);
  private readonly snapId = (r: NodeSpec['rSnap']): number => this.partId(r, snapText);

  /** The id of a part's text (by object first: parts are values, shared from parent to successor). */
  private partId<T extends object>(part: T, text: (p: T) => string): number {
    let id = this.partIdByObject.get(part);
    if (id === undefined) {
      const t = cachedText(part, text);
      id = this.partIdByText.get(t);
      if (id === undefined) this.partIdByText.set(t, (id = this.partIdByText.size));
      this.partIdByObject.set(part, id);
    }
    return id;
  }

  private invokedId(invoked: ReadonlyMap<string, Proposal>): number {
    return this.invokedSets.id(setKey(invoked), () => new Map(invoked));
  }
}
