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
    rExecutedKeys: new Set(x.rExecutedKeys),
    // rExecuted and rSnap are kept as they are: a longer version's elements in their shared
    // backing cost no memory of their own, and revivedNode cuts them off after a thread crossing.
  };
}

/** A node that crossed threads: its sequences are classes again (a structured clone drops them). */
function revivedNode(x: NodeSpec): NodeSpec {
  return { ...x, rExecuted: ExecSeq.revive(x.rExecuted), rSnap: { slot: x.rSnap.slot, executed: ExecSeq.revive(x.rSnap.executed) } };
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
  get size(): number { return this.values.length; }
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

export class StateCodec {
  readonly messages = new Interner<SpecMessage>();
  readonly nodes = new Interner<NodeSpec>();
  readonly invokedSets = new Interner<ReadonlyMap<string, Proposal>>();
  // Index 0 is no node; plain (as interned nodes are) so that a decoded state can be sent to another thread.
  private readonly node0 = plainNode(initialNode(0));
  private readonly scratch: Int32Array;
  private readonly nodeByParts = new Map<string, number>();
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
    const fresh: number[] = [];
    for (const m of step.sent) {
      const k = messageKey(m);
      if (s.msgs.has(k)) continue;
      const id = this.messages.id(k, () => m);
      if (!fresh.includes(id)) fresh.push(id);
    }
    const base = FIRST_NODE + this.N;
    const v = new Int32Array(parent.length + fresh.length);
    v.set(parent.subarray(0, base));
    if (step.restart) v[RESTARTS] = parent[RESTARTS]! + 1;
    if (step.invoke) {
      const invoked = new Map(s.invoked).set(propKey(step.invoke), step.invoke);
      v[INVOKED] = this.invokedId(invoked);
    }
    v[FIRST_NODE + step.n - 1] = this.nodeId(step.node);
    // Merge the (few) new ids into the sorted message ids.
    fresh.sort((a, b) => a - b);
    let i = base;
    let j = 0;
    let out = base;
    while (i < parent.length || j < fresh.length) {
      if (j >= fresh.length || (i < parent.length && parent[i]! < fresh[j]!)) v[out++] = parent[i++]!;
      else v[out++] = fresh[j++]!;
    }
    return v;
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

  decode(v: Int32Array): SpecState {
    const msgs = new Map<string, SpecMessage>();
    for (let i = FIRST_NODE + this.N; i < v.length; i++) msgs.set(this.messages.keys[v[i]!]!, this.messages.values[v[i]!]!);
    const nodes: NodeSpec[] = [this.node0];
    for (let n = 1; n <= this.N; n++) nodes.push(this.nodes.values[v[FIRST_NODE + n - 1]!]!);
    return { msgs, invoked: this.invokedSets.values[v[INVOKED]!]!, restarts: v[RESTARTS]!, nodes };
  }

  /**
   * A node's id, found by a short key of its parts' ids (partsKey) before its canonical text:
   * looking a text of hundreds of characters up in the interner's map (flattening and hashing
   * it) for every transition was a tenth of the search. The text is built only for a node new here.
   */
  private nodeId(x: NodeSpec): number {
    const short = this.partsKey(x);
    let id = this.nodeByParts.get(short);
    if (id === undefined) this.nodeByParts.set(short, (id = this.nodes.id(nodeKey(x), () => plainNode(x))));
    return id;
  }

  /**
   * nodeKey's fields in its order, each part as the id of its text in this codec (ballots and
   * numbers as themselves): ids name texts one to one, so two nodes have one partsKey iff they
   * have one nodeKey. Local to this codec (ids are): a peer gets the node by its text.
   */
  private partsKey(x: NodeSpec): string {
    return `${x.aBallot.num}.${x.aBallot.leader};${this.setId(x.aAccepted)};${x.aMark};${x.lBallot.num}.${x.lBallot.leader};${x.lActive};${
      this.setId(x.lProposals)};${x.lMark};${x.scout === null ? 'null' : this.partId(x.scout, scoutText)};${this.setId(x.commanders)};${
      x.rSlotIn};${x.rSlotOut};${this.setId(x.rRequests)};${this.setId(x.rProposals)};${this.setId(x.rDecisions)};${
      this.partId(x.rExecuted, seqKey)};${this.partId(x.rSnap, snapText)}`;
  }

  private setId(m: ReadonlyMap<string, unknown>): number | string {
    return m.size === 0 ? '' : this.partId(m, setKey);
  }

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
