/**
 * A Welcome part held as a range of its sender's history (src/trace/spec/historySegment.ts):
 * its key names the range in a history by that history's digest, so equal histories held in
 * different arrays give equal keys and other ranges or histories other keys; parts that cover
 * one history in order install that history itself, and anything else is left to the
 * request-by-request assembly.
 */
import { describe, expect, it } from 'vitest';
import type { Proposal, SpecMessage } from '../../src/trace/format/types.js';
import { messageKey } from '../../src/trace/format/keys.js';
import { ExecSeq } from '../../src/trace/spec/execSeq.js';
import { HistorySegment, wholeHistory } from '../../src/trace/spec/historySegment.js';
import { welcomeParts } from '../../src/trace/spec/welcomeParts.js';
import { sameMessage } from '../../src/trace/replay/sameMessage.js';
import { segmentRange } from '../../src/protocol/welcomeParts.js';

const req = (id: number, input = 'op'): Proposal => ({ caller: 1, clientId: id, input });
const history = (n: number, last = 'op'): ExecSeq => ExecSeq.of(Array.from({ length: n }, (_, i) => req(i + 1, i === n - 1 ? last : 'op')));
const parts = (h: ExecSeq, k: number): SpecMessage[] => welcomeParts(2, 7, [], h, k);
type Welcome = Extract<SpecMessage, { type: 'Welcome' }>;

describe('HistorySegment', () => {
  it('keys by the history\'s digest and the range: equal in other arrays, different elsewhere', () => {
    const a = parts(history(10), 3);
    const b = parts(history(10), 3);
    const c = parts(history(10, 'other'), 3);
    for (let i = 0; i < 3; i++) {
      expect(messageKey(a[i]!)).toBe(messageKey(b[i]!));
      expect(sameMessage(a[i]!, b[i]!)).toBe(true);
      // The last request differs: every part's key differs (its history does), not only the last.
      expect(messageKey(a[i]!)).not.toBe(messageKey(c[i]!));
      expect(sameMessage(a[i]!, c[i]!)).toBe(false);
    }
    expect(new Set(a.map(messageKey)).size).toBe(3);
    // Its requests are the segment's, as the spec's Welcome carries them.
    const [from, to] = segmentRange(10, 2, 3);
    expect([...(a[1] as Welcome).executed]).toEqual(history(10).slice(from, to));
    expect(JSON.parse(JSON.stringify(a[2]))).toMatchObject({ executed: history(10).slice(to, 10) });
  });

  it('parts covering one history in order install that history itself', () => {
    const h = history(10);
    const w = parts(h, 3) as Welcome[];
    expect(wholeHistory(w)?.seq).toBe(h);
    // Equal histories in two arrays: still one history.
    const other = parts(history(10), 3) as Welcome[];
    expect(wholeHistory([w[0]!, other[1]!, w[2]!])?.seq.length).toBe(10);
    // A missing part, parts out of order, another history, or requests as an array: no.
    expect(wholeHistory([w[0]!, w[2]!])).toBeUndefined();
    expect(wholeHistory([w[1]!, w[0]!, w[2]!])).toBeUndefined();
    expect(wholeHistory([w[0]!, (parts(history(10, 'other'), 3) as Welcome[])[1]!, w[2]!])).toBeUndefined();
    expect(wholeHistory([{ executed: h.slice(0, 4) }, w[1]!, w[2]!])).toBeUndefined();
    expect(wholeHistory([w[0]!, w[1]!])).toBeUndefined();
  });

  it('takes its key while the window holds the history, and keeps it after the start is forgotten', () => {
    const h = history(100);
    const part = new HistorySegment(h, 0, 50);
    const key = part.historyKey;
    h.appended([req(101)]).forgetBelow(80);
    expect(h.base).toBe(80);
    expect(part.historyKey).toBe(key);
    expect(new HistorySegment(h, 0, 50).historyKey).toBe(key);
    expect(() => [...part]).toThrow(/--whole-history/);
  });
});
