/**
 * A set of positive integers stored as sorted, disjoint, non-adjacent closed ranges.
 *
 * Why ranges: a caller's client ids come from a counter (the simulator counts from 1, a
 * Member from its start time times 1000), so the ids executed so far are a few runs, one per
 * incarnation of the caller, plus short-lived holes while requests execute out of order and
 * one hole per request abandoned before it was decided. The set is exact (membership is
 * never approximated) and its size is that number of runs, not the number of ids.
 */
export class IdRanges {
  /** [lo0, hi0, lo1, hi1, ...], ascending, with lo(k+1) > hi(k) + 1. */
  private bounds: number[] = [];

  /** Number of ranges: what this set costs in memory. */
  get rangeCount(): number {
    return this.bounds.length / 2;
  }

  has(id: number): boolean {
    const k = this.rangeAtOrBefore(id);
    return k >= 0 && id <= this.bounds[2 * k + 1]!;
  }

  /** Adds `id`; merges with the ranges it touches. */
  add(id: number): void {
    const b = this.bounds;
    const k = this.rangeAtOrBefore(id);
    if (k >= 0 && id <= b[2 * k + 1]!) return;
    const joinsLeft = k >= 0 && b[2 * k + 1]! === id - 1;
    const next = k + 1;
    const joinsRight = 2 * next < b.length && b[2 * next]! === id + 1;
    if (joinsLeft && joinsRight) {
      b[2 * k + 1] = b[2 * next + 1]!;
      b.splice(2 * next, 2);
    } else if (joinsLeft) {
      b[2 * k + 1] = id;
    } else if (joinsRight) {
      b[2 * next] = id;
    } else {
      b.splice(2 * next, 0, id, id);
    }
  }

  /**
   * This set with `id` added, as a new set (this one, when it holds `id` already); this set is
   * not changed. For values shared between versions, as the spec's ExecutedIds are.
   */
  with(id: number): IdRanges {
    if (this.has(id)) return this;
    const next = new IdRanges();
    next.bounds = this.bounds.slice();
    next.add(id);
    return next;
  }

  /** An IdRanges again after a structured clone (a thread crossing keeps the fields, drops the class). */
  static revive(x: IdRanges | { readonly bounds: readonly number[] }): IdRanges {
    if (x instanceof IdRanges) return x;
    const set = new IdRanges();
    set.bounds = x.bounds.slice();
    return set;
  }

  /** The ranges as [lo, hi] pairs, ascending (what a snapshot stores). */
  toPairs(): [number, number][] {
    const pairs: [number, number][] = [];
    for (let i = 0; i < this.bounds.length; i += 2) pairs.push([this.bounds[i]!, this.bounds[i + 1]!]);
    return pairs;
  }

  /**
   * The set `toPairs` wrote. Throws a RangeError naming the problem when the pairs are not
   * ascending, disjoint, non-adjacent ranges of positive safe integers: one encoding per set.
   */
  static fromPairs(pairs: readonly (readonly [number, number])[]): IdRanges {
    const set = new IdRanges();
    let previousHi = -1;
    for (const [i, pair] of pairs.entries()) {
      const [lo, hi] = pair;
      if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo < 1 || hi < lo) throw new RangeError(`range ${i} [${lo}, ${hi}] is not a range of positive integers`);
      if (lo <= previousHi + 1) throw new RangeError(`range ${i} [${lo}, ${hi}] overlaps or touches the one before it`);
      set.bounds.push(lo, hi);
      previousHi = hi;
    }
    return set;
  }

  /** Index of the last range whose lo <= id, or -1. Binary search: O(log ranges). */
  private rangeAtOrBefore(id: number): number {
    let lo = 0;
    let hi = this.bounds.length / 2 - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.bounds[2 * mid]! <= id) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
