/**
 * ExecSeq (src/trace/spec/execSeq.ts) must behave as an immutable sequence however its
 * versions are appended to: in any order, from any version (the explorer appends to one state
 * for several successors), each version keeps the elements it was made with. Checked against
 * plain arrays on random histories of appends; and a version that crossed threads (structured
 * clone) is revived whole. With a history window's forgetting (forgetBelow), every element at
 * or above the base still reads as the array's, every one below throws ForgottenHistoryError
 * (never a wrong element), and the digest chain is the same whatever backing holds a history.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Proposal } from '../../src/trace/format/types.js';
import { ExecSeq, ForgottenHistoryError, chainDigest } from '../../src/trace/spec/execSeq.js';
import { propKey } from '../../src/trace/format/keys.js';
import { HistorySegment } from '../../src/trace/spec/historySegment.js';

/** HistoryDigest of each prefix of xs, from the definition (index L: the first L requests). */
const digestsOf = (xs: readonly Proposal[]): string[] => {
  const out = [''];
  for (const p of xs) out.push(chainDigest(out[out.length - 1]!, propKey(p)));
  return out;
};

const req = (id: number): Proposal => ({ caller: 1, clientId: id, input: 'op' });

describe('ExecSeq', () => {
  it('every version equals the array it models, whatever version each append starts from', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ from: fc.nat(), run: fc.array(fc.nat({ max: 50 }), { maxLength: 3 }) }), { maxLength: 40 }),
      (appends) => {
        const versions: ExecSeq[] = [ExecSeq.EMPTY];
        const models: Proposal[][] = [[]];
        for (const { from, run } of appends) {
          const i = from % versions.length;
          const ps = run.map(req);
          versions.push(versions[i]!.appended(ps));
          models.push([...models[i]!, ...ps]);
        }
        versions.forEach((v, i) => {
          expect(v.length).toBe(models[i]!.length);
          expect(v.toArray()).toEqual(models[i]);
          expect([...v]).toEqual(models[i]);
          expect(JSON.parse(JSON.stringify(v))).toEqual(models[i]);
          // What sharedPrefix promises shared really is equal in both.
          for (const w of versions) {
            const k = v.sharedPrefix(w);
            for (let j = 0; j < k; j++) expect(v.get(j)).toBe(w.get(j));
          }
        });
        // EMPTY stays empty whatever was appended to it.
        expect(ExecSeq.EMPTY.length).toBe(0);
        expect(ExecSeq.EMPTY.toArray()).toEqual([]);
      },
    ), { seed: 42, numRuns: 300 });
  });

  it('a version cut from a longer backing is revived after a structured clone with its own elements only', () => {
    const short = ExecSeq.of([req(1)]);
    const long = short.appended([req(2), req(3)]);
    const revived = ExecSeq.revive(structuredClone(short) as unknown as ExecSeq);
    expect(revived).toBeInstanceOf(ExecSeq);
    expect(revived.toArray()).toEqual([req(1)]);
    expect(ExecSeq.revive(long)).toBe(long);
  });

  it('two versions that append the same requests share one array, as replicas executing one history do', () => {
    const start = ExecSeq.of([req(1)]);
    const first = start.appended([req(2), req(3)]);
    // Equal requests, other objects (as two replicas parse them): no copy of the prefix.
    const second = start.appended([req(2)]).appended([req(3)]);
    expect(second.sharedPrefix(first)).toBe(3);
    expect(second.toArray()).toEqual([req(1), req(2), req(3)]);
    // Another request: a copy, and the first version keeps its own.
    const other = start.appended([req(2), req(4)]);
    expect(other.sharedPrefix(first)).toBe(0);
    expect(other.toArray()).toEqual([req(1), req(2), req(4)]);
    expect(first.toArray()).toEqual([req(1), req(2), req(3)]);
  });

  it('a version appended with a request of another input but the same id keeps its own request, never a longer version\'s', () => {
    // Sharing a longer version's backing must ask for the same request, not the same id: a
    // replica that corrupts a request's input executes another request under the same id.
    fc.assert(fc.property(
      fc.array(fc.record({ from: fc.nat(), run: fc.array(fc.record({ id: fc.nat({ max: 3 }), input: fc.constantFrom('op', 'other') }), { maxLength: 3 }) }), { maxLength: 30 }),
      (appends) => {
        const versions: ExecSeq[] = [ExecSeq.EMPTY];
        const models: Proposal[][] = [[]];
        for (const { from, run } of appends) {
          const i = from % versions.length;
          const ps = run.map(({ id, input }) => ({ caller: 1, clientId: id, input }));
          versions.push(versions[i]!.appended(ps));
          models.push([...models[i]!, ...ps]);
        }
        versions.forEach((v, i) => {
          expect(v.toArray()).toEqual(models[i]);
          expect(v.digest()).toBe(digestsOf(models[i]!)[models[i]!.length]);
        });
      },
    ), { seed: 11, numRuns: 300 });
    const start = ExecSeq.of([req(1)]);
    const first = start.appended([req(2)]);
    const corrupted = start.appended([{ ...req(2), input: 'corrupted' }]);
    expect(corrupted.get(1).input).toBe('corrupted');
    expect(corrupted.sharedPrefix(first)).toBe(0);
    expect(first.get(1).input).toBe('op');
  });

  it('get outside the sequence throws rather than reading a longer version\'s element', () => {
    const short = ExecSeq.of([req(1)]);
    short.appended([req(2)]);
    expect(() => short.get(1)).toThrow(RangeError);
    expect(() => short.get(-1)).toThrow(RangeError);
  });

  it('slice copies a range of its own elements, never a longer version\'s', () => {
    const short = ExecSeq.of([req(1), req(2)]);
    const long = short.appended([req(3)]);
    expect(short.slice(0, 2)).toEqual([req(1), req(2)]);
    expect(long.slice(1, 3)).toEqual([req(2), req(3)]);
    expect(short.slice(1, 1)).toEqual([]);
    expect(() => short.slice(1, 3)).toThrow(RangeError);
    expect(() => short.slice(2, 1)).toThrow(RangeError);
  });

  it('after any forgetting, reads at or above the base are the model\'s and reads below it throw', () => {
    fc.assert(fc.property(
      fc.array(fc.oneof(
        fc.record({ from: fc.nat(), run: fc.array(fc.nat({ max: 50 }), { maxLength: 4 }) }),
        fc.record({ forget: fc.nat(), below: fc.nat({ max: 60 }) }),
      ), { maxLength: 60 }),
      (ops) => {
        const versions: ExecSeq[] = [ExecSeq.EMPTY];
        const models: Proposal[][] = [[]];
        for (const op of ops) {
          if ('forget' in op) {
            versions[op.forget % versions.length]!.forgetBelow(op.below);
            continue;
          }
          const i = op.from % versions.length;
          const ps = op.run.map(req);
          try {
            versions.push(versions[i]!.appended(ps));
            models.push([...models[i]!, ...ps]);
          } catch (e) {
            // Appending to a version shorter than its backing's base: refused, never wrong.
            expect(e).toBeInstanceOf(ForgottenHistoryError);
            expect(versions[i]!.length).toBeLessThan(versions[i]!.base);
          }
        }
        versions.forEach((v, i) => {
          const model = models[i]!;
          const digests = digestsOf(model);
          expect(v.length).toBe(model.length);
          for (let j = 0; j < v.length; j++) {
            if (j >= v.base) expect(v.get(j)).toEqual(model[j]);
            else expect(() => v.get(j)).toThrow(ForgottenHistoryError);
          }
          for (let L = 0; L <= v.length; L++) {
            if (L >= v.base) expect(v.digestAt(L)).toBe(digests[L]);
            else expect(() => v.digestAt(L)).toThrow(ForgottenHistoryError);
          }
          if (v.base > 0) {
            expect(() => v.toArray()).toThrow(ForgottenHistoryError);
            expect(() => [...v]).toThrow(ForgottenHistoryError);
            if (v.length >= v.base) expect(() => v.slice(v.base - 1, v.length)).toThrow(ForgottenHistoryError);
          }
          if (v.length >= v.base) expect(v.slice(v.base, v.length)).toEqual(model.slice(v.base));
        });
      },
    ), { seed: 7, numRuns: 300 });
  });

  it('forgets only once the part to drop is as long as the rest (each element moved O(1) times)', () => {
    const h = ExecSeq.of(Array.from({ length: 100 }, (_, i) => req(i)));
    h.forgetBelow(40);
    expect(h.base).toBe(0);
    expect(h.holder.items.length).toBe(100);
    h.forgetBelow(50);
    expect(h.base).toBe(50);
    expect(h.holder.items.length).toBe(50);
    expect(h.get(50)).toEqual(req(50));
    // A shorter version's forgetting stops at its own length.
    const longer = h.appended([req(100)]);
    h.forgetBelow(1000);
    expect(h.base).toBe(100);
    expect(longer.get(100)).toEqual(req(100));
  });

  it('a version appended to a shorter one after the longer one\'s digests were taken digests its own requests', () => {
    // The copy must not take the longer version's digests past its own length: they chain over
    // the other requests, and two histories would get one digest (so one Welcome part key).
    const h = ExecSeq.of([req(1), req(2), req(3)]);
    const taken = h.digest();
    const other = h.prefix(2).appended([req(4)]);
    expect(other.toArray()).toEqual([req(1), req(2), req(4)]);
    expect(other.digest()).toBe(digestsOf([req(1), req(2), req(4)])[3]);
    expect(other.digest()).not.toBe(taken);
    expect(new HistorySegment(other, 0, 3).historyKey).not.toBe(new HistorySegment(h, 0, 3).historyKey);
    // Any appends, each version digested as soon as it is made: the digest of its own model.
    fc.assert(fc.property(
      fc.array(fc.record({ from: fc.nat(), run: fc.array(fc.nat({ max: 3 }), { maxLength: 3 }) }), { maxLength: 30 }),
      (appends) => {
        const versions: ExecSeq[] = [ExecSeq.EMPTY];
        const models: Proposal[][] = [[]];
        for (const { from, run } of appends) {
          const i = from % versions.length;
          const v = versions[i]!.appended(run.map(req));
          const model = [...models[i]!, ...run.map(req)];
          expect(v.digest()).toBe(digestsOf(model)[model.length]);
          versions.push(v);
          models.push(model);
        }
      },
    ), { seed: 5, numRuns: 300 });
  });

  it('a prefix (a restarted replica\'s history) shares the backing, reads and digests as the array, and keeps what a window forgot forgotten', () => {
    const xs = Array.from({ length: 100 }, (_, i) => req(i));
    const h = ExecSeq.of(xs);
    const p = h.prefix(60);
    expect(p.length).toBe(60);
    expect(p.toArray()).toEqual(xs.slice(0, 60));
    expect(p.sharedPrefix(h)).toBe(60);
    expect(p.digest()).toBe(digestsOf(xs)[60]);
    expect(h.prefix(100)).toBe(h);
    expect(h.prefix(0)).toBe(ExecSeq.EMPTY);
    expect(() => h.prefix(101)).toThrow(RangeError);
    expect(() => h.prefix(-1)).toThrow(RangeError);
    // Appended to, a prefix is a new version: the longer one keeps its own elements.
    expect(p.appended([req(999)]).get(60)).toEqual(req(999));
    expect(h.get(60)).toEqual(req(60));
    h.forgetBelow(50);
    const q = h.prefix(55);
    expect(q.get(54)).toEqual(req(54));
    expect(() => q.get(10)).toThrow(ForgottenHistoryError);
    expect(q.digest()).toBe(digestsOf(xs)[55]);
  });
});
