/**
 * Restart histories by length (docs/trace-format.md, "Histories by length").
 *
 * A node process started again after a crash writes its NodeRestart with its whole state: its
 * trace writer is new and knows nothing of the node's previous event, so no delta can say it.
 * Listing the restored history there cost O(the history) bytes per restart (20 MB at 76,000
 * commands), and made a traced node keep its history in memory and in every snapshot. Such a
 * state may instead give `rExecuted` and `rSnap.executed` as `{"historyLength": L}`: "the first
 * L requests of the history I had at my previous event", which is what a writer in the same
 * process turns into a delta's `truncate`.
 *
 * Before any oracle sees the event, this puts the histories back: the first L requests of the
 * node's history in the replay before the step (the history its previous event was checked
 * against, so the same as the trace's own view of it). What the writer claims, and what is
 * checked, is the lengths: the oracles compare the result with the spec's NodeRestart
 * (rExecuted' = rSnap[n].executed, rSnap unchanged), so a length other than the snapshot's is
 * a spec failure, and one past the history an error here.
 */
import { isHistoryLength, type NodeStateJson, type Proposal, type TraceEvent } from '../format/types.js';
import { ExecSeq } from '../spec/execSeq.js';
import type { History } from './welcomeHistories.js';

type Problem = { problem: string };

/** Whether a whole state gives a history by length. */
export const namesRestartHistory = (ev: TraceEvent): boolean =>
  ev.state !== undefined && (isHistoryLength(ev.state.rExecuted) || isHistoryLength(ev.state.rSnap?.executed));

/**
 * `ev` with its whole state's histories given by length put back (the same object when it
 * gives none), or a problem. `historyOf(n)`: node n's history before this event's step.
 * `keepSeq`: a replay whose history window may have forgotten the start gets the prefix as the
 * replay's own sequence (ExecSeq: traceView.ts reads it as such), any other a new array.
 */
export function resolveRestart(ev: TraceEvent, historyOf: (n: number) => History, keepSeq: boolean): TraceEvent | Problem {
  if (!namesRestartHistory(ev)) return ev;
  if (ev.action !== 'NodeRestart') {
    return { problem: `${ev.action} gives its history by length in a whole state: only a NodeRestart may (the first L requests of what its node had)` };
  }
  const state = ev.state!;
  const history = historyOf(ev.node);
  const firstOf = (given: readonly Proposal[] | unknown, what: string): readonly Proposal[] | ExecSeq | Problem => {
    if (!isHistoryLength(given)) return given as readonly Proposal[];
    const L = given.historyLength;
    if (L > history.length) return { problem: `node ${ev.node} restarts with ${what} the first ${L} requests of its history, which has ${history.length}` };
    return keepSeq && history instanceof ExecSeq ? history.prefix(L) : history.slice(0, L);
  };
  const executed = firstOf(state.rExecuted, 'rExecuted');
  if ('problem' in executed) return executed;
  const snapped = firstOf(state.rSnap.executed, 'rSnap.executed');
  if ('problem' in snapped) return snapped;
  const resolved = { ...state, rExecuted: executed, rSnap: { ...state.rSnap, executed: snapped } } as unknown as NodeStateJson;
  return { ...ev, state: resolved };
}
