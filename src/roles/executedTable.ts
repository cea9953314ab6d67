/**
 * A replica's duplicate-suppression table: which requests it executed, how many, and the
 * outputs it may still have to give again. Its size is bounded by callers, their restarts and
 * their outstanding requests, never by the length of the history.
 *
 * Exactness. The spec asks "was p executed?" as `p \in Range(rExecuted[n])`. This table
 * answers it by (caller, clientId) alone, per caller an exact set of ids (IdRanges). The two
 * agree on every request the system can produce because a (caller, clientId) names one
 * request: a node's Requester refuses a client id it already used in this incarnation
 * ('duplicate-client-id'), and a host must not reuse one across restarts (NodeApi.invoke; the
 * simulator counts ids per node across restarts, a Member starts from its start time in ms
 * times 1000). The no-op is never executed, so it is never recorded. Nothing is ever evicted
 * from the id sets, so "executed" is never forgotten.
 *
 * Outputs. A request is answered again (ReplicaReceiveInvoke on an executed request) only
 * for an Invoke, which only the caller's own Requester sends, and only while the request is
 * pending there. A request is answered in the step that executes it, so it stays pending
 * after its execution only if that answer never reached the client: the node crashed in
 * between, and the client retries in the next incarnation. So per caller the outputs of its
 * last `keepOutputs` executed requests (a Requester has at most maxPendingRequests pending)
 * are enough; an older one is answered by no one, which the spec allows (a lost answer), and
 * logged by the replica.
 *
 * Except for requests a replica installs instead of executing them: a Welcome's image, or its
 * own snapshot at a restart. It answered none of those, so its own node's requests among them
 * may still be pending, and they are answered only when the Requester's next retransmission
 * comes. Meanwhile one of them answered frees a place in the Requester, a new request takes it,
 * executes and is answered, and the latest `keepOutputs` move past the others: their client
 * then waits forever (test/member/tracedCluster.test.ts found it). So `oweAnswers` sets the
 * owning node's installed outputs apart, kept until asked for once; at most `keepOutputs`.
 */
import type { NodeId, Proposal } from '../protocol/values.js';
import { IdRanges } from '../util/idRanges.js';

/** One executed request: its output and its index (from 1) in the replica's history. */
export interface Execution { readonly prop: Proposal; readonly output: unknown; readonly index: number }

/** One kept output: the request's client id, its index in the history, its output. */
interface Kept {
  readonly clientId: number;
  readonly index: number;
  readonly output: unknown;
}

/**
 * A caller's kept outputs, oldest first. Each execution adds the newest and, once full, drops the
 * oldest: a queue does both in O(1) with no hashing (a Map did three lookups per execution, a
 * twentieth of the simulator's CPU). Finding one output scans from the newest, at most
 * keepOutputs entries: only a client that retries a request already executed asks.
 */
class KeptOutputs {
  /** Entries from `head` on, oldest first; those before `head` were dropped. */
  private entries: (Kept | undefined)[] = [];
  private head = 0;

  get size(): number {
    return this.entries.length - this.head;
  }

  find(clientId: number): Kept | undefined {
    const i = this.indexOf(clientId);
    return i < 0 ? undefined : this.entries[i];
  }

  push(kept: Kept): void {
    this.entries.push(kept);
  }

  /** Forgets the output kept for `clientId`, if any (a request recorded twice keeps its newer output only). */
  remove(clientId: number): void {
    const i = this.indexOf(clientId);
    if (i >= 0) this.entries.splice(i, 1);
  }

  dropOldest(): void {
    this.entries[this.head++] = undefined; // let the output be collected
    // Drop the dropped front once it is half the array: amortised O(1) per output.
    if (this.head * 2 >= this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }

  /** The kept outputs, oldest first. */
  list(): Kept[] {
    return this.entries.slice(this.head) as Kept[];
  }

  private indexOf(clientId: number): number {
    for (let i = this.entries.length - 1; i >= this.head; i--) if (this.entries[i]!.clientId === clientId) return i;
    return -1;
  }
}

interface CallerRecord {
  readonly ids: IdRanges;
  readonly outputs: KeptOutputs;
}

/** The table as JSON (inside a replica snapshot or a Welcome). */
export interface ExecutedTableJson {
  /** Len(rExecuted): how many requests were executed. */
  readonly count: number;
  /** Per caller, ascending: [caller, executed id ranges, [clientId, index, output] oldest first]. */
  readonly callers: readonly (readonly [NodeId, readonly (readonly [number, number])[], readonly (readonly [number, number, unknown])[]])[];
}

/**
 * A replica's duplicate-suppression table (see this file's comment): exactly which requests
 * were executed, per caller as id ranges, and the outputs of each caller's latest ones.
 */
export class ExecutedTable {
  private executedCount = 0;
  private readonly callers = new Map<NodeId, CallerRecord>();
  /** The node whose installed outputs are owed (oweAnswers), and those outputs by client id. */
  private owedCaller: NodeId | undefined = undefined;
  private owed = new Map<number, Kept>();

  /** `keepOutputs`: outputs kept per caller (see the file comment). */
  constructor(private readonly keepOutputs: number) {
    if (!Number.isSafeInteger(keepOutputs) || keepOutputs < 1) throw new RangeError(`keepOutputs must be a positive integer, got ${keepOutputs}`);
  }

  /** Len(rExecuted). */
  get count(): number {
    return this.executedCount;
  }

  /** p \in Range(rExecuted) (see the file comment for why (caller, clientId) decides it). */
  has(p: Proposal): boolean {
    return this.callers.get(p.caller)?.ids.has(p.clientId) === true;
  }

  /** The execution of `p` with its output, if `p` was executed and its output is still kept. */
  get(p: Proposal): Execution | undefined {
    const record = this.callers.get(p.caller);
    if (record?.ids.has(p.clientId) !== true) return undefined;
    const kept = record.outputs.find(p.clientId) ?? (p.caller === this.owedCaller ? this.owed.get(p.clientId) : undefined);
    return kept === undefined ? undefined : { prop: p, output: kept.output, index: kept.index };
  }

  /**
   * After an install (a Welcome's image, or a restart's snapshot): `caller`'s kept outputs, the
   * answers the installing replica owes its own node, stay until `answered`, however many of
   * its later requests execute first (see the file comment). Replaces what was owed before.
   */
  oweAnswers(caller: NodeId): void {
    this.owedCaller = caller;
    this.owed = new Map((this.callers.get(caller)?.outputs.list() ?? []).map((k) => [k.clientId, k]));
  }

  /** `p` was answered from this table: an owed output of it is no longer held apart. */
  answered(p: Proposal): void {
    if (p.caller === this.owedCaller) this.owed.delete(p.clientId);
  }

  /**
   * Records the execution of `p` as the next entry of the history. The replica asks `has(p)`
   * first (spec ReplicaExecute: a request executed before is skipped).
   */
  record(p: Proposal, output: unknown): Execution {
    if (p.caller === 0) throw new RangeError('the no-op is never executed');
    let record = this.callers.get(p.caller);
    if (record === undefined) {
      record = { ids: new IdRanges(), outputs: new KeptOutputs() };
      this.callers.set(p.caller, record);
    }
    if (record.ids.has(p.clientId)) record.outputs.remove(p.clientId);
    else record.ids.add(p.clientId);
    this.executedCount++;
    record.outputs.push({ clientId: p.clientId, index: this.executedCount, output });
    if (record.outputs.size > this.keepOutputs) record.outputs.dropOldest();
    return { prop: p, output, index: this.executedCount };
  }

  /** Forget everything (a mutant that hides its duplicates; a test). */
  clear(): void {
    this.executedCount = 0;
    this.callers.clear();
    this.owed.clear();
  }

  /** Ranges and outputs held: the table's size, for tests and the bench. */
  get size(): { ranges: number; outputs: number } {
    let ranges = 0;
    let outputs = 0;
    for (const r of this.callers.values()) {
      ranges += r.ids.rangeCount;
      outputs += r.outputs.size;
    }
    // An owed output still among its caller's latest is one output, not two.
    const latest = this.owedCaller === undefined ? undefined : this.callers.get(this.owedCaller)?.outputs;
    for (const k of this.owed.values()) if (latest?.find(k.clientId) !== k) outputs++;
    return { ranges, outputs };
  }

  /** The table as JSON, callers in ascending order: what a snapshot or a Welcome carries. */
  toJson(): ExecutedTableJson {
    const callers = [...this.callers.entries()].sort((a, b) => a[0] - b[0])
      .map(([caller, r]) => [caller, r.ids.toPairs(), r.outputs.list().map((k) => [k.clientId, k.index, k.output] as const)] as const);
    return { count: this.executedCount, callers };
  }

  /**
   * The table `toJson` wrote. Its input comes from disk or from a peer, so everything is
   * checked; throws a RangeError naming what is wrong.
   */
  static fromJson(json: unknown, keepOutputs: number): ExecutedTable {
    const table = new ExecutedTable(keepOutputs);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new RangeError('executed table: expected an object');
    const { count, callers } = json as { count?: unknown; callers?: unknown };
    if (!isCount(count)) throw new RangeError(`executed table: count ${String(count)} is not a non-negative integer`);
    if (!Array.isArray(callers)) throw new RangeError('executed table: callers is not an array');
    let previous = 0;
    let requests = 0;
    for (const [i, entry] of callers.entries()) {
      if (!Array.isArray(entry) || entry.length !== 3) throw new RangeError(`executed table: caller entry ${i} is not [caller, ranges, outputs]`);
      const [caller, ranges, outputs] = entry as [unknown, unknown, unknown];
      if (!isCount(caller) || caller <= previous) throw new RangeError(`executed table: caller ${String(caller)} at ${i} is not a node id above the one before`);
      if (!Array.isArray(ranges) || !ranges.every((r) => Array.isArray(r) && r.length === 2)) throw new RangeError(`executed table: caller ${caller}'s ranges are not [lo, hi] pairs`);
      if (!Array.isArray(outputs) || outputs.length > keepOutputs) throw new RangeError(`executed table: caller ${caller}'s outputs are not a list of at most ${keepOutputs}`);
      const record: CallerRecord = { ids: IdRanges.fromPairs(ranges as [number, number][]), outputs: new KeptOutputs() };
      const listed = new Set<number>();
      for (const o of outputs as unknown[]) {
        if (!Array.isArray(o) || o.length !== 3 || !isCount(o[0]) || !isCount(o[1]) || o[1] < 1 || o[1] > count) throw new RangeError(`executed table: caller ${caller} has an output entry that is not [clientId, index in 1..${count}, output]`);
        if (!record.ids.has(o[0] as number)) throw new RangeError(`executed table: caller ${caller} has an output for request ${String(o[0])}, which it did not execute`);
        if (listed.has(o[0] as number)) throw new RangeError(`executed table: caller ${caller} has two outputs for request ${String(o[0])}`);
        record.outputs.push({ clientId: o[0] as number, index: o[1] as number, output: o[2] });
        listed.add(o[0] as number);
      }
      table.callers.set(caller, record);
      previous = caller;
      for (const [lo, hi] of ranges as [number, number][]) requests += hi - lo + 1;
    }
    // Each id in the ranges is a request executed once (a request recorded twice counts twice).
    if (requests > count) throw new RangeError(`executed table: its ranges hold ${requests} executed requests, more than its count ${count}`);
    table.executedCount = count;
    return table;
  }
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}
