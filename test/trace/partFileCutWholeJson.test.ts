/**
 * A crash can cut a write after an event's last JSON byte and before its newline: the last
 * line then parses as JSON but is not terminated. It is still a cut write (the write had not
 * returned, so by write-ahead its step was never acted on), and must be cut like any other:
 * counting it as whole makes scanPart name a seq the node never acted on, and makes
 * recordCrash (or the next incarnation's appends) glue the next line onto it, so the part
 * no longer reads as one JSON value per line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NdjsonTraceFile } from '../../src/trace/format/ndjsonWriter.js';
import { partPath, recordCrash, scanPart } from '../../src/trace/format/partFile.js';
import { DeltaDecoder } from '../../src/trace/format/deltaEncoder.js';
import { TRACE_FORMAT, type FullTraceEvent, type TraceHeader } from '../../src/trace/format/types.js';
import { needsUpgrade, upgradeEvent } from '../../src/trace/format/versions.js';

const EXAMPLE = new URL('../../traces/examples/crash-restart.ndjson', import.meta.url).pathname;

function nodeEvents(node: number): { header: TraceHeader; events: FullTraceEvent[] } {
  const [first, ...rest] = readFileSync(EXAMPLE, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
  const header = first as TraceHeader;
  const decoder = new DeltaDecoder(3);
  const current = (e: unknown): FullTraceEvent => (needsUpgrade(header.format) ? (upgradeEvent(e) as { value: FullTraceEvent }).value : e as FullTraceEvent);
  const events = rest.map((e) => decoder.decode(current(e))).filter((e) => e.node === node);
  return { header: { ...header, format: TRACE_FORMAT, part: { node, lifecycle: true } }, events };
}

describe('a last line that is whole JSON but has no newline', () => {
  it('is a cut write: scanPart stops before it, recordCrash cuts it and the part stays one JSON value per line', () => {
    const { header, events } = nodeEvents(1);
    expect(events.length).toBeGreaterThan(3);
    const path = partPath(mkdtempSync(join(tmpdir(), 'part-cut-')), 'run', 1);
    const file = new NdjsonTraceFile(path, header, { compact: true, writeThrough: true });
    for (const e of events) file.emit(e);
    file.close();
    const text = readFileSync(path, 'utf8');
    // Drop only the final newline: the last event's JSON is all there.
    const cutAt = text.lastIndexOf('\n', text.length - 2) + 1;
    const lastLine = text.slice(cutAt, -1);
    expect(() => JSON.parse(lastLine)).not.toThrow();
    writeFileSync(path, text.slice(0, -1));

    const scan = scanPart(path);
    expect(scan.lastSeq).toBe(events.at(-2)!.seq);
    expect(scan.events).toBe(events.length - 1);
    expect(scan.wholeBytes).toBe(Buffer.byteLength(text.slice(0, cutAt)));
    expect(scan.cutBytes).toBe(Buffer.byteLength(lastLine));

    recordCrash(path, 'killed', () => 7);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    const parsed = lines.slice(0, -1).map((l) => JSON.parse(l) as { kind?: string; seq?: number });
    expect(parsed.at(-1)).toMatchObject({ kind: 'crash', seq: events.at(-2)!.seq });
  });
});
