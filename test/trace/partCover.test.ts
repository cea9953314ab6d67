/**
 * coverAll (src/trace/spec/partCover.ts) on what a 200 s chaos run sent: four replicas answered
 * one Join at one slot, each with a Welcome in 58 parts, each splitting its decisions at other
 * places. The search must find the one sender's run of parts that brings every decision (the
 * old search gave up after a million steps), and find a cover exactly when one exists.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { coverAll } from '../../src/trace/spec/partCover.js';

interface Part { readonly sender: string; readonly items: readonly number[] }

/**
 * The decisions each candidate part brought, per index, at the Welcome the search gave up on
 * (numbered 0..101 in the order the checker numbered the decisions the install had to leave):
 * three runs of parts, one per sender whose parts were all within those decisions.
 */
const CHAOS_PARTS: number[][][] = [
  [[0]],
  [[2,1]],
  [[4,3]],
  [[6,5]],
  [[7]],
  [[9,8]],
  [[11,10]],
  [[13,12]],
  [[14]],
  [[16,15]],
  [[18,17]],
  [[20,19]],
  [[21]],
  [[23,22]],
  [[25,24]],
  [[27,26]],
  [[28], [3,2]],
  [[30,29], [5,4]],
  [[32,31], [8,7,6]],
  [[34,33], [10,9]],
  [[35], [12,11]],
  [[37,36], [15,14,13]],
  [[39,38], [17,16]],
  [[41,40], [20,19,18]],
  [[42], [22,21]],
  [[44,43], [24,23]],
  [[4,3,2], [46,45], [27,26,25]],
  [[7,6,5], [48,47], [29,28]],
  [[10,9,8], [50,49], [32,31,30]],
  [[13,12,11], [51], [34,33]],
  [[16,15,14], [53,52], [36,35]],
  [[19,18,17], [55,54], [39,38,37]],
  [[20,21,22], [57,56], [41,40]],
  [[23,24,25,26], [58], [43,42]],
  [[27,28,29], [60,59], [46,45,44]],
  [[30,31,32], [62,61], [48,47]],
  [[33,34,35], [64,63], [51,50,49]],
  [[36,37,38], [65], [53,52]],
  [[39,40,41], [67,66], [55,54]],
  [[42,43,44], [69,68], [58,57,56]],
  [[45,46,47], [71,70], [60,59]],
  [[48,49,50,51], [72], [62,61]],
  [[52,53,54], [74,73], [63,64,65]],
  [[55,56,57], [76,75], [66,67]],
  [[58,59,60], [78,77], [68,69,70]],
  [[61,62,63], [79], [71,72]],
  [[64,65,66], [81,80], [73,74]],
  [[67,68,69], [83,82], [75,76,77]],
  [[70,71,72], [85,84], [78,79]],
  [[73,74,75,76], [86], [80,81]],
  [[77,78,79], [88,87], [82,83,84]],
  [[80,81,82], [90,89], [85,86]],
  [[83,84,85], [92,91], [87,88,89]],
  [[86,87,88], [93], [90,91]],
  [[89,90,91], [95,94], [92,93]],
  [[92,93,94], [97,96], [94,95,96]],
  [[95,96,97], [99,98], [97,98]],
  [[100,101]],
];

function chaosShape(): { candidates: Part[][]; needed: Map<string, number> } {
  const candidates = CHAOS_PARTS.map((c, i) => c.map((items, x) => ({ sender: `${i}.${x}`, items })));
  const needed = new Map(Array.from({ length: 102 }, (_, j) => [String(j), j]));
  return { candidates, needed };
}

const itemsOf = (p: Part): string[] => p.items.map(String);

describe('coverAll on Welcomes of several senders split at different places', () => {
  it('finds the one sender whose parts bring every item', () => {
    const { candidates, needed } = chaosShape();
    expect(candidates.filter((c) => c.length > 1).length).toBeGreaterThan(40);
    const cover = coverAll(candidates, needed, itemsOf);
    expect(cover).not.toBeNull();
    const got = new Set(cover!.flatMap(itemsOf));
    expect([...needed.keys()].filter((key) => !got.has(key))).toEqual([]);
    expect(cover!.length).toBe(candidates.length);
    cover!.forEach((p, i) => expect(candidates[i]).toContain(p));
  });

  it('finds a cover exactly when one exists (against every choice, on small random sets)', () => {
    fc.assert(fc.property(
      fc.array(fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 4 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 1, max: 10 }),
      (sets, n) => {
        const candidates: Part[][] = sets.map((c, i) => c.map((items, x) => ({ sender: `${i}.${x}`, items })));
        const needed = new Map(Array.from({ length: n }, (_, j) => [String(j), j]));
        const covers = (choice: readonly Part[]): boolean => { const got = new Set(choice.flatMap(itemsOf)); return [...needed.keys()].every((key) => got.has(key)); };
        let exists = false;
        const every = (i: number, prefix: Part[]): void => {
          if (exists) return;
          if (i === candidates.length) { exists = covers(prefix); return; }
          for (const p of candidates[i]!) every(i + 1, [...prefix, p]);
        };
        every(0, []);
        const cover = coverAll(candidates, needed, itemsOf);
        expect(cover !== null).toBe(exists);
        if (cover !== null) {
          expect(covers(cover)).toBe(true);
          cover.forEach((p, i) => expect(candidates[i]).toContain(p));
        }
      },
    ), { numRuns: 2000 });
  });
});
