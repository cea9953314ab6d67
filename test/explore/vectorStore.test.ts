/**
 * VectorQueue (src/explore/vectorStore.ts), the search's frontier packed in chunks of 2^20
 * ints: a state must come out as it went in, in order, also where a chunk ends. The CI models'
 * frontiers rarely reach a chunk's end, and never one filled exactly, so the counts cannot show
 * a reader that misses either ending: here vectors are sized to hit each.
 */
import { describe, expect, it } from 'vitest';
import { VectorQueue } from '../../src/explore/vectorStore.js';

const CHUNK = 1 << 20;
/** A vector of `length` ints that names its state (k) in every element. */
const vector = (k: number, length: number): Int32Array => { const v = new Int32Array(length).fill(k * 7); if (length > 0) v[length - 1] = k * 7 + 1; return v; };

/** Pushes `count` vectors of `length` (each takes length + 2 ints), interleaving shifts, and reads all back. */
function roundTrip(length: number, count: number): void {
  const q = new VectorQueue();
  let read = 0;
  const expectNext = (): void => {
    const [id, v] = q.shift();
    expect(id, `state ${read}'s id`).toBe(read);
    expect(v.length, `state ${read}'s length`).toBe(length);
    expect(v[0]).toBe(read * 7);
    expect(v[length - 1]).toBe(read * 7 + 1);
    read++;
  };
  for (let k = 0; k < count; k++) {
    q.push(k, vector(k, length));
    // A search reads while it writes: keep about a hundred queued.
    if (k % 3 === 0 && q.length > 100) expectNext();
  }
  while (q.length > 0) expectNext();
  expect(read).toBe(count);
}

describe('VectorQueue', () => {
  it('gives back every vector in order across a chunk filled exactly (no room left for the end marker)', () => {
    // 1022 + 2 ints a state: 1024 states fill the first chunk to its last int.
    expect(CHUNK % 1024).toBe(0);
    roundTrip(1022, 2 * (CHUNK / 1024) + 5);
  });

  it('gives back every vector in order across chunks that end with a marker', () => {
    // 998 + 2 ints a state: a chunk holds 1048 of them and has 576 ints left over.
    roundTrip(998, 3 * Math.floor(CHUNK / 1000) + 7);
  });

  it('keeps an empty vector and one longer than a chunk', () => {
    const q = new VectorQueue();
    q.push(1, new Int32Array(0));
    q.push(2, vector(2, CHUNK + 3));
    q.push(3, vector(3, 5));
    expect(q.shift()).toEqual([1, new Int32Array(0)]);
    const [id, v] = q.shift();
    expect([id, v.length, v[0], v[CHUNK + 2]]).toEqual([2, CHUNK + 3, 14, 15]);
    expect(q.shift()).toEqual([3, vector(3, 5)]);
    expect(q.length).toBe(0);
  });
});
