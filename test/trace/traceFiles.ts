/**
 * Test helper: trace files in a fresh temporary folder, written from a header and events, and
 * checked whole (the walk-based trace tests write many edited variants of one trace).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CheckOptions, type TraceVerdict, checkTraceSync } from '../../src/trace/replay/check.js';
import type { TraceHeader } from '../../src/trace/format/types.js';

export interface TraceFiles {
  /** The folder the files go to (one per test file). */
  readonly dir: string;
  /** The lines of a trace: its header, then one event per line. */
  textOf(header: TraceHeader, events: readonly unknown[]): string[];
  /** Writes `lines` to `name` in the folder; returns its path. */
  write(name: string, lines: readonly string[]): string;
  /** The checker's verdict on one file, as one trace. */
  check(path: string, opts?: CheckOptions): TraceVerdict;
  /** Writes a header and its events to a new file of the folder and checks it. */
  checkEvents(header: TraceHeader, events: readonly unknown[], opts?: CheckOptions): TraceVerdict;
}

export function traceFiles(prefix: string): TraceFiles {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let written = 0;
  const files: TraceFiles = {
    dir,
    textOf: (header, events) => [JSON.stringify(header), ...events.map((e) => JSON.stringify(e))],
    write: (name, lines) => {
      const path = join(dir, name);
      writeFileSync(path, lines.join('\n') + '\n');
      return path;
    },
    check: (path, opts = {}) => checkTraceSync({ name: path, files: [path] }, opts),
    checkEvents: (header, events, opts = {}) => files.check(files.write(`t${written++}.ndjson`, files.textOf(header, events)), opts),
  };
  return files;
}
