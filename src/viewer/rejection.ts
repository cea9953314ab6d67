/**
 * Which event a checker rejected, to point at it: by running check-traces' own check (the
 * fast oracle) on the trace, or from a line number and difference given on the command line.
 */
import { type Failure, checkTraceSync } from '../trace/replay/check.js';
import type { Highlight, ViewRun } from './types.js';

export type CheckOutcome = { ok: true; events: number } | { ok: false; failure: Failure } | { ok: null; error: string };

/** The checker's verdict; a checker that cannot run (a bug, an unreadable spec) is reported, not thrown. */
export function checkForRejection(name: string, files: readonly string[]): CheckOutcome {
  try {
    const v = checkTraceSync({ name, files: [...files] });
    return v.ok ? { ok: true, events: v.events } : { ok: false, failure: v.failure! };
  } catch (e) {
    return { ok: null, error: (e as Error).message };
  }
}

/** The event read from file:line, if one was (a header or an unreadable line is no event). */
export function eventAt(run: ViewRun, file: string, line: number): number | null {
  const f = run.files.indexOf(file);
  if (f < 0) return null;
  const i = run.events.findIndex((e) => e.file === f && e.line === line);
  return i < 0 ? null : i;
}

export function highlightFromFailure(run: ViewRun, f: Failure): Highlight {
  const where = `${f.file}:${f.line}`;
  const action = f.action !== undefined ? ` (action ${f.action}${f.oracle !== undefined ? `, ${f.oracle} oracle` : ''})` : '';
  const lines = [f.message];
  if (f.pointer !== undefined && f.pointer !== '') lines.push(`at JSON pointer ${f.pointer}`);
  if (f.diff !== undefined && f.diff.length > 0) lines.push('difference (spec vs trace):', ...f.diff);
  return { event: eventAt(run, f.file, f.line), title: `check-traces rejects ${where}: ${f.kind}${action}`, lines };
}

/**
 * A highlight given by hand: `--reject-line N` (a line of the trace's only file) or
 * `--reject-line FILE:N` (a part file), with an optional difference text.
 */
export function highlightFromLine(run: ViewRun, spec: string, difference: string | undefined): Highlight {
  const m = /^(?:(.*):)?(\d+)$/.exec(spec);
  if (m === null) throw new RangeError(`--reject-line wants N or FILE:N, got ${JSON.stringify(spec)}`);
  const file = m[1] ?? run.files[0] ?? '';
  const line = Number(m[2]);
  const event = eventAt(run, file, line);
  const lines = difference !== undefined ? difference.split('\n') : [];
  if (event === null) lines.unshift(`(line ${line} of ${file} is not an event of this trace)`);
  return { event, title: `rejected at ${file}:${line}`, lines };
}
