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
 * left that no later index can bring.
 */
export function coverAll<T>(candidates: readonly (readonly T[])[], needed: ReadonlyMap<string, number>, itemsOf: (part: T) => Iterable<string>): T[] | null {
  const k = candidates.length;
  // Per index and candidate: the needed items it brings.
  const brings = candidates.map((c) => c.map((w) => {
    const xs: number[] = [];
    for (const key of itemsOf(w)) { const j = needed.get(key); if (j !== undefined) xs.push(j); }
    return xs;
  }));
  // Per needed item, the last index any candidate brings it at; after that index it must be had.
  const last = new Array<number>(needed.size).fill(-1);
  brings.forEach((c, i) => { for (const xs of c) for (const j of xs) last[j] = i; });
  if (last.some((i) => i < 0)) return null;
  const dueAt: number[][] = Array.from({ length: k }, () => []);
  last.forEach((i, j) => dueAt[i]!.push(j));
  const have = new Uint32Array(needed.size);
  const chosen: T[] = [];
  let visited = 0;
  const search = (i: number): boolean => {
    if (i === k) return true;
    if (++visited > MAX_SEARCH) throw new Error(`no choice of parts found in ${MAX_SEARCH} tries for a message in ${k} parts: the search gave up`);
    // The candidates that bring the most first: usually the first choice completes the cover.
    const order = brings[i]!.map((_, c) => c).sort((a, b) => brings[i]![b]!.length - brings[i]![a]!.length);
    for (const c of order) {
      for (const j of brings[i]![c]!) have[j]!++;
      chosen.push(candidates[i]![c]!);
      if (dueAt[i]!.every((j) => have[j]! > 0) && search(i + 1)) return true;
      chosen.pop();
      for (const j of brings[i]![c]!) have[j]!--;
    }
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
