import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bank } from '../../src/statemachines/bank.js';
import { kv, MAX_VALUE_LENGTH } from '../../src/statemachines/kv.js';
import { readSnapshotFrame, SnapshotFormatError, SnapshotWriter, writeSnapshotFrame } from '../../src/statemachines/snapshotFormat.js';
import { bankInput, kvInput, run } from './snapshotArbitraries.js';
import { MAX_NAME_LENGTH } from '../../src/statemachines/types.js';
import { bankState, kvState } from './states.js';

/** A snapshot of three accounts with money in them: the valid bytes the cases below spoil. */
function sampleBank(): Uint8Array {
  const inputs = ['alice', 'bob', 'carol'].map((account) => ({ op: 'open', account }));
  return bank.snapshot(run(bank, bank.initial(), [...inputs, { op: 'deposit', account: 'bob', amount: 42 }])[0]);
}

/** A frame with a valid checksum around a body written by hand: what a buggy or hostile writer sends. */
function crafted(app: string, write: (w: SnapshotWriter) => void): Uint8Array {
  const w = new SnapshotWriter();
  write(w);
  return writeSnapshotFrame(app, w.finish());
}

function expectRefused(restore: () => unknown, message: RegExp): void {
  expect(restore).toThrow(SnapshotFormatError);
  expect(restore).toThrow(message);
}

describe('restore of bad bytes names what is wrong', () => {
  it('every truncation of a valid snapshot is refused as truncated', () => {
    const bytes = sampleBank();
    for (let n = 0; n < bytes.length; n++) expectRefused(() => bank.restore(bytes.subarray(0, n)), /truncated/);
  });

  it('trailing bytes after the declared length are refused', () => {
    const bytes = sampleBank();
    expectRefused(() => bank.restore(Uint8Array.of(...bytes, 0)), /1 trailing bytes/);
  });

  it('bytes that are not a snapshot, another version, or another app are refused before the body is read', () => {
    const bytes = sampleBank();
    const other = Uint8Array.from(bytes);
    other[0] = 0x7b; // "{": a JSON text, say
    expectRefused(() => bank.restore(other), /not a snapshot \(magic/);
    const future = Uint8Array.from(bytes);
    future[5] = 2;
    expectRefused(() => bank.restore(future), /unsupported format version 2; this build reads version 1/);
    expectRefused(() => kv.restore(bytes), /cannot restore kv snapshot: it is a snapshot of app "bank"/);
    expectRefused(() => bank.restore('PXSN' as unknown as Uint8Array), /expected a Uint8Array/);
    const past = Uint8Array.from(bytes);
    past[5] = 0;
    expectRefused(() => bank.restore(past), /unsupported format version 0; this build reads version 1/);
    const nameless = Uint8Array.from(bytes);
    nameless[6] = 0;
    expectRefused(() => bank.restore(nameless), /app name length 0 is not in 1..16/);
  });

  it('the writer refuses an app name the reader would refuse', () => {
    for (const app of ['', 'Bank', 'my bank', 'a'.repeat(17)]) expect(() => writeSnapshotFrame(app, new Uint8Array(0)), app).toThrow(/app name must be 1..16 of a-z, 0-9, -/);
    expect(() => readSnapshotFrame('a-1', writeSnapshotFrame('a-1', new Uint8Array(0)))).not.toThrow();
  });

  it('a change to any byte of the body or checksum is refused as corrupted', () => {
    const bytes = sampleBank();
    const bodyStart = 4 + 2 + 1 + 'bank'.length + 4;
    for (let i = bodyStart; i < bytes.length; i++) {
      const spoiled = Uint8Array.from(bytes);
      spoiled[i]! ^= 0x01;
      expectRefused(() => bank.restore(spoiled), /checksum mismatch/);
    }
  });

  it('absurd counts and lengths are refused before any loop or allocation', () => {
    expectRefused(() => bank.restore(crafted('bank', (w) => w.u32(0xffff_ffff))), /account count 4294967295 cannot fit in the 0 bytes left/);
    expectRefused(() => kv.restore(crafted('kv', (w) => { w.u32(1); w.u32(0x7fff_ffff); w.u32(0); w.u32(0); })), /entry 0 key length 2147483647 exceeds the limit 64/);
    expectRefused(() => kv.restore(crafted('kv', (w) => { w.u32(1); w.string('k'); w.u32(MAX_VALUE_LENGTH + 1); })), /value of "k" length 4097 exceeds the limit 4096/);
  });

  it('a body shorter than its entries say is refused, naming the field', () => {
    expectRefused(() => bank.restore(crafted('bank', (w) => { w.u32(1); w.string('alice'); w.u32(0); })), /balance of "alice" needs 8 bytes/);
  });

  it('values apply could never produce are refused', () => {
    expectRefused(() => bank.restore(crafted('bank', (w) => { w.u32(1); w.string(''); w.u64(0); w.u32(0); })), /account 0 has an empty name/);
    expectRefused(() => bank.restore(crafted('bank', (w) => { w.u32(1); w.string('a'); w.u32(0x0020_0000); w.u32(0); })), /above the largest exact integer/);
    const twoHalves = Math.ceil(Number.MAX_SAFE_INTEGER / 2) + 1;
    expectRefused(() => bank.restore(crafted('bank', (w) => { w.u32(2); w.string('a'); w.u64(twoHalves); w.string('b'); w.u64(twoHalves); })), /total of balances/);
    expectRefused(() => kv.restore(crafted('kv', (w) => { w.u32(2); w.string('b'); w.string('1'); w.string('a'); w.string('2'); })), /key "a" follows "b": keys must be unique and ascending/);
    expectRefused(() => kv.restore(crafted('kv', (w) => { w.u32(2); w.string('a'); w.string('1'); w.string('a'); w.string('2'); })), /key "a" follows "a"/);
    expectRefused(() => kv.restore(crafted('kv', (w) => { w.u32(1); w.string('a'); w.string('1'); w.u32(7); })), /4 unexpected bytes after the last entry/);
    expectRefused(() => kv.restore(crafted('kv', (w) => { w.u32(1); w.string(''); w.string('1'); })), /entry 0 has an empty key/);
  });

  it('snapshot refuses a state that restore would refuse, so every snapshot written can be read', () => {
    expect(() => kv.snapshot(kvState({ k: 'x'.repeat(MAX_VALUE_LENGTH + 1) }))).toThrow(/cannot snapshot kv/);
    expect(() => kv.snapshot(kvState({ ['k'.repeat(MAX_NAME_LENGTH + 1)]: 'x' }))).toThrow(new RegExp(`cannot snapshot kv: key of ${MAX_NAME_LENGTH + 1} characters`));
    expect(() => kv.snapshot(kvState({ '': 'x' }))).toThrow(/cannot snapshot kv: key of 0 characters/);
    expect(kv.restore(kv.snapshot(kvState({ ['k'.repeat(MAX_NAME_LENGTH)]: 'x' }))).entries.toJSON()).toEqual({ ['k'.repeat(MAX_NAME_LENGTH)]: 'x' });
    expect(() => bank.snapshot(bankState({ a: -1 }))).toThrow(/non-negative safe integer/);
    expect(() => bank.snapshot(bankState({ a: Number.MAX_SAFE_INTEGER, b: 1 }))).toThrow(/total of balances/);
  });

  it('a bank holding the largest exact total (deposits reach it) snapshots and restores: the bound is inclusive', () => {
    // A replica with this state that could not read its own snapshot back could not restart or be Welcomed.
    const full = bankState({ a: Number.MAX_SAFE_INTEGER - 10, b: 10 });
    const restored = bank.restore(bank.snapshot(full));
    expect(restored.accounts.toJSON()).toEqual({ a: Number.MAX_SAFE_INTEGER - 10, b: 10 });
    expect(bank.apply(restored, { op: 'deposit', account: 'b', amount: 1 })[1]).toMatchObject({ ok: false, error: 'Overflow' });
  });
});

describe('property: restore never crashes and never accepts damage', () => {
  it('random bytes are refused with a SnapshotFormatError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(() => bank.restore(bytes)).toThrow(SnapshotFormatError);
        expect(() => kv.restore(bytes)).toThrow(SnapshotFormatError);
      }),
    );
  });

  it('a random byte changed anywhere in a real snapshot is refused with a SnapshotFormatError', () => {
    fc.assert(
      fc.property(fc.array(kvInput, { maxLength: 30 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (inputs, at, flip) => {
        const bytes = kv.snapshot(run(kv, kv.initial(), inputs)[0]);
        const spoiled = Uint8Array.from(bytes);
        spoiled[at % bytes.length]! ^= flip;
        expect(() => kv.restore(spoiled)).toThrow(SnapshotFormatError);
      }),
    );
  });

  it('a body changed and checksummed again is either refused with a SnapshotFormatError or is the canonical snapshot of what it restores', () => {
    fc.assert(
      fc.property(fc.array(bankInput, { maxLength: 30 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (inputs, edits) => {
        const bytes = bank.snapshot(run(bank, bank.initial(), inputs)[0]);
        const bodyStart = 4 + 2 + 1 + 'bank'.length + 4;
        const body = Uint8Array.from(bytes.subarray(bodyStart, bytes.length - 8));
        if (body.length === 0) return;
        for (const [at, value] of edits) body[at % body.length] = value;
        const reframed = writeSnapshotFrame('bank', body);
        let restored: unknown;
        try {
          restored = bank.restore(reframed);
        } catch (e) {
          expect(e).toBeInstanceOf(SnapshotFormatError);
          return;
        }
        expect(bank.snapshot(restored as never)).toEqual(reframed);
      }),
    );
  });
});
