/**
 * maskSetKey writes a commander's acks from their node mask: it must be numSetKey's text for
 * every set of node numbers the mask can hold (0..30, repeated or not, in any order).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskSetKey, numSetKey } from '../../src/trace/format/keys.js';
import { nodeMask } from '../../src/trace/format/slotKeys.js';

describe('maskSetKey', () => {
  it("equals numSetKey of the nodes whose mask it is", () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 12 }), (nodes) => {
      expect(maskSetKey(nodeMask(nodes))).toBe(numSetKey(nodes));
    }), { numRuns: 2000 });
  });
});
