/**
 * A proposed linearization, checked in O(n log n): the order in which the replicas executed the
 * operations (the trace's history) is usually one. It proves the history linearizable when
 *   1. every operation that returned is in it (one that never returned may be left out: it
 *      never took effect);
 *   2. it respects real time: no operation in it returned before one placed ahead of it was
 *      called;
 *   3. the model, run along it, gives every returned operation the output its client saw.
 * That is the definition of linearizability with this order as the witness, so a witness that
 * passes is a proof; one that fails proves nothing (another order may work) and the caller
 * searches (search.ts). Nothing of the trace's own claims is trusted: the outputs compared are
 * the clients', the times the clients' calls and returns.
 *
 * Why: the search keeps an operation that never returned in play from its call to the end, so
 * a few dozen of them in a long bank history can exhaust any budget (search.ts, Cost); a run of
 * 50,000 operations took 12-16 s of its 20 s budget, and a synthetic one of 25,000 with 0.1% of
 * them unanswered did not finish in 120 s.
 */
import { hasReturned, type Operation } from './history.js';
import type { Model } from './model.js';

export type WitnessVerdict =
  | { readonly ok: true; readonly order: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Whether ordering the operations by `position` (undefined: left out) is a linearization of
 * `ops` under `model`. Positions must be distinct; they need not be consecutive.
 */
export function checkWitness<S>(model: Model<S>, ops: readonly Operation[], position: (op: Operation) => number | undefined): WitnessVerdict {
  const placed: Array<{ op: Operation; at: number }> = [];
  const seen = new Set<number>();
  for (const op of ops) {
    const at = position(op);
    if (at === undefined) {
      if (hasReturned(op)) return { ok: false, reason: `${op.id} returned but is not in the witness` };
      continue;
    }
    if (seen.has(at)) return { ok: false, reason: `two operations at position ${at}` };
    seen.add(at);
    placed.push({ op, at });
  }
  placed.sort((a, b) => a.at - b.at);
  // Real time: scanning in witness order, an operation that returned before the latest call
  // of those placed ahead of it was preceded, in real time, by one placed after it.
  let latestCall = -Infinity;
  let latestCaller: Operation | undefined;
  for (const { op } of placed) {
    if (op.ret !== undefined && op.ret < latestCall) {
      return { ok: false, reason: `${op.id} returned (at ${op.ret}) before ${latestCaller!.id}, placed ahead of it, was called (at ${latestCall})` };
    }
    if (op.call > latestCall) { latestCall = op.call; latestCaller = op; }
  }
  let state = model.init();
  for (const { op } of placed) {
    const r = model.step(state, op.input, hasReturned(op) ? { returned: true, output: op.output } : { returned: false });
    if (!r.ok) return { ok: false, reason: `${op.id}: the model gives ${JSON.stringify(r.expected)} where its client saw ${JSON.stringify(op.output)}` };
    state = r.state;
  }
  return { ok: true, order: placed.map((p) => p.op.id) };
}
