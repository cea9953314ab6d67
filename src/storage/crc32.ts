/**
 * CRC-32 (IEEE 802.3, the zlib/PNG/gzip one). node:zlib has it natively from Node 20.15 and
 * 22.2; older Node 20 releases (which package.json still allows) get the table-driven
 * version below. Both must give 0xCBF43926 for "123456789" (test/storage/crc32.test.ts).
 */
import * as zlib from 'node:zlib';

/** CRC-32 of `data`, continuing from `previous` (the CRC of the bytes before it). */
export type Crc32 = (data: Uint8Array, previous?: number) => number;

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export const tableCrc32: Crc32 = (data, previous = 0) => {
  let c = ~previous >>> 0;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
};

const nativeCrc32: Crc32 | undefined = typeof (zlib as { crc32?: unknown }).crc32 === 'function'
  ? (data, previous = 0) => zlib.crc32(data, previous)
  : undefined;

export const crc32: Crc32 = nativeCrc32 ?? tableCrc32;
export const hasNativeCrc32 = nativeCrc32 !== undefined;
