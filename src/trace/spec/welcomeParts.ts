/**
 * Welcome parts (spec/MultiPaxos.tla, "Welcome parts"): a Welcome is sent as k messages, part i
 * of k carrying the i-th of k contiguous segments of the sender's history and of its decisions
 * in slot order. A part of a one-part Welcome leaves `part` and `parts` out (1), as traces
 * write it, so with k = 1 every Welcome is the one before parts.
 *
 * These are the spec's operators, for the fast encoding (fastSpec.ts) and the explorer's
 * mutants (src/explore/mutantSteps.ts); the replica's code splits its own Welcome the same way
 * so that its parts project onto these.
 */
import type { HistoryRange, MessageOf, Proposal, SlotProp, SpecMessage } from '../format/types.js';
import { ExecSeq } from './execSeq.js';
import { HistorySegment } from './historySegment.js';
// The code cuts its parts with the same function, so that they project onto these.
import { segmentRange } from '../../protocol/welcomeParts.js';

export type WelcomeMessage = MessageOf<'Welcome'>;

/** The part index and count of a Welcome message (absent: 1 of 1). */
export const partOf = (m: WelcomeMessage): number => m.part ?? 1;
export const partsOf = (m: WelcomeMessage): number => m.parts ?? 1;


/** Segment(q, i, k): the i-th of k contiguous segments of q (the first ones shorter). */
export function segment<T>(q: readonly T[], i: number, k: number): T[] {
  const [from, to] = segmentRange(q.length, i, k);
  return q.slice(from, to);
}

/**
 * DecisionSegment(D, i, k): the decisions whose SlotRank (1 + how many have a lower slot) is in
 * the i-th segment of 1..|D| (also a Promise's pvalues, one per slot). Decisions sharing a slot
 * (only if Agreement broke) share a rank.
 */
export function decisionSegment<T extends { slot: number }>(decisions: readonly T[], i: number, k: number): T[] {
  return decisionSegments(decisions, k)[i - 1] ?? [];
}

/**
 * DecisionSegment(D, i, k) for every i in 1..k, each in D's order: one sort and one pass, where
 * k calls of a per-part filter cost O(k |D|^2). A Welcome of a long run is sent in a hundred
 * parts and more (its history grows), so the per-part version made the checker's
 * ReplicaReceiveJoin grow with the square of the run (13% of a 100,000-command check).
 */
export function decisionSegments<T extends { slot: number }>(decisions: readonly T[], k: number): T[][] {
  const out: T[][] = Array.from({ length: k }, () => []);
  const slots = decisions.map((d) => d.slot).sort((a, b) => a - b);
  // ends[i - 1] = the last rank of segment i (segmentRange's upper end).
  const ends = Array.from({ length: k }, (_, j) => segmentRange(decisions.length, j + 1, k)[1]);
  for (const d of decisions) {
    const rank = lowerBound(slots, d.slot) + 1;
    // Segment i holds ranks in (ends[i - 2], ends[i - 1]]: the first i whose end reaches rank.
    const i = lowerBound(ends, rank);
    if (i < k) out[i]!.push(d);
  }
  return out;
}

/** How many elements of the ascending array xs are below x. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * Segment(q, i, k) of a history: a copy of its requests, or, from a history the replay holds
 * (ExecSeq, with a history window), the range itself.
 */
function historySegment(executed: readonly Proposal[] | ExecSeq, i: number, k: number): Proposal[] | HistoryRange {
  if (!(executed instanceof ExecSeq)) return segment(executed, i, k);
  const [from, to] = segmentRange(executed.length, i, k);
  return new HistorySegment(executed, from, to);
}

/** WelcomePart(n, j, i, k): part i of the k-part Welcome to `node` of a replica at `slot`. */
export function welcomePart(node: number, slot: number, decisions: readonly SlotProp[], executed: readonly Proposal[] | ExecSeq, i: number, k: number): SpecMessage {
  if (k === 1) return { type: 'Welcome', node, slot, decisions: [...decisions], executed: historySegment(executed, 1, 1) };
  return { type: 'Welcome', node, slot, part: i, parts: k, decisions: decisionSegment(decisions, i, k), executed: historySegment(executed, i, k) };
}

/** The k parts of one Welcome, part 1 first (the decisions ranked once for all parts). */
export function welcomeParts(node: number, slot: number, decisions: readonly SlotProp[], executed: readonly Proposal[] | ExecSeq, k: number): SpecMessage[] {
  if (k === 1) return [welcomePart(node, slot, decisions, executed, 1, 1)];
  const segments = decisionSegments(decisions, k);
  return segments.map((ds, j) => ({ type: 'Welcome', node, slot, part: j + 1, parts: k, decisions: ds, executed: historySegment(executed, j + 1, k) }));
}

/** How a replica picks the parts it installs (the spec's PartsOf and Installs; the mutants change them). */
export interface AssemblyRules {
  /** WelcomeMixesParts: parts of Welcomes at any slot. */
  mixSlots: boolean;
  /** WelcomeMissingPart: every part but the last, when m is not the last. */
  missingPart: boolean;
}
export const CORRECT_ASSEMBLY: AssemblyRules = { mixSlots: false, missingPart: false };

/**
 * Every choice w of PartsOf(m, Installs(m)) with w[m.part] = m: one Welcome per installed index,
 * each from msgs, of m's addressee and count (and slot), m itself at its own index.
 */
export function assemblies(m: WelcomeMessage, msgs: Iterable<SpecMessage>, rules: AssemblyRules = CORRECT_ASSEMBLY): WelcomeMessage[][] {
  const k = partsOf(m);
  const own = partOf(m);
  if (k === 1) return [[m]];
  const count = rules.missingPart && own < k ? k - 1 : k;
  const candidates: WelcomeMessage[][] = Array.from({ length: count }, () => []);
  for (const w of msgs) {
    if (w.type !== 'Welcome' || w.node !== m.node || partsOf(w) !== k) continue;
    if (!rules.mixSlots && w.slot !== m.slot) continue;
    const i = partOf(w);
    if (i <= count && i !== own) candidates[i - 1]!.push(w);
  }
  candidates[own - 1] = [m];
  let out: WelcomeMessage[][] = [[]];
  for (const c of candidates) out = out.flatMap((prefix) => c.map((w) => [...prefix, w]));
  return out;
}
