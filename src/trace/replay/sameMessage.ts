/**
 * Structural equality of two spec messages, as a shortcut for comparing their canonical keys:
 * the replay compares the messages a spec step sends with those the trace event shows, and
 * comparing a few numbers is cheaper than building and hashing both keys. It reads exactly
 * the fields messageKey (format/keys.ts) writes, so sameMessage(a, b) implies
 * messageKey(a) === messageKey(b). Messages holding sets (Promise, Adopted, Welcome) answer
 * false: their keys sort the elements, and the caller then compares keys.
 */
import type { Ballot, Proposal, SpecMessage } from '../format/types.js';
import { sameRequest } from '../format/keys.js';

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
    default: return false;
  }
}

/** Do two message lists hold equal messages in the same order (then their key sets are equal)? */
export function sameMessages(a: readonly SpecMessage[], b: readonly SpecMessage[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameMessage(a[i]!, b[i]!)) return false;
  return true;
}
