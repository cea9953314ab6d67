/**
 * ExecSeq (src/trace/spec/execSeq.ts) must behave as an immutable sequence however its
 * versions are appended to: in any order, from any version (the explorer appends to one state
 * for several successors), each version keeps the elements it was made with. Checked against
 * plain arrays on random histories of appends; and a version that crossed threads (structured
 * clone) is revived whole.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Proposal } from '../../src/trace/format/types.js';
import { ExecSeq } from '../../src/trace/spec/execSeq.js';

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
});
