/**
 * The simulator's own storage pieces: the byte count it keeps without serialising records,
 * and the one-fold storage that survives a node's crashes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonStringBytes, recordBytes } from '../../src/sim/recordBytes.js';
import { SimStorage } from '../../src/sim/simStorage.js';
import { recordFileBytes } from '../../src/storage/record.js';
import type { DurableRecord } from '../../src/storage/types.js';

const count = fc.oneof(fc.nat(20), fc.nat(), fc.maxSafeNat());
const ballot = fc.record({ num: count, leader: count });
/** Strings with quotes, backslashes, controls, non-ASCII, pairs and lone surrogates. */
const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0001', '\u007f', 'é', '€', '\ud83d', '\ude00', '\ud83d\ude00', 'a') }),
);
const request = fc.record({ caller: count, clientId: count, input: text });
/** One request, or a batch of two or more (values.ts LongBatch). */
const batch = fc.oneof(request, fc.record({ batch: fc.array(request, { minLength: 2, maxLength: 5 }) }));
const record: fc.Arbitrary<DurableRecord> = fc.oneof(
  fc.record({ kind: fc.constant('promise' as const), ballot }),
  fc.record({ kind: fc.constant('leaderBallot' as const), ballot }),
  fc.record({ kind: fc.constant('compact' as const), belowSlot: count }),
  fc.record({
    kind: fc.constant('accept' as const),
    pvalue: fc.record({ ballot, slot: count, prop: batch }),
  }),
  fc.record({ kind: fc.constant('snapshot' as const), slot: fc.integer({ min: 2, max: 1000 }), state: fc.uint8Array({ maxLength: 40 }) }),
);

describe('recordBytes', () => {
  it('equals recordFileBytes (the JSON text in UTF-8 and its frame) on arbitrary records, batches included', () => {
    fc.assert(fc.property(record, (r) => {
      expect(recordBytes(r)).toBe(recordFileBytes(r));
    }), { seed: 7, numRuns: 2000 });
  });

  it('counts JSON string escapes and UTF-8 as JSON.stringify and Buffer do', () => {
    for (const s of ['', 'plain', '"q"', 'a\\b', '\b\t\n\f\r', '\u0000\u001f', '\u007f', 'é€', '\ud83d\ude00', '\ud83d', '\ude00x', 'x\ud83d']) {
      expect(jsonStringBytes(s)).toBe(Buffer.byteLength(JSON.stringify(s)));
    }
  });

  it('falls back to the serialiser for numbers a log file would not hold', () => {
    const odd = { kind: 'promise', ballot: { num: 1.5, leader: -1 } } as DurableRecord;
    expect(recordBytes(odd)).toBe(recordFileBytes(odd));
  });
});

describe('SimStorage', () => {
  const promise = (num: number): DurableRecord => ({ kind: 'promise', ballot: { num, leader: 1 } });

  it('recovers what was synced and loses what was appended after the last sync', () => {
    const s = new SimStorage(1);
    expect(s.load()).toBeUndefined();
    s.append([promise(1), { kind: 'accept', pvalue: { ballot: { num: 1, leader: 1 }, slot: 1, prop: { caller: 1, clientId: 1, input: 'x' } } }], false);
    expect(s.load()).toBeUndefined();
    s.sync();
    s.append([promise(5)], false);
    s.crash();
    s.sync();
    const state = s.load()!;
    expect(state.aBallot).toEqual({ num: 1, leader: 1 });
    expect(state.aAccepted.map((pv) => pv.slot)).toEqual([1]);
  });

  it('keeps its own frozen copy of a record the caller may reuse', () => {
    const s = new SimStorage(1);
    const r = { kind: 'promise', ballot: { num: 2, leader: 1 } } as { kind: 'promise'; ballot: { num: number; leader: number } };
    s.append([r], false);
    s.sync();
    r.ballot.num = 9;
    expect(s.load()!.aBallot).toEqual({ num: 2, leader: 1 });
  });

  it('refuses a malformed record on append and a promise that goes down on sync', () => {
    const s = new SimStorage(1);
    expect(() => s.append([{ kind: 'promise', ballot: { num: -1, leader: 1 } }], false)).toThrow(/malformed/);
    s.append([promise(3)], false);
    s.sync();
    s.append([promise(2)], false);
    expect(() => s.sync()).toThrow(/lower the promised ballot/);
  });
});
