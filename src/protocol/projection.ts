/**
 * The spec projection of a wire message: the spec record with fields in one fixed order,
 * sets sorted by JSON text, fields the spec does not model dropped. Two messages equal in
 * the spec have the same JSON text here.
 */
import type { Message, SpecMessage, TraceMessage } from './messages.js';
import { isLongBatch, type Ballot, type Batch, type Proposal, type PValue, type SlotProp } from './values.js';

const ballot = (b: Ballot): Ballot => ({ num: b.num, leader: b.leader });
const prop = (p: Proposal): Proposal => ({ caller: p.caller, clientId: p.clientId, input: p.input });
const batch = (b: Batch): Batch => (isLongBatch(b) ? { batch: b.batch.map(prop) } : prop(b));
const pvalue = (pv: PValue): PValue => ({ ballot: ballot(pv.ballot), slot: pv.slot, prop: batch(pv.prop) });
const decision = (d: SlotProp): SlotProp => ({ slot: d.slot, prop: batch(d.prop) });
/** A Promise's or Adopted's mark: left out when 1, so the message is the one the spec (and every older trace) has. */
const mark = (m: { readonly mark?: number }): { mark?: number } => (m.mark === undefined || m.mark === 1 ? {} : { mark: m.mark });
/** A Welcome's or Promise's part fields: left out when it was sent whole (1 of 1), as the spec's one-part message is written. */
const welcomePart = (m: { readonly part?: number; readonly parts?: number }): { part?: number; parts?: number } =>
  (m.parts === undefined || m.parts === 1 ? {} : { part: m.part ?? 1, parts: m.parts });

function sortedSet<T>(items: readonly T[]): T[] {
  const byText = new Map<string, T>();
  for (const item of items) byText.set(JSON.stringify(item), item);
  return [...byText.keys()].sort().map((k) => byText.get(k)!);
}

/** The spec message for `m`, or undefined for a message the spec does not model. */
export function toSpecMessage(m: Message): SpecMessage | undefined {
  switch (m.type) {
    case 'Prepare': return { type: 'Prepare', ballot: ballot(m.ballot) };
    case 'Promise':
      return { type: 'Promise', acceptor: m.acceptor, ballot: ballot(m.ballot), promised: ballot(m.promised), accepted: sortedSet(m.accepted.map(pvalue)), ...mark(m), ...welcomePart(m) };
    case 'Accept': return { type: 'Accept', ballot: ballot(m.ballot), slot: m.slot, prop: batch(m.prop) };
    case 'Accepted':
      return { type: 'Accepted', acceptor: m.acceptor, ballot: ballot(m.ballot), slot: m.slot, promised: ballot(m.promised) };
    case 'Decision': return { type: 'Decision', slot: m.slot, prop: batch(m.prop) };
    case 'Propose': return { type: 'Propose', slot: m.slot, prop: batch(m.prop) };
    case 'Adopted': return { type: 'Adopted', ballot: ballot(m.ballot), pvalues: sortedSet(m.pvalues.map(pvalue)), ...mark(m) };
    case 'Preempted': return { type: 'Preempted', leader: m.leader, ballot: ballot(m.ballot) };
    case 'Invoke': return { type: 'Invoke', replica: m.replica, prop: prop(m.prop) };
    case 'Invoked': return { type: 'Invoked', replica: m.replica, prop: prop(m.prop), index: m.index };
    case 'Join': return { type: 'Join', node: m.node };
    case 'Welcome': {
      // The history by its length when the sender gave it (a trace's Welcome then costs O(1) per part).
      const executed = m.executedLength === undefined ? m.executed.map(prop) : { historyLength: m.executedLength };
      return { type: 'Welcome', node: m.node, slot: m.slot, ...welcomePart(m), decisions: sortedSet(m.decisions.map(decision)), executed };
    }
    case 'Active': case 'Accepting': case 'CatchUp': return undefined;
  }
}

/** For trace params: the spec projection, or a non-spec message as it is (copied). */
export function toTraceMessage(m: Message): TraceMessage {
  return toSpecMessage(m) ?? structuredClone(m);
}
