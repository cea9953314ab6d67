/**
 * The header's BatchMax bounds every batch a trace shows. The spec's ReplicaPropose would reject
 * a longer one too, but only as "not enabled with these parameters"; this names the reason, at
 * the field, before the replay. A batch enters a run only through a replica's Propose (every
 * Accept, Decision and pvalue copies one), so a step's own proposal and the Propose, Accept and
 * Decision it receives or sends are all there is to look at: O(1) per event.
 */
import type { Proposal, SpecMessage, TraceEvent } from '../format/types.js';

export interface BatchBoundProblem { pointer: string; message: string }

const lengthOf = (b: Proposal | undefined): number =>
  (b as { batch?: readonly Proposal[] } | undefined)?.batch?.length ?? 1;

const propOf = (m: SpecMessage): Proposal | undefined =>
  m.type === 'Propose' || m.type === 'Accept' || m.type === 'Decision' ? m.prop : undefined;

/**
 * The problem of one batch at `pointer`, or null. Module level, not a closure inside
 * batchBoundProblem: it runs for every event, and a closure per call was 3% of the replay's CPU.
 */
function over(b: Proposal | undefined, at: string | number, bound: number, batchMax: number | undefined): BatchBoundProblem | null {
  const k = lengthOf(b);
  if (k <= bound) return null;
  // The pointer is built only for a problem: `at` is a message's index in `sent`, or a pointer.
  const pointer = typeof at === 'number' ? `/sent/${at}/prop` : at;
  const header = batchMax === undefined ? 'the header has no BatchMax (so 1: one request per slot)' : `the header's BatchMax is ${batchMax}`;
  return { pointer: `${pointer}/batch`, message: `${pointer}/batch is a batch of ${k} requests, but ${header}` };
}

/** The first batch in `ev` longer than `batchMax` (the header's; absent means 1), or null. */
export function batchBoundProblem(ev: TraceEvent, batchMax: number | undefined): BatchBoundProblem | null {
  const bound = batchMax ?? 1;
  const p = ev.params;
  let problem = over(p.proposal, '/params/proposal', bound, batchMax);
  if (problem === null && p.message !== undefined) problem = over(propOf(p.message), '/params/message/prop', bound, batchMax);
  for (let i = 0; problem === null && i < ev.sent.length; i++) problem = over(propOf(ev.sent[i]!), i, bound, batchMax);
  return problem;
}
