/**
 * The history window of a trace replay: the fast replay forgets the first requests of every
 * history it holds once no later step can read them, so a long trace is checked in memory that
 * does not grow with its length (issue 11). Each node's rExecuted is a sequence of every
 * request executed, the spec's value; a replay of 100,000 commands held all of them, five
 * versions sharing one array, and nothing else it held grew with the run.
 *
 * Which requests a later step can read: those at index B or above, where B is the smallest,
 * over every node, of
 *  - the length of its rExecuted: an execute appends to it, a Welcome is cut from it;
 *  - the length of its snapshot's history (rSnap), which a restart makes its rExecuted again,
 *    and in which the sweeps look for Invokes and Invokeds that died (FastOracle.sweep);
 *  - what the sweeps have looked at of that snapshot.
 * A node's histories only grow, except a restart to its snapshot and an install that sets a
 * longer one (a Welcome's, from a node ahead), so B only grows. A Welcome part holds a range of
 * its sender's history (HistorySegment) by its digest, and its install takes the sender's
 * history itself: neither reads a request. A replay keeps RETRY_MARGIN requests below B on top:
 * a client may retry a request executed a while ago, whose index the replica answers
 * (IndexOf); one older than that fails with ForgottenHistoryError, which names the option that
 * keeps the whole history, and never passes a trace the spec would reject.
 *
 * Off for an embedded window (the engine needs the whole sequences) and by --whole-history.
 */
import type { SpecState } from '../spec/specState.js';

/** Requests kept below the base, for late retries of executed requests. */
export const RETRY_MARGIN = 4096;

/** B: no later step reads a history below it (see above). `scanned[n]`: what the sweeps looked at of n's snapshot. */
export function historyBase(s: SpecState, scanned: readonly number[]): number {
  let b = Number.POSITIVE_INFINITY;
  for (let n = 1; n < s.nodes.length; n++) {
    const x = s.nodes[n]!;
    b = Math.min(b, x.rExecuted.length, x.rSnap.executed.length, scanned[n] ?? 0);
  }
  return Number.isFinite(b) ? b : 0;
}

/**
 * Forgets every node's histories' requests below `historyBase - margin`. Returns that index
 * and how many requests the nodes' histories hold after it (each array counted once).
 */
export function forgetHistories(s: SpecState, scanned: readonly number[], margin = RETRY_MARGIN,
  baseOf: typeof historyBase = historyBase): { below: number; held: number } {
  const below = Math.max(0, baseOf(s, scanned) - margin);
  const holders = new Set<object>();
  let held = 0;
  for (let n = 1; n < s.nodes.length; n++) {
    const x = s.nodes[n]!;
    for (const h of [x.rExecuted, x.rSnap.executed]) {
      if (below > 0) h.forgetBelow(below);
      if (!holders.has(h.holder)) { holders.add(h.holder); held += h.holder.items.length; }
    }
  }
  return { below, held };
}
