/**
 * How a message too large for one frame is cut (spec "Welcome parts", "Promise parts"): into
 * the fewest parts whose JSON each fits a byte bound. Shared by splitWelcome and splitPromise.
 */

/** A text's length in bytes, as a frame carries it. */
export const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * `partsOf(k)` for the smallest k in 2..most (tried from the size's share of `maxBytes` up) whose
 * parts' JSON each fits `maxBytes`; at `most`, those parts as they are (larger than maxBytes).
 */
export function fewestParts<T>(size: number, maxBytes: number, most: number, partsOf: (k: number) => T[]): T[] {
  let k = Math.min(most, Math.max(2, Math.ceil(size / maxBytes)));
  for (;;) {
    const parts = partsOf(k);
    if (k >= most || parts.every((p) => utf8Length(JSON.stringify(p)) <= maxBytes)) return parts;
    // Grow by an eighth: the part sizes fall roughly as 1/k, so few rounds are needed.
    k = Math.min(most, k + Math.max(1, Math.floor(k / 8)));
  }
}
