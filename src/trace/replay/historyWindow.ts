/**
 * The history window of a trace replay: the fast replay forgets the first requests of every
 * history it holds once no later step can read them, so a long trace is checked in memory that
 * does not grow with its length (issue 11). Each node's rExecuted is a sequence of every
 * request executed, the spec's value; a replay of 100,000 commands held all of them, and
 * nothing else it held grew with the run.
 *
 * Histories are versions of arrays (ExecSeq): a node's versions share one array, and so do
 * nodes that execute one history or install one another's. A step reads a history's requests
 * only through a version it holds, at or above the version's length less what retries reach
 * (IndexOf), or at the snapshot's requests the sweeps have not looked at yet. So an array's
 * requests below B are read by no later step, where B is the smallest, over the versions of
 * that array in play, of
 *  - the length of a node's rExecuted: an execute appends to it, a Welcome is cut from it;
 *  - the length of a node's snapshot history (rSnap), which a restart makes its rExecuted
 *    again, and what the sweeps have looked at of it (FastOracle.sweep finds dead Invokes and
 *    Invokeds in what entered a snapshot since the last sweep);
 *  - the length of the history a Welcome in msgs carries a range of: its install takes that
 *    version itself (HistorySegment, by its digest, no request read), and the installer then
 *    appends to it.
 * A node that lags (or is down for good) bounds only the arrays it holds a version of: its own
 * short history does not keep the others' long ones whole. Versions only grow, except a restart
 * to a snapshot and an install, both covered above. A replay keeps RETRY_MARGIN requests below
 * B: a client may retry a request executed a while ago, whose index the replica answers; one
 * older than that fails with ForgottenHistoryError, which names the option that keeps the whole
 * history, and never passes a trace the spec would reject.
 *
 * Off for an embedded window (the engine needs the whole sequences) and by --whole-history.
 */
import type { SpecState } from '../spec/specState.js';
import type { ExecSeq } from '../spec/execSeq.js';
import { HistorySegment } from '../spec/historySegment.js';

/** Requests kept below the base, for late retries of executed requests. */
export const RETRY_MARGIN = 4096;

/** Per array of history versions (ExecSeq.holder): a version of it, and B for it (see above). */
export type HistoryBases = Map<object, { seq: ExecSeq; base: number }>;

/** B of every array in play (see above). `scanned[n]`: what the sweeps looked at of n's snapshot. */
export function historyBases(s: SpecState, scanned: readonly number[]): HistoryBases {
  const out: HistoryBases = new Map();
  const bound = (seq: ExecSeq, b: number): void => {
    const at = out.get(seq.holder);
    if (at === undefined) out.set(seq.holder, { seq, base: b });
    else if (b < at.base) at.base = b;
  };
  for (let n = 1; n < s.nodes.length; n++) {
    const x = s.nodes[n]!;
    bound(x.rExecuted, x.rExecuted.length);
    bound(x.rSnap.executed, Math.min(x.rSnap.executed.length, scanned[n] ?? 0));
  }
  for (const m of s.msgs.values()) {
    if (m.type === 'Welcome' && m.executed instanceof HistorySegment) bound(m.executed.seq, m.executed.seq.length);
  }
  return out;
}

/**
 * Forgets each array's requests below its B less `margin`. Returns the most any array the
 * nodes hold has forgotten, and how many requests those arrays hold after it.
 */
export function forgetHistories(s: SpecState, scanned: readonly number[], margin = RETRY_MARGIN,
  basesOf: typeof historyBases = historyBases): { below: number; held: number } {
  const bases = basesOf(s, scanned);
  for (const { seq, base } of bases.values()) if (base - margin > 0) seq.forgetBelow(base - margin);
  const holders = new Set<object>();
  let held = 0;
  let below = 0;
  for (let n = 1; n < s.nodes.length; n++) {
    const x = s.nodes[n]!;
    for (const h of [x.rExecuted, x.rSnap.executed]) {
      if (holders.has(h.holder)) continue;
      holders.add(h.holder);
      held += h.holder.items.length;
      below = Math.max(below, h.base);
    }
  }
  return { below, held };
}
