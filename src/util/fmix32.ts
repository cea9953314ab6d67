/**
 * MurmurHash3's 32-bit finalizer: mixes every bit of `h` into every bit of the result, so that
 * inputs that differ in a few bits give unrelated outputs. Unsigned.
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
