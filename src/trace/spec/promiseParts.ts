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
import { coverAll, neededOf } from './partCover.js';
import { pvalueKey } from '../format/keys.js';

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

/** For each index of PromisePartsOf(m, Counts(m)): the parts of m's Promise in msgs that may stand there, m alone at its own. */
function promiseCandidates(m: PromiseMessage, msgs: Iterable<SpecMessage>): PromiseMessage[][] {
  const k = promisePartsOf(m);
  const own = promisePartOf(m);
  const candidates: PromiseMessage[][] = Array.from({ length: k }, () => []);
  for (const w of msgs) {
    if (w.type !== 'Promise' || !samePromise(m, w)) continue;
    const i = promisePartOf(w);
    if (i !== own && i >= 1 && i <= k) candidates[i - 1]!.push(w);
  }
  candidates[own - 1] = [m];
  return candidates;
}

/**
 * Every choice w of PromisePartsOf(m, Counts(m)) with w[m.part] = m: one part per counted index,
 * each from msgs, of m's Promise, m itself at its own index. `partial` is the mutant
 * ScoutCountsPartialPromise: it counts m's part alone. As many as the product of the candidates
 * per index (see promiseAssembliesGiving).
 */
export function promiseAssemblies(m: PromiseMessage, msgs: Iterable<SpecMessage>, partial = false): PromiseMessage[][] {
  if (promisePartsOf(m) === 1 || partial) return [[m]];
  let out: PromiseMessage[][] = [[]];
  for (const c of promiseCandidates(m, msgs)) out = out.flatMap((prefix) => c.map((w) => [...prefix, w]));
  return out;
}

/** The first choice promiseAssemblies() would list (whole parts), as a list of it, or an empty list. */
export function firstPromiseAssembly(m: PromiseMessage, msgs: Iterable<SpecMessage>): PromiseMessage[][] {
  const c = promiseCandidates(m, msgs);
  return c.every((x) => x.length > 0) ? [c.map((x) => x[0]!)] : [];
}

/**
 * The choices of promiseAssemblies() that leave a scout that held the pvalues `held` (by key)
 * with exactly the pvalues `after`, as one choice (they all leave the same state), or none; and
 * without listing them: an acceptor that answers one Prepare twice (a leader restarted at the
 * same ballot prepares again) with more pvalues the second time gives each index of a Promise in
 * k parts two candidates, 2^(k-1) choices. Each index keeps the parts whose pvalues are all in
 * `after`, and a search (partCover.ts) picks one per index that bring the rest of `after`
 * (test/trace/promise/promiseGiving.test.ts compares it with the full list on random sets).
 */
export function promiseAssembliesGiving(
  m: PromiseMessage, msgs: Iterable<SpecMessage>, held: (key: string) => boolean, heldKeys: Iterable<string>, after: ReadonlySet<string>,
): PromiseMessage[][] {
  for (const k of heldKeys) if (!after.has(k)) return [];
  const candidates = promiseCandidates(m, msgs).map((c) => c.filter((w) => w.accepted.every((pv) => after.has(pvalueKey(pv)))));
  if (candidates.some((c) => c.length === 0)) return [];
  const choice = coverAll(candidates, neededOf(after, held), pvalueKeysOf);
  return choice === null ? [] : [choice];
}

function* pvalueKeysOf(w: PromiseMessage): Iterable<string> {
  for (const pv of w.accepted) yield pvalueKey(pv);
}
