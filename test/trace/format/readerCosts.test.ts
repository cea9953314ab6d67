/**
 * What LineReader (src/trace/format/ndjsonReader.ts, the checker's reader) pays for a line
 * longer than its chunk: a Welcome or a whole state of a long run is one line of megabytes. The
 * buffer holding the partial line doubles when full, so reading a line of L bytes allocates and
 * copies O(L) bytes in all; a buffer grown by one chunk at a time copies the whole partial
 * line at every chunk, O(L^2 / chunk) bytes, while every line read stays right.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { LineReader } from '../../../src/trace/format/ndjsonReader.js';

const dir = mkdtempSync(join(tmpdir(), 'reader-costs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('LineReader costs', () => {
  it('reads a line of 1 MiB in 4 KiB chunks allocating and copying a few times its length, not a copy per chunk', () => {
    const length = 1024 * 1024;
    const chunk = 4096;
    const path = join(dir, 'long-line.ndjson');
    const line = `"${'x'.repeat(length - 2)}"`;
    writeFileSync(path, `${line}\n{"after":1}\n`);
    let allocated = 0;
    let copied = 0;
    // Every way to get a buffer, so that the count does not depend on which one the reader uses.
    const allocs = (['allocUnsafe', 'allocUnsafeSlow', 'alloc'] as const).map((m) => {
      const alloc = Buffer[m] as (size: number) => Buffer;
      return vi.spyOn(Buffer, m).mockImplementation(((size: number, ...rest: unknown[]) => {
        allocated += size;
        return (alloc as (...a: unknown[]) => Buffer).call(Buffer, size, ...rest);
      }) as never);
    });
    const copy = Buffer.prototype.copy;
    const copies = vi.spyOn(Buffer.prototype, 'copy').mockImplementation(function (this: Buffer, target: Uint8Array, targetStart?: number, sourceStart?: number, sourceEnd?: number) {
      copied += (sourceEnd ?? this.length) - (sourceStart ?? 0);
      return copy.call(this, target, targetStart, sourceStart, sourceEnd);
    } as never);
    const lines: string[] = [];
    try {
      const r = new LineReader(path, chunk);
      for (let l = r.next(); l !== null; l = r.next()) lines.push(l.text);
    } finally {
      for (const s of [...allocs, copies]) s.mockRestore();
    }
    expect(lines).toEqual([line, '{"after":1}']);
    // Doubling: about 4 MiB allocated, 2 MiB copied. One chunk more at a time: 256 buffers,
    // some 128 MiB allocated and copied, growing with the square of the line.
    expect(allocated, `${allocated} bytes allocated`).toBeLessThanOrEqual(16 * length);
    expect(copied, `${copied} bytes copied`).toBeLessThanOrEqual(16 * length);
  });
});
