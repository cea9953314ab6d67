/**
 * Choosing one part per index of a message sent in parts (a Welcome's, a Promise's) so that the
 * parts together bring given items (decisions, pvalues). The spec's steps take every such choice
 * (PartsOf, PromisePartsOf); a trace checker knows what the step must leave and asks only for a
 * choice that leaves it. Listing every choice costs the product of the candidates per index: a
 * Welcome in 46 parts sent again at one slot made 2^45 of them (welcomeParts.ts).
 */

/** Steps of one search, at most (only a contrived set of parts comes near). */
const MAX_SEARCH = 1_000_000;

/**
 * One candidate per index whose items (`itemsOf`, by key) together include every key of
 * `needed`, or null if there is none. Depth-first; a branch stops as soon as a needed item is
 * left that no later index can bring. At each index the candidates that bring the most items
 * not yet had go first, so a run of parts of one sender is followed: four replicas' Welcomes
 * in 58 parts at one slot (a 200 s chaos run), each split at other places, took the search past
 * a million steps when a part that brought two items already had went before one that brought
 * the next (test/trace/partCover.test.ts). A branch that failed is not searched again: what the
 * indices from i on can still do depends only on which of the items they can bring an earlier
 * index already brought, so that set, with i, names it (a bound on repeated work; on that
 * Welcome it does not save the old order, the order does).
 */
export function coverAll<T>(candidates: readonly (readonly T[])[], needed: ReadonlyMap<string, number>, itemsOf: (part: T) => Iterable<string>): T[] | null {
  const k = candidates.length;
  // Per index and candidate: the needed items it brings.
  const brings = candidates.map((c) => c.map((w) => {
    const xs: number[] = [];
    for (const key of itemsOf(w)) { const j = needed.get(key); if (j !== undefined) xs.push(j); }
    return xs;
  }));
  // Per needed item, the first and last index any candidate brings it at; after the last it must be had.
  const first = new Array<number>(needed.size).fill(k);
  const last = new Array<number>(needed.size).fill(-1);
  brings.forEach((c, i) => { for (const xs of c) for (const j of xs) { first[j] = Math.min(first[j]!, i); last[j] = i; } });
  if (last.some((i) => i < 0)) return null;
  const dueAt: number[][] = Array.from({ length: k }, () => []);
  last.forEach((i, j) => dueAt[i]!.push(j));
  // Per index i: the items an index before i and one at or after i can both bring (what names a branch at i).
  const open: number[][] = Array.from({ length: k }, () => []);
  first.forEach((f, j) => { for (let i = f + 1; i <= last[j]!; i++) open[i]!.push(j); });
  const have = new Uint32Array(needed.size);
  const failed = new Set<string>();
  const chosen: T[] = [];
  let visited = 0;
  const fresh = (xs: readonly number[]): number => { let n = 0; for (const j of xs) if (have[j] === 0) n++; return n; };
  const search = (i: number): boolean => {
    if (i === k) return true;
    const branch = `${i}:${open[i]!.filter((j) => have[j]! > 0).join()}`;
    if (failed.has(branch)) return false;
    if (++visited > MAX_SEARCH) throw new Error(`no choice of parts found in ${MAX_SEARCH} tries for a message in ${k} parts: the search gave up`);
    const gain = brings[i]!.map(fresh);
    const order = gain.map((_, c) => c).sort((a, b) => gain[b]! - gain[a]!);
    for (const c of order) {
      for (const j of brings[i]![c]!) have[j]!++;
      chosen.push(candidates[i]![c]!);
      if (dueAt[i]!.every((j) => have[j]! > 0) && search(i + 1)) return true;
      chosen.pop();
      for (const j of brings[i]![c]!) have[j]!--;
    }
    failed.add(branch);
    return false;
  };
  return search(0) ? chosen : null;
}

/** The keys of `after` that `held` does not hold, numbered (coverAll's `needed`). */
export function neededOf(after: ReadonlySet<string>, held: (key: string) => boolean): Map<string, number> {
  const needed = new Map<string, number>();
  for (const key of after) if (!held(key)) needed.set(key, needed.size);
  return needed;
}
