/**
 * The header's bounds on every batch a trace shows: BatchMax (the spec's), and the input bound
 * its cluster states (cluster.batchMaxInput, the code's Limits.batchMaxInput: the spec has no
 * byte bound). The spec's ReplicaPropose would reject a longer batch too, but only as "not
 * enabled with these parameters"; this names the reason, at the field, before the replay. A
 * batch enters a run only through a replica's Propose (every Accept, Decision and pvalue copies
 * one), so a step's own proposal and the Propose, Accept and Decision it receives or sends are
 * all there is to look at: O(1) per event, O(batch) for a batch of two or more under an input bound.
 */
import type { Proposal, SpecMessage, TraceEvent } from '../format/types.js';

export interface BatchBoundProblem { pointer: string; message: string }

/** The header's bounds: BatchMax (absent means 1) and the cluster's input bound (absent: unchecked). */
export interface BatchBounds { readonly batchMax: number | undefined; readonly batchMaxInput: number | undefined }

const batchOf = (b: Proposal | undefined): readonly Proposal[] | undefined =>
  (b as { batch?: readonly Proposal[] } | undefined)?.batch;

const propOf = (m: SpecMessage): Proposal | undefined =>
  m.type === 'Propose' || m.type === 'Accept' || m.type === 'Decision' ? m.prop : undefined;

/**
 * The problem of one batch at `pointer`, or null. Module level, not a closure inside
 * batchBoundProblem: it runs for every event, and a closure per call was 3% of the replay's CPU.
 */
function over(b: Proposal | undefined, at: string | number, bound: number, bounds: BatchBounds): BatchBoundProblem | null {
  const batch = batchOf(b);
  // A single request (written as itself) is within every bound: one longer than the input
  // bound is proposed alone.
  if (batch === undefined) return null;
  const k = batch.length;
  if (k <= bound) {
    const limit = bounds.batchMaxInput;
    if (limit === undefined) return null;
    let input = 0;
    for (let i = 0; i < k; i++) input += batch[i]!.input.length;
    if (input <= limit) return null;
    const pointer = typeof at === 'number' ? `/sent/${at}/prop` : at;
    return { pointer: `${pointer}/batch`, message: `${pointer}/batch holds ${input} units of input text in ${k} requests, but the header's cluster.batchMaxInput is ${limit} (only a request alone may exceed it)` };
  }
  // The pointer is built only for a problem: `at` is a message's index in `sent`, or a pointer.
  const pointer = typeof at === 'number' ? `/sent/${at}/prop` : at;
  const header = bounds.batchMax === undefined ? 'the header has no BatchMax (so 1: one request per slot)' : `the header's BatchMax is ${bounds.batchMax}`;
  return { pointer: `${pointer}/batch`, message: `${pointer}/batch is a batch of ${k} requests, but ${header}` };
}

/** The first batch in `ev` over the header's bounds, or null. */
export function batchBoundProblem(ev: TraceEvent, bounds: BatchBounds): BatchBoundProblem | null {
  const bound = bounds.batchMax ?? 1;
  const p = ev.params;
  let problem = over(p.proposal, '/params/proposal', bound, bounds);
  if (problem === null && p.message !== undefined) problem = over(propOf(p.message), '/params/message/prop', bound, bounds);
  for (let i = 0; problem === null && i < ev.sent.length; i++) problem = over(propOf(ev.sent[i]!), i, bound, bounds);
  return problem;
}
