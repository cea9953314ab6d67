/**
 * Reading a part back (scanPart), recording a crash (recordCrash) and continuing a part
 * (NdjsonTraceFile append + write-through): what a restarted node and a supervisor do.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NdjsonTraceFile } from '../../src/trace/format/ndjsonWriter.js';
import { PartFileError, partPath, recordCrash, scanPart } from '../../src/trace/format/partFile.js';
import { DeltaDecoder } from '../../src/trace/format/deltaEncoder.js';
import { TRACE_FORMAT, type FullTraceEvent, type TraceHeader } from '../../src/trace/format/types.js';
import { needsUpgrade, upgradeEvent } from '../../src/trace/format/versions.js';
import { checkTrace } from '../../src/trace/replay/check.js';
import { faultScenario } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';

const EXAMPLE = new URL('../../traces/examples/crash-restart.ndjson', import.meta.url).pathname;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'part-'));

function example(): { header: TraceHeader; events: FullTraceEvent[] } {
  const [first, ...rest] = readFileSync(EXAMPLE, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
  // Full states, whatever the example's form: the writer under test does the encoding. The
  // example may be in an older format version: the writer writes the current one.
  const decoder = new DeltaDecoder(3);
  const header = first as TraceHeader;
  const current = (e: unknown): FullTraceEvent => (needsUpgrade(header.format) ? (upgradeEvent(e) as { value: FullTraceEvent }).value : e as FullTraceEvent);
  return { header: { ...header, format: TRACE_FORMAT }, events: rest.map((e) => decoder.decode(current(e))) };
}

/** Node `node`'s events of the example, written as a compact lifecycle part. */
function writePart(dir: string, node: number, count?: number): { path: string; events: FullTraceEvent[]; header: TraceHeader } {
  const { header, events } = example();
  const mine = events.filter((e) => e.node === node).slice(0, count);
  const partHeader: TraceHeader = { ...header, part: { node, lifecycle: true } };
  const path = partPath(dir, 'run', node);
  const file = new NdjsonTraceFile(path, partHeader, { compact: true, writeThrough: true });
  for (const e of mine) file.emit(e);
  file.close();
  return { path, events: mine, header: partHeader };
}

describe('scanPart', () => {
  it('finds the last whole event and the durable variables after it, from compact events', () => {
    const dir = tmp();
    const { path, events } = writePart(dir, 3);
    const scan = scanPart(path);
    const last = events.at(-1)!;
    expect(scan).toMatchObject({ lastSeq: last.seq, lastClock: last.clock, events: events.length, tail: 'event', cutBytes: 0 });
    expect(scan.wholeBytes).toBe(statSync(path).size);
    expect(scan.durable).toEqual({
      aBallot: last.state.aBallot,
      aAccepted: [...last.state.aAccepted].sort((a, b) => a.slot - b.slot),
      lBallot: last.state.lBallot,
      aMark: last.state.aMark,
      snapSlot: last.state.rSnap.slot,
    });
  });

  it('reads the durable variables at any event of a run with checkpoints: marks, snapshots, pvalues compacted away', () => {
    const dir = tmp();
    const run = join(dir, 'run.ndjson');
    traceScenario(faultScenario(5002), run, { eventLog: false, checkpointEvery: 3 }, 'test/trace/partFile.test.ts', false);
    const [header, ...events] = readFileSync(run, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown) as [TraceHeader, ...FullTraceEvent[]];
    let compactions = 0;
    for (let node = 1; node <= header.spec.constants.N; node++) {
      const mine = events.filter((e) => e.node === node);
      // Cut after each event that moves a durable variable the simplest run never moves.
      const cuts = mine.flatMap((e, i) => (['AcceptorCompact', 'ReplicaSnapshot', 'NodeRestart', 'AcceptorReceiveAccept'].includes(e.action) ? [i + 1] : []));
      for (const cut of [...new Set(cuts)].filter((_, k) => k % 7 === 0).concat(mine.length)) {
        const path = join(dir, `n${node}-${cut}.ndjson`);
        const file = new NdjsonTraceFile(path, { ...header, part: { node, lifecycle: true } }, { compact: true, writeThrough: true });
        for (const e of mine.slice(0, cut)) file.emit(e);
        file.close();
        const last = mine[cut - 1]!.state;
        expect(scanPart(path).durable, `node ${node}, event ${cut}`).toEqual({
          aBallot: last.aBallot, aAccepted: [...last.aAccepted].sort((a, b) => a.slot - b.slot), lBallot: last.lBallot, aMark: last.aMark, snapSlot: last.rSnap.slot,
        });
        if (last.aMark > 1) compactions++;
      }
    }
    // The run compacted: the marks and the pvalues removed with them were read.
    expect(compactions).toBeGreaterThan(0);
  });

  it('reads the durable variables of a part written with whole states: each state replaces the pvalues before it', () => {
    // A part may hold whole states (a writer that is not compact, or the first event appended
    // after a restart): pvalues a later state no longer holds (compacted, or replaced at a
    // higher ballot) must not linger, or the catch-up at restart sees two pvalues for a slot.
    const dir = tmp();
    const run = join(dir, 'run.ndjson');
    traceScenario(faultScenario(5002), run, { eventLog: false, checkpointEvery: 3 }, 'test/trace/partFile.test.ts', false);
    const [header, ...events] = readFileSync(run, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown) as [TraceHeader, ...FullTraceEvent[]];
    let dropped = 0;
    for (let node = 1; node <= header.spec.constants.N; node++) {
      const mine = events.filter((e) => e.node === node);
      const path = join(dir, `whole-n${node}.ndjson`);
      const file = new NdjsonTraceFile(path, { ...header, part: { node, lifecycle: true } }, { writeThrough: true });
      for (const e of mine) file.emit(e);
      file.close();
      const last = mine.at(-1)!.state;
      expect(scanPart(path).durable, `node ${node}`).toEqual({
        aBallot: last.aBallot, aAccepted: [...last.aAccepted].sort((a, b) => a.slot - b.slot), lBallot: last.lBallot, aMark: last.aMark, snapSlot: last.rSnap.slot,
      });
      const ever = new Set(mine.flatMap((e) => e.state.aAccepted.map((pv) => JSON.stringify(pv))));
      dropped += ever.size - last.aAccepted.length;
    }
    // Some pvalue was held at one event and gone at the last: what a stale reading would keep.
    expect(dropped).toBeGreaterThan(0);
  });

  it('refuses a part whose first line is not a header, or whose events skip a seq', () => {
    const dir = tmp();
    const { path } = writePart(dir, 1);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    writeFileSync(path, lines.slice(1).join('\n') + '\n');
    expect(() => scanPart(path)).toThrow(/:1: the first line is not a trace header/);
    writeFileSync(path, [lines[0], lines[1], lines[3]].join('\n') + '\n');
    expect(() => scanPart(path)).toThrow(/:3: event seq \d+ does not follow 1/);
  });

  it('tells a cut last line (a crash mid-write) from a damaged whole line', () => {
    const dir = tmp();
    const { path, events } = writePart(dir, 1);
    const whole = readFileSync(path, 'utf8');
    writeFileSync(path, whole + '{"node":1,"seq":');
    const scan = scanPart(path);
    expect(scan).toMatchObject({ lastSeq: events.at(-1)!.seq, cutBytes: 16, wholeBytes: Buffer.byteLength(whole) });
    const lines = whole.split('\n');
    lines[3] = lines[3]!.slice(0, 20);
    writeFileSync(path, lines.join('\n'));
    expect(() => scanPart(path)).toThrow(PartFileError);
    expect(() => scanPart(path)).toThrow(/:4: not JSON/);
  });

  it('an empty or missing file has no header', () => {
    const dir = tmp();
    expect(scanPart(join(dir, 'none.ndjson'))).toMatchObject({ header: undefined, tail: 'empty', lastSeq: 0 });
    writeFileSync(join(dir, 'empty.ndjson'), '');
    expect(scanPart(join(dir, 'empty.ndjson')).header).toBeUndefined();
  });
});

describe('recordCrash', () => {
  it('refuses a trace that is not a part (its header names no node) and leaves it as it was', () => {
    const { header, events } = example();
    const path = join(tmp(), 'whole.ndjson');
    const file = new NdjsonTraceFile(path, header, { compact: true });
    for (const e of events.slice(0, 5)) file.emit(e);
    file.close();
    const before = readFileSync(path, 'utf8');
    expect(() => recordCrash(path, 'killed')).toThrow(/:1: not a part file \(its header has no part.node\)/);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('cuts a cut line, appends one crash line after the last whole event, and is idempotent', () => {
    const dir = tmp();
    const { path, events } = writePart(dir, 2);
    writeFileSync(path, readFileSync(path, 'utf8') + '{"node":2,"se');
    const after = recordCrash(path, 'killed', () => 42);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    const last = events.at(-1)!;
    expect(JSON.parse(lines.at(-2)!)).toEqual({ kind: 'crash', node: 2, seq: last.seq, clock: last.clock, at: 42, note: 'killed' });
    expect(after.tail).toBe('crash');
    const size = statSync(path).size;
    recordCrash(path, 'again');
    expect(statSync(path).size).toBe(size);
  });
});

describe('recordCrash of a node that died before its first event', () => {
  it('appends a crash line at seq 0 after the header (a header alone reads as a part that lost its tail)', () => {
    const dir = tmp();
    const { header } = example();
    const partHeader: TraceHeader = { ...header, part: { node: 1, lifecycle: true } };
    const path = partPath(dir, 'run', 1);
    new NdjsonTraceFile(path, partHeader, { compact: true, writeThrough: true }).close();
    // A process killed mid-write of its first event leaves the header and a cut line.
    writeFileSync(path, readFileSync(path, 'utf8') + '{"node":1,"se');
    const after = recordCrash(path, 'killed', () => 7);
    expect(after.tail).toBe('crash');
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toEqual({ kind: 'crash', node: 1, seq: 0, clock: 0, at: 7, note: 'killed' });
    expect(scanPart(path).tail).toBe('crash');
  });
});

describe('NdjsonTraceFile', () => {
  it('writes through: each line is in the file as soon as emit returns, before close', () => {
    const dir = tmp();
    const { header, events } = example();
    const path = join(dir, 'w.ndjson');
    const file = new NdjsonTraceFile(path, { ...header, part: { node: 1 } }, { compact: true, writeThrough: true });
    file.emit(events.find((e) => e.node === 1)!);
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    file.close();
  });

  it('continues a part after a crash: crash line, then the next incarnation in full state first, then deltas; the part checks', async () => {
    const dir = tmp();
    const { events, header } = example();
    // Node 3 restarts at its 12th event (NodeRestart): write its first incarnation, crash it mid-line.
    const restartAt = events.filter((e) => e.node === 3).findIndex((e) => e.action === 'NodeRestart');
    const { path } = writePart(dir, 3, restartAt);
    writeFileSync(path, readFileSync(path, 'utf8') + '{"cut');
    recordCrash(path, 'found dead at restart');
    const file = new NdjsonTraceFile(path, { ...header, part: { node: 3, lifecycle: true } }, { compact: true, writeThrough: true, append: true });
    const rest = events.filter((e) => e.node === 3).slice(restartAt);
    for (const e of rest) file.emit(e);
    const last = file.last.get(3)!;
    file.ending({ kind: 'end', node: 3, seq: last.seq, clock: last.clock });
    file.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const firstAfter = lines.findIndex((l) => l.kind === 'crash') + 1;
    expect(lines[firstAfter]).toHaveProperty('state');
    expect(lines[firstAfter + 1]).toHaveProperty('delta');
    // The other nodes' parts (with end lines) complete the run.
    const files = [path];
    for (const node of [1, 2]) {
      const p = writePart(dir, node);
      const l = scanPart(p.path);
      writeFileSync(p.path, readFileSync(p.path, 'utf8') + JSON.stringify({ kind: 'end', node, seq: l.lastSeq, clock: l.lastClock }) + '\n');
      files.push(p.path);
    }
    const v = await checkTrace({ name: 'run', files });
    expect(v.failure).toBeUndefined();
    expect(v.events).toBe(events.length);
  });
});
