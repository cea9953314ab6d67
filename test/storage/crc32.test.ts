import { describe, expect, it } from 'vitest';
import { crc32, hasNativeCrc32, tableCrc32 } from '../../src/storage/crc32.js';

const CHECK = Buffer.from('123456789', 'ascii');

describe('crc32', () => {
  it('gives the CRC-32/ISO-HDLC check value 0xCBF43926 for "123456789" (table and native)', () => {
    expect(tableCrc32(CHECK)).toBe(0xcbf43926);
    expect(crc32(CHECK)).toBe(0xcbf43926);
  });

  it('continues from a previous CRC as if the inputs were joined', () => {
    expect(tableCrc32(CHECK.subarray(4), tableCrc32(CHECK.subarray(0, 4)))).toBe(0xcbf43926);
    expect(crc32(CHECK.subarray(4), crc32(CHECK.subarray(0, 4)))).toBe(0xcbf43926);
  });

  it('agrees with node:zlib on other inputs when zlib has crc32', () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37 + 11) & 0xff));
    if (hasNativeCrc32) expect(tableCrc32(data)).toBe(crc32(data));
    expect(tableCrc32(new Uint8Array(0))).toBe(0);
  });
});
