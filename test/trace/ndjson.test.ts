/** Streaming NDJSON: the line reader, the two writers, and the merge of per-node traces. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { LineReader, readLines } from '../../src/trace/format/ndjsonReader.js';
import { NdjsonTraceFile, WRITE_BUFFER_BYTES, writeTraceStream } from '../../src/trace/format/ndjsonWriter.js';
import { mergedValues } from '../../src/trace/format/lines.js';
import { checkTrace } from '../../src/trace/replay/check.js';
import type { TraceEvent, TraceHeader } from '../../src/trace/format/types.js';
import { perNodeParts } from './perNodeParts.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'ndjson-'));
const EXAMPLES = new URL('../../traces/examples/', import.meta.url).pathname;

async function collect(chunks: string[]): Promise<{ line: number; text: string; terminated: boolean }[]> {
  const out = [];
  for await (const l of readLines(Readable.from(chunks.map((c) => Buffer.from(c))))) out.push(l);
  return out;
}

describe('readLines', () => {
  it('splits lines across chunk boundaries, numbers them, strips CR, and flags an unterminated last line', async () => {
    const lines = await collect(['{"a":', '1}\r\n{"b"', ':2}\n\n{"c":3']);
    expect(lines).toEqual([
      { line: 1, text: '{"a":1}', terminated: true },
      { line: 2, text: '{"b":2}', terminated: true },
      { line: 3, text: '', terminated: true },
      { line: 4, text: '{"c":3', terminated: false },
    ]);
  });

  it('reassembles any chunking of any text into the same lines', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.string({ unit: 'grapheme-ascii' }).filter((s) => !s.includes('\n') && !s.includes('\r')), { maxLength: 8 }),
      fc.array(fc.nat(40), { maxLength: 6 }),
      async (rows, cuts) => {
        const text = rows.map((r) => r + '\n').join('');
        const points = [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((a, b) => a - b);
        const chunks: string[] = []; let prev = 0;
        for (const p of [...points, text.length]) { chunks.push(text.slice(prev, p)); prev = p; }
        const got = await collect(chunks.filter((c) => c.length > 0));
        expect(got.map((l) => l.text)).toEqual(rows);
        expect(got.every((l) => l.terminated)).toBe(true);
      }), { numRuns: 200 });
  });

  it('keeps a multi-byte character whole when a chunk ends inside its bytes', async () => {
    // The chunks above are cut between characters; a stream cuts bytes anywhere. (readLines is
    // what LineReader is checked against, on files read in one chunk.)
    const text = '{"in":"é€😀"}\n{"b":"ü"}';
    const bytes = Buffer.from(text, 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) {
      const got = [];
      for await (const l of readLines(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]))) got.push(l.text);
      expect(got, `cut at byte ${cut}`).toEqual(['{"in":"é€😀"}', '{"b":"ü"}']);
    }
  });
});

describe('LineReader (synchronous, used by the checker)', () => {
  const readAll = (path: string, chunk: number, max?: number): { line: number; text: string; terminated: boolean }[] => {
    const r = new LineReader(path, chunk, max);
    const out = [];
    for (let l = r.next(); l !== null; l = r.next()) out.push(l);
    return out;
  };

  it('gives the same lines as readLines for any text and any chunk size, multi-byte characters and a byte-order mark included', async () => {
    const dir = tmp();
    let i = 0;
    await fc.assert(fc.asyncProperty(
      fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('', '\r', 'é€😀')), { maxLength: 8 }),
      fc.boolean(), fc.integer({ min: 1, max: 16 }), fc.boolean(),
      async (rows, lastNewline, chunk, bom) => {
        const text = (bom ? '\uFEFF' : '') + rows.join('\n') + (lastNewline ? '\n' : '');
        const path = join(dir, `t${i++}.ndjson`);
        writeFileSync(path, text);
        const expected = [];
        for await (const l of readLines(path)) expected.push(l);
        expect(readAll(path, chunk)).toEqual(expected);
      }), { numRuns: 300 });
  });

  it('looks for the end of a long line in the bytes of each read only: a line read in K chunks is searched once, not K times', () => {
    // A 4 MiB Welcome event read 4 KiB at a time: searching the whole buffer back from its end at
    // every read scanned the carried line again each time (2 GB of searching for 4 MiB).
    const path = join(tmp(), 'long-line.ndjson');
    const long = 'x'.repeat(4 << 20);
    writeFileSync(path, `{"a":1}\n${long}\n{"b":2}\n`);
    let searched = 0;
    const real = Buffer.prototype.lastIndexOf;
    const spy = vi.spyOn(Buffer.prototype, 'lastIndexOf').mockImplementation(function (this: Buffer, ...args: unknown[]) {
      searched += this.length;
      return (real as (...a: unknown[]) => number).apply(this, args);
    } as never);
    try {
      const lines = readAll(path, 4096, 8 << 20);
      expect(lines.map((l) => l.text.length)).toEqual([7, long.length, 7]);
    } finally {
      spy.mockRestore();
    }
    expect(searched).toBeLessThanOrEqual(2 * (long.length + 4096));
  });

  it('rejects a line longer than the limit, naming its number', () => {
    const path = join(tmp(), 'long.ndjson');
    writeFileSync(path, '{"a":1}\n' + 'x'.repeat(100) + '\n');
    expect(() => readAll(path, 8, 64)).toThrow('line 2 is longer than 64 bytes');
    expect(readAll(path, 8, 128)).toHaveLength(2);
  });
});

const header: TraceHeader = {
  kind: 'header', format: 'paxos-trace/2', spec: { module: 'MultiPaxos', constants: { N: 3, Window: 5 } }, cluster: { nodes: [1, 2, 3] },
};

describe('writers', () => {
  it('NdjsonTraceFile flushes its bounded buffer as it goes and writes every event once', () => {
    const path = join(tmp(), 't.ndjson');
    const w = new NdjsonTraceFile(path, header);
    const big = 'x'.repeat(1000);
    const n = Math.ceil((3 * WRITE_BUFFER_BYTES) / 1000);
    let flushedBeforeClose = 0;
    for (let i = 0; i < n; i++) {
      w.emit({ node: 1, seq: i + 1, clock: i + 1, role: 'Replica', action: 'Stutter', params: { timer: big }, sent: [], state: {} as never });
      if (i === n - 1) flushedBeforeClose = readFileSync(path, 'utf8').length;
    }
    w.close();
    const text = readFileSync(path, 'utf8');
    expect(flushedBeforeClose).toBeGreaterThan(WRITE_BUFFER_BYTES); // not held until close
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(n + 1);
    expect(JSON.parse(lines[0]!)).toEqual(header);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('writeTraceStream awaits drain and writes an async source line by line', async () => {
    const path = join(tmp(), 's.ndjson');
    async function* events(): AsyncGenerator<TraceEvent> {
      for (let i = 1; i <= 2000; i++) yield { node: 1, seq: i, clock: i, role: 'Replica', action: 'Stutter', params: { timer: 'y'.repeat(200) }, sent: [], state: {} as never };
    }
    const count = await writeTraceStream(path, header, events());
    expect(count).toBe(2000);
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(2001);
  });
});

describe('merging per-node traces', () => {
  it('splits a golden trace into one file per node and merges it back into a trace the checker accepts', async () => {
    const { files, events } = perNodeParts(`${EXAMPLES}leader-change.ndjson`, tmp(), 'run');
    const clocks: number[] = [];
    for await (const v of mergedValues(files)) {
      const e = v.value as { kind?: string; clock?: number };
      if (e.kind !== 'header') clocks.push(e.clock!);
    }
    expect(clocks).toHaveLength(events);
    expect(clocks).toEqual([...clocks].sort((a, b) => a - b));
    const verdict = await checkTrace({ name: 'merged', files });
    expect(verdict.failure).toBeUndefined();
    expect(verdict.events).toBe(events);
  });
});

describe('the trace format\'s Init state', () => {
  it('equals the spec encoding\'s Init for every node', async () => {
    const { initialNodeJson } = await import('../../src/trace/format/deltaEncoder.js');
    const { initialState, nodeToJson } = await import('../../src/trace/spec/specState.js');
    for (const n of [1, 2, 5]) expect(initialNodeJson(n)).toEqual(nodeToJson(initialState({ N: 5, Window: 1, bounds: {} }), n, []));
  });
});
