/**
 * The byte layout of docs/snapshots.md, written out by hand: a port that follows the document
 * must produce these bytes, and a change to the format must change the document with it.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bank } from '../../src/statemachines/bank.js';
import { kv } from '../../src/statemachines/kv.js';
import { bankState, kvState } from './states.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const withChecksum = (bytes: Uint8Array): Uint8Array =>
  Uint8Array.of(...bytes, ...createHash('sha256').update(bytes).digest().subarray(0, 8));

describe('snapshot byte layout (docs/snapshots.md)', () => {
  it('kv { a: "é" }', () => {
    const expected = withChecksum(hex(`
      50 58 53 4e   00 01   02 6b 76   00 00 00 10
      00 00 00 01
      00 00 00 01  00 61   00 00 00 01  00 e9`));
    const bytes = kv.snapshot(kvState({ a: 'é' }));
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
    expect(bytes.length).toBe(37);
  });

  it('bank { bob: 5, al: 2^32 + 7 }: accounts in ascending name order, balances as u64', () => {
    const expected = withChecksum(hex(`
      50 58 53 4e   00 01   04 62 61 6e 6b   00 00 00 26
      00 00 00 02
      00 00 00 02  00 61 00 6c        00 00 00 01 00 00 00 07
      00 00 00 03  00 62 00 6f 00 62  00 00 00 00 00 00 00 05`));
    const bytes = bank.snapshot(bankState({ bob: 5, al: 2 ** 32 + 7 }));
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
  });
});
