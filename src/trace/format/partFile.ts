/**
 * Part files written by real processes outlive the processes: a node killed with SIGKILL and
 * started again keeps writing the same `<run>.node<k>.ndjson`. This reads a part back to learn
 * where its node stopped (the last whole event's seq and clock, the durable variables after
 * it), drops a last line cut mid-write, and records a crash (a TraceEnding line) when the part
 * ends without saying how its last incarnation ended.
 *
 * Nothing here trusts the file: a line that is not JSON, or an event out of order, is an
 * error naming the file and line (a damaged part is never silently "repaired").
 */
import { closeSync, existsSync, openSync, statSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { LineReader } from './ndjsonReader.js';
import { NdjsonTraceFile } from './ndjsonWriter.js';
import { pvalueKey } from './keys.js';
import type { Ballot, PValue, StateDelta, TraceEnding, TraceEvent, TraceHeader } from './types.js';
import { isTraceEnding } from './types.js';

/** `<dir>/<runId>.node<k>.ndjson`: the name check-traces groups the parts of one run by. */
export function partPath(dir: string, runId: string, node: number): string {
  return join(dir, `${runId}.node${node}.ndjson`);
}

/** A node's durable spec variables: what its data directory must hold after this event. */
export interface TracedDurable {
  aBallot: Ballot;
  aAccepted: PValue[];
  lBallot: Ballot;
  /** The acceptor's mark (1: nothing compacted). */
  aMark: number;
  /** The slot of the replica's snapshot, rSnap.slot (1: none). */
  snapSlot: number;
}

export interface PartScan {
  /** Undefined for an empty file (the process died before writing its header). */
  header: TraceHeader | undefined;
  /** Bytes up to the end of the last whole line. */
  wholeBytes: number;
  /** Bytes of a last line cut mid-write (0: none). */
  cutBytes: number;
  /** Seq and Lamport clock of the node's last whole event (0 if none). */
  lastSeq: number;
  lastClock: number;
  /** Whole events in the part. */
  events: number;
  /** What the last whole line is. */
  tail: 'empty' | 'header' | 'event' | 'end' | 'crash';
  /** The node's durable variables after its last event; undefined if it has none. */
  durable: TracedDurable | undefined;
}

export class PartFileError extends Error {
  override readonly name = 'PartFileError';
  constructor(readonly file: string, readonly line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
  }
}

/** Reads a whole part (one pass, memory: the durable variables and one line). */
export function scanPart(path: string): PartScan {
  const scan: PartScan = { header: undefined, wholeBytes: 0, cutBytes: 0, lastSeq: 0, lastClock: 0, events: 0, tail: 'empty', durable: undefined };
  if (!existsSync(path) || statSync(path).size === 0) return scan;
  let aBallot: Ballot | undefined;
  let lBallot: Ballot | undefined;
  let aMark = 1;
  let snapSlot = 1;
  const accepted = new Map<string, PValue>();
  const reader = new LineReader(path);
  try {
    for (let l = reader.next(); l !== null; l = reader.next()) {
      const bytes = Buffer.byteLength(l.text, 'utf8');
      if (!l.terminated) {
        scan.cutBytes = bytes;
        break;
      }
      let value: unknown;
      try {
        value = JSON.parse(l.text);
      } catch {
        throw new PartFileError(path, l.line, 'not JSON (a whole line: damage, not a cut write)');
      }
      scan.wholeBytes += bytes + 1;
      if (l.line === 1) {
        if ((value as { kind?: unknown })?.kind !== 'header') throw new PartFileError(path, 1, 'the first line is not a trace header');
        scan.header = value as TraceHeader;
        scan.tail = 'header';
        continue;
      }
      if (isTraceEnding(value)) {
        scan.tail = value.kind;
        continue;
      }
      const ev = value as TraceEvent;
      if (typeof ev.seq !== 'number' || typeof ev.clock !== 'number' || ev.seq !== scan.lastSeq + 1) {
        throw new PartFileError(path, l.line, `event seq ${String(ev.seq)} does not follow ${scan.lastSeq}`);
      }
      scan.lastSeq = ev.seq;
      scan.lastClock = ev.clock;
      scan.events++;
      scan.tail = 'event';
      if (ev.state !== undefined) {
        aBallot = ev.state.aBallot;
        lBallot = ev.state.lBallot;
        aMark = ev.state.aMark ?? 1;
        snapSlot = ev.state.rSnap?.slot ?? 1;
        accepted.clear();
        for (const pv of ev.state.aAccepted) accepted.set(pvalueKey(pv), pv);
      } else {
        const d = (ev.delta ?? {}) as StateDelta;
        if (d.aBallot !== undefined) aBallot = d.aBallot;
        if (d.lBallot !== undefined) lBallot = d.lBallot;
        if (d.aMark !== undefined) aMark = d.aMark;
        if (d.rSnap !== undefined) snapSlot = d.rSnap.slot;
        for (const pv of (d.aAccepted?.remove ?? []) as PValue[]) accepted.delete(pvalueKey(pv));
        for (const pv of (d.aAccepted?.add ?? []) as PValue[]) accepted.set(pvalueKey(pv), pv);
      }
    }
  } finally {
    reader.close();
  }
  if (scan.events > 0) {
    // A first delta is relative to Init: the bottom promise, and the node's own ballot 0.
    const node = scan.header?.part?.node ?? 0;
    scan.durable = {
      aBallot: aBallot ?? { num: 0, leader: 0 },
      aAccepted: [...accepted.values()].sort((a, b) => a.slot - b.slot),
      lBallot: lBallot ?? { num: 0, leader: node },
      aMark,
      snapSlot,
    };
  }
  return scan;
}

/** Drops a last line cut mid-write (its step was never acted on: write-ahead), so appends start on a line of their own. */
export function cutToWholeLines(path: string, scan: PartScan): void {
  if (scan.cutBytes === 0) return;
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, scan.wholeBytes);
  } finally {
    closeSync(fd);
  }
  scan.cutBytes = 0;
}

/**
 * Records that the part's last incarnation died: cuts a cut line and appends a crash line,
 * unless the part already ends with an end or crash line (or holds nothing). Returns the scan
 * after the change. Call it only when no process writes the part (the node is dead).
 */
export function recordCrash(path: string, note: string, now: () => number = Date.now): PartScan {
  const scan = scanPart(path);
  if (scan.header === undefined) return scan;
  const node = scan.header.part?.node;
  if (node === undefined) throw new PartFileError(path, 1, 'not a part file (its header has no part.node)');
  cutToWholeLines(path, scan);
  if (scan.tail === 'end' || scan.tail === 'crash') return scan;
  const file = new NdjsonTraceFile(path, scan.header, { append: true, writeThrough: true });
  try {
    file.ending(crashLine(node, scan, note, now()));
  } finally {
    file.close();
  }
  return { ...scan, tail: 'crash' };
}

export function crashLine(node: number, scan: Pick<PartScan, 'lastSeq' | 'lastClock'>, note: string, at: number): TraceEnding {
  return { kind: 'crash', node, seq: scan.lastSeq, clock: scan.lastClock, at, note };
}
