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
 */
import type { Proposal, SpecMessage } from '../trace/format/types.js';
import { ballotKey, messageKey, propKey, seqKey } from '../trace/format/keys.js';
import { type NodeSpec, type SpecState, initialNode, setKey } from '../trace/spec/specState.js';
import type { Step } from '../trace/spec/fastSpec.js';

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
  return [
    ballotKey(x.aBallot), setKey(x.aAccepted), String(x.aMark), ballotKey(x.lBallot), String(x.lActive), setKey(x.lProposals),
    String(x.lMark),
    x.scout === null ? 'null' : `${ballotKey(x.scout.ballot)}|${[...x.scout.acks].sort().join(',')}|${setKey(x.scout.pvalues)}|${x.scout.mark}`,
    setKey(x.commanders), String(x.rSlotIn), String(x.rSlotOut), setKey(x.rRequests), setKey(x.rProposals),
    setKey(x.rDecisions), seqKey(x.rExecuted), `${x.rSnap.slot}|${seqKey(x.rSnap.executed)}`,
  ].join(';');
}

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
  };
}

class Interner<T> {
  readonly values: T[] = [];
  readonly keys: string[] = [];
  private readonly ids = new Map<string, number>();

  id(key: string, value: () => T): number {
    let i = this.ids.get(key);
    if (i === undefined) {
      i = this.values.length;
      this.ids.set(key, i);
      this.keys.push(key);
      this.values.push(value());
    }
    return i;
  }
  get size(): number { return this.values.length; }
}

export class StateCodec {
  readonly messages = new Interner<SpecMessage>();
  readonly nodes = new Interner<NodeSpec>();
  readonly invokedSets = new Interner<ReadonlyMap<string, Proposal>>();
  private readonly node0 = initialNode(0);

  constructor(readonly N: number) {}

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

  decode(v: Int32Array): SpecState {
    const msgs = new Map<string, SpecMessage>();
    for (let i = FIRST_NODE + this.N; i < v.length; i++) msgs.set(this.messages.keys[v[i]!]!, this.messages.values[v[i]!]!);
    const nodes: NodeSpec[] = [this.node0];
    for (let n = 1; n <= this.N; n++) nodes.push(this.nodes.values[v[FIRST_NODE + n - 1]!]!);
    return { msgs, invoked: this.invokedSets.values[v[INVOKED]!]!, restarts: v[RESTARTS]!, nodes };
  }

  private nodeId(x: NodeSpec): number {
    return this.nodes.id(nodeKey(x), () => plainNode(x));
  }

  private invokedId(invoked: ReadonlyMap<string, Proposal>): number {
    return this.invokedSets.id(setKey(invoked), () => new Map(invoked));
  }
}
