/**
 * maxWelcomeBytes and maxPromiseBytes bound a part's JSON in UTF-8 bytes, as a frame carries it
 * (fewestParts.ts). A part measured in UTF-16 units instead passes the bound with up to twice
 * (three times for CJK) the bytes: the ASCII messages of the other tests cannot tell the two
 * units apart, so these carry mostly non-ASCII text.
 */
import { describe, expect, it } from 'vitest';
import type { Promise, Welcome } from '../../src/protocol/messages.js';
import type { PValue } from '../../src/protocol/values.js';
import { utf8Length } from '../../src/protocol/fewestParts.js';
import { assembleWelcome, splitWelcome } from '../../src/protocol/welcomeParts.js';
import { splitPromise } from '../../src/protocol/promiseParts.js';

const B = { num: 2, leader: 1 };
// 'é' is one UTF-16 unit and two UTF-8 bytes; '訊' one unit and three bytes.
const req = (clientId: number) => ({ caller: 2, clientId, input: `${'訊'.repeat(40)}${'é'.repeat(40)}${clientId}` });
const WHOLE: Welcome = {
  type: 'Welcome', node: 3, slot: 21,
  decisions: Array.from({ length: 10 }, (_, i) => ({ slot: 11 + i, prop: req(100 + i) })),
  executed: Array.from({ length: 10 }, (_, i) => req(i + 1)),
  state: { app: { note: '訊'.repeat(600) }, outputs: Array.from({ length: 10 }, (_, i) => 'é'.repeat(20 + i)) },
};
const pvalue = (slot: number): PValue => ({ ballot: B, slot, prop: req(slot) });
const PROMISE: Promise = { type: 'Promise', acceptor: 2, ballot: B, promised: B, accepted: Array.from({ length: 24 }, (_, i) => pvalue(i + 1)) };
/** Bounds from a tenth of the message to just under it: every part count split picks is tried. */
const boundsUnder = (size: number): number[] => Array.from({ length: 40 }, (_, i) => Math.floor(size / 10 + (i * size * 0.85) / 40));

describe('parts fit their byte bound when the text is not ASCII', () => {
  it('every part of a Welcome fits maxWelcomeBytes in UTF-8 bytes, and the parts make the whole', () => {
    const size = utf8Length(JSON.stringify(WHOLE));
    // The premise: counted in UTF-16 units this Welcome is far smaller.
    expect(JSON.stringify(WHOLE).length).toBeLessThan(size * 0.6);
    for (const maxBytes of boundsUnder(size)) {
      const parts = splitWelcome(WHOLE, maxBytes);
      expect(parts.length).toBeGreaterThan(1);
      for (const p of parts) expect(utf8Length(JSON.stringify(p)), `a part at maxWelcomeBytes ${maxBytes} of ${parts.length}`).toBeLessThanOrEqual(maxBytes);
      expect(assembleWelcome(parts)).toEqual(WHOLE);
    }
  });

  it('every part of a Promise fits maxPromiseBytes in UTF-8 bytes, with every pvalue once', () => {
    const size = utf8Length(JSON.stringify(PROMISE));
    expect(JSON.stringify(PROMISE).length).toBeLessThan(size * 0.7);
    for (const maxBytes of boundsUnder(size)) {
      const parts = splitPromise(PROMISE, maxBytes);
      expect(parts.length).toBeGreaterThan(1);
      for (const p of parts) expect(utf8Length(JSON.stringify(p)), `a part at maxPromiseBytes ${maxBytes} of ${parts.length}`).toBeLessThanOrEqual(maxBytes);
      expect(parts.flatMap((p) => p.accepted.map((pv) => pv.slot))).toEqual(PROMISE.accepted.map((pv) => pv.slot));
    }
  });
});
