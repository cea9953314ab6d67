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

/** The first batch in `ev` longer than `batchMax` (the header's; absent means 1), or null. */
export function batchBoundProblem(ev: TraceEvent, batchMax: number | undefined): BatchBoundProblem | null {
  const bound = batchMax ?? 1;
  const over = (b: Proposal | undefined, pointer: string): BatchBoundProblem | null => {
    const k = lengthOf(b);
    if (k <= bound) return null;
    const header = batchMax === undefined ? 'the header has no BatchMax (so 1: one request per slot)' : `the header's BatchMax is ${batchMax}`;
    return { pointer: `${pointer}/batch`, message: `${pointer}/batch is a batch of ${k} requests, but ${header}` };
  };
  const p = ev.params;
  let problem = over(p.proposal, '/params/proposal');
  if (problem === null && p.message !== undefined) problem = over(propOf(p.message), '/params/message/prop');
  for (let i = 0; problem === null && i < ev.sent.length; i++) problem = over(propOf(ev.sent[i]!), `/sent/${i}/prop`);
  return problem;
}
