/**
 * The requests of a replica's decided, not yet executed slots, counted by how many such slots
 * hold each: "is this request decided here?" (the spec's Known) without a scan of the
 * decisions. Keyed like the executed table (executedTable.ts), by caller and then clientId:
 * a string key per request (caller, clientId and input text), built when a slot was learnt
 * and again when it executed, cost 5-7% of the simulator's CPU (bench:sim, five replicas
 * counting every request).
 */
import type { NodeId, Proposal } from '../protocol/values.js';

export class DecidedRequests {
  private readonly byCaller = new Map<NodeId, Map<number, number>>();
  private distinct = 0;

  /** The requests of one more decided slot. */
  add(requests: readonly Proposal[]): void {
    for (const r of requests) {
      let ids = this.byCaller.get(r.caller);
      if (ids === undefined) this.byCaller.set(r.caller, (ids = new Map()));
      const n = ids.get(r.clientId) ?? 0;
      if (n === 0) this.distinct++;
      ids.set(r.clientId, n + 1);
    }
  }

  /** The requests of a slot that `add` counted, now executed or forgotten. */
  remove(requests: readonly Proposal[]): void {
    for (const r of requests) {
      const ids = this.byCaller.get(r.caller);
      const n = ids?.get(r.clientId);
      if (ids === undefined || n === undefined) continue;
      if (n > 1) {
        ids.set(r.clientId, n - 1);
        continue;
      }
      ids.delete(r.clientId);
      this.distinct--;
      // A caller's map stays when it empties (one per node at most): its requests come and
      // go with every slot, and a new Map each time was 2% of a batched run's allocations.
    }
  }

  has(p: Proposal): boolean {
    return this.byCaller.get(p.caller)?.has(p.clientId) === true;
  }

  /** How many distinct requests it counts. */
  get size(): number {
    return this.distinct;
  }

  /** Entries its maps hold, counted or not: what its memory follows (for tests of its bound; O(callers)). */
  get entriesHeld(): number {
    let n = 0;
    for (const ids of this.byCaller.values()) n += ids.size;
    return n;
  }
}
