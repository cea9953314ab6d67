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
import { slotPropKey, welcomeHistoryKey } from '../format/keys.js';
import { coverAll, neededOf } from './partCover.js';
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

/** For each index of PartsOf(m, Installs(m)): the Welcomes of msgs that may stand there, m alone at its own. */
function partCandidates(m: WelcomeMessage, msgs: Iterable<SpecMessage>, rules: AssemblyRules): WelcomeMessage[][] {
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
  if (own <= count) candidates[own - 1] = [m];
  return candidates;
}

/**
 * Every choice w of PartsOf(m, Installs(m)) with w[m.part] = m: one Welcome per installed index,
 * each from msgs, of m's addressee and count (and slot), m itself at its own index. As many as
 * the product of the candidates per index: the explorer's small models, not a long run's trace
 * (see assembliesInstalling).
 */
export function assemblies(m: WelcomeMessage, msgs: Iterable<SpecMessage>, rules: AssemblyRules = CORRECT_ASSEMBLY): WelcomeMessage[][] {
  let out: WelcomeMessage[][] = [[]];
  for (const c of partCandidates(m, msgs, rules)) out = out.flatMap((prefix) => c.map((w) => [...prefix, w]));
  return out;
}

/** The first choice assemblies() would list, or null if it lists none. */
export function firstAssembly(m: WelcomeMessage, msgs: Iterable<SpecMessage>, rules: AssemblyRules = CORRECT_ASSEMBLY): WelcomeMessage[] | null {
  const c = partCandidates(m, msgs, rules);
  return c.every((x) => x.length > 0) ? c.map((x) => x[0]!) : null;
}

/** How many choices assemblies() would list (a product, not an enumeration). */
export function assemblyCount(m: WelcomeMessage, msgs: Iterable<SpecMessage>, rules: AssemblyRules = CORRECT_ASSEMBLY): number {
  return partCandidates(m, msgs, rules).reduce((n, c) => n * c.length, 1);
}

/** More histories than this among one Welcome's candidate parts: the search gives up (ReplicaConsistency broke first). */
export const MAX_HISTORY_PATTERNS = 64;

/**
 * The assemblies whose install leaves a replica that held the decisions `held` (by key) with
 * exactly the decisions `after`: one per distinct history they install, so each successor of
 * ReplicaReceiveWelcome with those decisions once. What a trace checker asks: it knows the
 * decisions the event shows. assemblies() lists the product of the candidates per index, and
 * a long run's Welcome comes in tens of parts: a replica that restarts is answered by several
 * replicas, or by one several times, at the same slot, each Welcome with other decisions, so
 * every index has several candidates, and a check of a 5-minute chaos run built 2^45 of them.
 *
 * Here each index keeps only the candidates whose decisions are all in `after` (a part with
 * another one cannot be in such an assembly); the candidates of each index are grouped by the
 * history they carry (at one slot, one group while the replicas agree); and for each choice of
 * a group per index a depth-first search picks one candidate per index so that together they
 * hold every decision of `after` not already held, or finds that none does. The search is
 * exact: it returns nothing only when no assembly gives `after`
 * (test/trace/welcome/welcomeInstalling.test.ts compares it with assemblies() on random sets).
 */
export function assembliesInstalling(
  m: WelcomeMessage, msgs: Iterable<SpecMessage>, held: (key: string) => boolean, heldKeys: Iterable<string>,
  after: ReadonlySet<string>, rules: AssemblyRules = CORRECT_ASSEMBLY,
): WelcomeMessage[][] {
  for (const k of heldKeys) if (!after.has(k)) return [];
  const candidates = partCandidates(m, msgs, rules).map((c) => c.filter((w) => w.decisions.every((d) => after.has(slotPropKey(d)))));
  if (candidates.some((c) => c.length === 0)) return [];
  const needed = neededOf(after, held);
  const out: WelcomeMessage[][] = [];
  let patterns = 0;
  for (const pattern of historyPatterns(candidates)) {
    if (++patterns > MAX_HISTORY_PATTERNS) {
      throw new Error(`the parts of a Welcome to node ${m.node} at slot ${m.slot} carry more than ${MAX_HISTORY_PATTERNS} combinations of histories: replicas at one slot hold different histories`);
    }
    const choice = coverAll(pattern, needed, decisionKeysOf);
    if (choice !== null) out.push(choice);
  }
  return out;
}

function* decisionKeysOf(w: WelcomeMessage): Iterable<string> {
  for (const d of w.decisions) yield slotPropKey(d);
}

/**
 * One assembly per distinct history the assemblies install (each part the first candidate of
 * its index carrying that part's history), as they are asked for: what a checker reads when it
 * needs the history alone (welcomeHistories.ts). One while the replicas at the Welcome's slot agree.
 */
export function* historyAssemblies(m: WelcomeMessage, msgs: Iterable<SpecMessage>, rules: AssemblyRules = CORRECT_ASSEMBLY): Generator<WelcomeMessage[]> {
  for (const pattern of historyPatterns(partCandidates(m, msgs, rules))) yield pattern.map((c) => c[0]!);
}

/**
 * The candidates of each index grouped by the history they carry, and every choice of one
 * group per index: for each, the candidates of the chosen groups. An odometer over the groups.
 */
function* historyPatterns(candidates: readonly WelcomeMessage[][]): Generator<WelcomeMessage[][]> {
  const groups = candidates.map((c) => {
    const byHistory = new Map<string, WelcomeMessage[]>();
    for (const w of c) {
      const h = welcomeHistoryKey(w.executed);
      const g = byHistory.get(h);
      if (g === undefined) byHistory.set(h, [w]); else g.push(w);
    }
    return [...byHistory.values()];
  });
  if (groups.some((g) => g.length === 0)) return;
  const pick = groups.map(() => 0);
  for (;;) {
    yield groups.map((g, i) => g[pick[i]!]!);
    let i = 0;
    while (i < pick.length && ++pick[i]! === groups[i]!.length) pick[i++] = 0;
    if (i === pick.length) return;
  }
}
