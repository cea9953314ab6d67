/**
 * Part i of a Promise in k parts carries the spec's i-th segment of the pvalues
 * (DecisionSegment: the first segments the shorter), so a part projects onto the message
 * AcceptorReceivePrepare(n, m, k) sends. Cutting by another rule (ceil(n / k) a part, say)
 * still delivers every pvalue, so only a comparison with the spec's segments shows it: the
 * trace checker then finds messages the spec never sends.
 */
import { describe, expect, it } from 'vitest';
import type { Promise } from '../../src/protocol/messages.js';
import { promisePartsFrom } from '../../src/protocol/promiseParts.js';
import { promiseParts } from '../../src/trace/spec/promiseParts.js';

const B = { num: 2, leader: 1 };
// A pvalue of one request: the code's PValue and the spec encoding's alike.
const pvalue = (slot: number) => ({ ballot: { num: 1, leader: 3 }, slot, prop: { caller: 3, clientId: slot, input: `${slot}` } });
const slotsOf = (accepted: readonly { slot: number }[]): number[] => accepted.map((pv) => pv.slot).sort((a, b) => a - b);

describe('a Promise in parts carries the spec\'s segments', () => {
  it('part i of k holds exactly the pvalues of the spec\'s i-th segment, for every count of pvalues and parts', () => {
    for (let n = 1; n <= 13; n++) {
      // Accepted out of slot order (here the reverse), and a mark: the acceptor's list is in the order first accepted.
      const accepted = Array.from({ length: n }, (_, i) => pvalue(n - i + 3));
      const whole: Promise = { type: 'Promise', acceptor: 2, ballot: B, promised: B, accepted, mark: 4 };
      // splitPromise's counts: 2 up to one pvalue a part.
      for (let k = 2; k <= Math.max(2, n); k++) {
        const code = promisePartsFrom(whole, k);
        const spec = promiseParts(2, B, B, accepted, 4, k) as Promise[];
        expect(code.map((p) => slotsOf(p.accepted)), `${n} pvalues in ${k} parts`).toEqual(spec.map((p) => slotsOf(p.accepted)));
        expect(code.map((p) => [p.part, p.parts, p.mark])).toEqual(spec.map((p) => [p.part, p.parts, p.mark]));
      }
    }
  });
});
