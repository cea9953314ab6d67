/**
 * Structural equality of two spec messages, as a shortcut for comparing their canonical keys:
 * the replay compares the messages a spec step sends with those the trace event shows, and
 * comparing a few numbers is cheaper than building and hashing both keys. It reads exactly
 * the fields messageKey (format/keys.ts) writes, so sameMessage(a, b) implies
 * messageKey(a) === messageKey(b). Promise and Adopted answer false: their keys sort their
 * sets, and the caller then compares keys. A Welcome part is the same when its decisions are
 * (as its key compares them: a part holds a few) and its history is the same request by
 * request; a spec step's parts and the trace's, resolved from one history, share their request
 * objects, so that is a pointer comparison per request where building and hashing the part's
 * text twice was 4% of checking a 100,000-command trace.
 */
import { isHistoryLength, type Ballot, type Proposal, type SpecMessage } from '../format/types.js';
import { HistorySegment, sameSegment } from '../spec/historySegment.js';
import { decisionsKey, isOnePart, sameRequest } from '../format/keys.js';

const sameBallot = (a: Ballot, b: Ballot): boolean => a.num === b.num && a.leader === b.leader;
type MaybeBatch = Proposal & { batch?: readonly Proposal[] };
/**
 * A slot's value: a request, or a long batch ({ batch: [...] }, which has no caller or input,
 * so comparing those fields alone would find any two batches equal). Batches are equal
 * request by request, in order: the order is the order the replicas run them.
 */
function sameProp(a: Proposal, b: Proposal): boolean {
  const qa = (a as MaybeBatch).batch;
  const qb = (b as MaybeBatch).batch;
  if (qa === undefined && qb === undefined) return sameRequest(a, b);
  if (qa === undefined || qb === undefined || qa.length !== qb.length) return false;
  for (let i = 0; i < qa.length; i++) if (!sameRequest(qa[i]!, qb[i]!)) return false;
  return true;
}

export function sameMessage(a: SpecMessage, b: SpecMessage): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'Prepare': return sameBallot(a.ballot, (b as typeof a).ballot);
    case 'Accept': { const c = b as typeof a; return a.slot === c.slot && sameBallot(a.ballot, c.ballot) && sameProp(a.prop, c.prop); }
    case 'Accepted': {
      const c = b as typeof a;
      return a.acceptor === c.acceptor && a.slot === c.slot && sameBallot(a.ballot, c.ballot) && sameBallot(a.promised, c.promised);
    }
    case 'Decision':
    case 'Propose': { const c = b as typeof a; return a.slot === c.slot && sameProp(a.prop, c.prop); }
    case 'Preempted': { const c = b as typeof a; return a.leader === c.leader && sameBallot(a.ballot, c.ballot); }
    case 'Invoke': { const c = b as typeof a; return a.replica === c.replica && sameRequest(a.prop, c.prop); }
    case 'Invoked': { const c = b as typeof a; return a.replica === c.replica && a.index === c.index && sameRequest(a.prop, c.prop); }
    case 'Join': return a.node === (b as typeof a).node;
    case 'Welcome': return sameWelcome(a, b as typeof a);
    default: return false;
  }
}

type Welcome = Extract<SpecMessage, { type: 'Welcome' }>;

function sameWelcome(a: Welcome, b: Welcome): boolean {
  // A one-part Welcome's key leaves `part` and `parts` out (format/keys.ts isOnePart).
  if (a.node !== b.node || a.slot !== b.slot || isOnePart(a) !== isOnePart(b)) return false;
  if (!isOnePart(a) && ((a.part ?? 1) !== (b.part ?? 1) || a.parts !== b.parts)) return false;
  // A history named by length (not yet resolved) has no requests to compare.
  const ha = a.executed as unknown; const hb = b.executed as unknown;
  if (isHistoryLength(ha) || isHistoryLength(hb) || a.executed.length !== b.executed.length) return false;
  // Two ranges of histories the replay holds (a history window): by their keys.
  if (ha instanceof HistorySegment && hb instanceof HistorySegment) { if (!sameSegment(ha, hb)) return false; } else {
    const xa = Array.isArray(ha) ? ha as Proposal[] : [...a.executed]; const xb = Array.isArray(hb) ? hb as Proposal[] : [...b.executed];
    for (let i = 0; i < xa.length; i++) if (xa[i] !== xb[i] && !sameProp(xa[i]!, xb[i]!)) return false;
  }
  const da = a.decisions; const db = b.decisions;
  let inOrder = da.length === db.length;
  for (let i = 0; inOrder && i < da.length; i++) inOrder = da[i]!.slot === db[i]!.slot && sameProp(da[i]!.prop, db[i]!.prop);
  // In another order (the spec's set and the code's list need not agree on one): as the key compares them.
  return inOrder || decisionsKey(da) === decisionsKey(db);
}

/** Do two message lists hold equal messages in the same order (then their key sets are equal)? */
export function sameMessages(a: readonly SpecMessage[], b: readonly SpecMessage[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameMessage(a[i]!, b[i]!)) return false;
  return true;
}
