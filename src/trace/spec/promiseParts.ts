/**
 * Promise parts (spec/MultiPaxos.tla, "Promise parts"): a Promise is sent as k messages, part i
 * of k carrying the i-th of k segments (by slot) of the acceptor's pvalues, and its ballot,
 * promised ballot and mark. A part of a one-part Promise leaves `part` and `parts` out (1), as
 * traces write it, so with k = 1 every Promise is the one before parts.
 *
 * These are the spec's operators, for the fast encoding (fastSpec.ts) and the explorer's mutants
 * (src/explore/mutantSteps.ts); the acceptor's code splits its Promise with the same segments.
 */
import type { Ballot, MessageOf, PValue, SpecMessage } from '../format/types.js';
import { decisionSegments } from './welcomeParts.js';

export type PromiseMessage = MessageOf<'Promise'>;

/** The part index and count of a Promise message (absent: 1 of 1). */
export const promisePartOf = (m: PromiseMessage): number => m.part ?? 1;
export const promisePartsOf = (m: PromiseMessage): number => m.parts ?? 1;

/** The k parts of acceptor n's Promise (AcceptorReceivePrepare(n, m, k)'s reply), part 1 first; `mark` absent means 1. */
export function promiseParts(acceptor: number, ballot: Ballot, promised: Ballot, accepted: readonly PValue[], mark: number, k: number): SpecMessage[] {
  const withMark = mark === 1 ? {} : { mark };
  if (k === 1) return [{ type: 'Promise', acceptor, ballot, promised, accepted: [...accepted], ...withMark }];
  return decisionSegments(accepted, k).map((segment, j): SpecMessage => ({
    type: 'Promise', acceptor, ballot, promised, accepted: segment, ...withMark, part: j + 1, parts: k,
  }));
}

/** Whether w is a part of the same Promise as m: the spec's PromisePartsOf conditions but the index. */
const sameKey = (a: { num: number; leader: number }, b: { num: number; leader: number }): boolean => a.num === b.num && a.leader === b.leader;
function samePromise(m: PromiseMessage, w: PromiseMessage): boolean {
  return w.acceptor === m.acceptor && sameKey(w.ballot, m.ballot) && sameKey(w.promised, m.promised)
    && (w.mark ?? 1) === (m.mark ?? 1) && promisePartsOf(w) === promisePartsOf(m);
}

/**
 * Every choice w of PromisePartsOf(m, Counts(m)) with w[m.part] = m: one part per counted index,
 * each from msgs, of m's Promise, m itself at its own index. `partial` is the mutant
 * ScoutCountsPartialPromise: it counts m's part alone.
 */
export function promiseAssemblies(m: PromiseMessage, msgs: Iterable<SpecMessage>, partial = false): PromiseMessage[][] {
  const k = promisePartsOf(m);
  const own = promisePartOf(m);
  if (k === 1 || partial) return [[m]];
  const candidates: PromiseMessage[][] = Array.from({ length: k }, () => []);
  for (const w of msgs) {
    if (w.type !== 'Promise' || !samePromise(m, w)) continue;
    const i = promisePartOf(w);
    if (i !== own && i >= 1 && i <= k) candidates[i - 1]!.push(w);
  }
  candidates[own - 1] = [m];
  let out: PromiseMessage[][] = [[]];
  for (const c of candidates) out = out.flatMap((prefix) => c.map((w) => [...prefix, w]));
  return out;
}
