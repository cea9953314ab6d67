/**
 * The spec's Welcome-part operators (src/trace/spec/welcomeParts.ts): k segments of a history
 * or of a set of decisions cover it in order, each once; one part is the whole Welcome as
 * before parts; and assembling picks one part per index of one slot (the mutants' rules widen it).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assemblies, decisionSegment, decisionSegments, segment, welcomePart, welcomeParts } from '../../../src/trace/spec/welcomeParts.js';
import type { Proposal, SlotProp, SpecMessage } from '../../../src/trace/format/types.js';

const req = (clientId: number): Proposal => ({ caller: 1, clientId, input: 'op' });
const decisions = (slots: number[]): SlotProp[] => slots.map((slot) => ({ slot, prop: req(slot) }));

describe('segments', () => {
  it('k segments of a sequence are contiguous, in order, and sized within one of each other', () => {
    fc.assert(fc.property(fc.array(fc.integer(), { maxLength: 40 }), fc.integer({ min: 1, max: 12 }), (q, k) => {
      const parts = Array.from({ length: k }, (_, i) => segment(q, i + 1, k));
      expect(parts.flat()).toEqual(q);
      const sizes = parts.map((p) => p.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }));
  });

  it('k decision segments partition the decisions by slot order, whatever order the set is listed in', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { maxLength: 30 }), fc.integer({ min: 1, max: 8 }), (slots, k) => {
      const d = decisions(slots);
      const parts = Array.from({ length: k }, (_, i) => decisionSegment(d, i + 1, k).map((x) => x.slot).sort((a, b) => a - b));
      expect(parts.flat()).toEqual([...slots].sort((a, b) => a - b));
    }));
  });

  it('ranked once for all parts, the segments are the spec\'s DecisionSegment(D, i, k) for each i, slots shared or not, in D\'s order', () => {
    // The TLA+ definition read literally: SlotRank(D, d) counts the elements with a lower slot.
    const specSegment = (d: readonly SlotProp[], i: number, k: number): SlotProp[] => d.filter((x) => {
      const rank = d.filter((e) => e.slot < x.slot).length + 1;
      return Math.floor(((i - 1) * d.length) / k) < rank && rank <= Math.floor((i * d.length) / k);
    });
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 30 }), fc.integer({ min: 1, max: 12 }), (slots, k) => {
      const d = decisions(slots);
      const all = decisionSegments(d, k);
      expect(all).toHaveLength(k);
      for (let i = 1; i <= k; i++) {
        expect(all[i - 1]).toEqual(specSegment(d, i, k));
        expect(decisionSegment(d, i, k)).toEqual(specSegment(d, i, k));
      }
      expect(welcomeParts(2, 9, d, [], k).map((w) => (w as { decisions: SlotProp[] }).decisions)).toEqual(k === 1 ? [d] : all);
    }));
  });

  it('one part is the whole Welcome, with no part fields (as before parts)', () => {
    const w = welcomePart(2, 4, decisions([3, 1]), [req(1), req(2), req(3)], 1, 1);
    expect(w).toEqual({ type: 'Welcome', node: 2, slot: 4, decisions: decisions([3, 1]), executed: [req(1), req(2), req(3)] });
  });

  it('two parts of a history of one: the first empty, the second holding it (the spec\'s Segment)', () => {
    const [a, b] = welcomeParts(2, 2, decisions([1]), [req(1)], 2);
    expect(a).toMatchObject({ part: 1, parts: 2, decisions: [], executed: [] });
    expect(b).toMatchObject({ part: 2, parts: 2, decisions: decisions([1]), executed: [req(1)] });
  });
});

describe('assemblies', () => {
  const at2 = welcomeParts(2, 2, decisions([1]), [req(1)], 2) as Array<Extract<SpecMessage, { type: 'Welcome' }>>;
  const at3 = welcomeParts(2, 3, decisions([1, 2]), [req(1), req(2)], 2) as Array<Extract<SpecMessage, { type: 'Welcome' }>>;
  const msgs: SpecMessage[] = [...at2, ...at3, { type: 'Join', node: 2 }];

  it('takes the parts of the received part\'s slot only, the received one at its index', () => {
    expect(assemblies(at3[1]!, msgs)).toEqual([[at3[0], at3[1]]]);
    expect(assemblies(at3[1]!, [at3[1]!])).toEqual([]); // part 1 was never sent: nothing to install
  });

  it('WelcomeMixesParts also takes parts of other slots; WelcomeMissingPart leaves out the last', () => {
    expect(assemblies(at3[1]!, msgs, { mixSlots: true, missingPart: false })).toEqual([[at2[0], at3[1]], [at3[0], at3[1]]]);
    expect(assemblies(at3[0]!, msgs, { mixSlots: false, missingPart: true })).toEqual([[at3[0]]]);
  });
});
