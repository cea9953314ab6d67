/**
 * A trace is untrusted input (a file from a bug report, a CI artifact): this one carries
 * markup in every string the page shows (run id, file name, action, role, message type,
 * parameters, fields the viewer does not know). Drawn, all of it must stay text.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Would end the page's data <script> and run code, were it written as is. */
export const MARKUP = '</script><img src=x onerror="window.pwned=1">';
/** Short enough to be drawn whole as an event's label (longer ones are cut). */
export const SHORT_MARKUP = '<b>bold</b>';
/** The file's name, shown as the page's title. */
export const HOSTILE_NAME = '<i>hostile.ndjson';

/** Writes the trace into dir; returns its path. */
export function writeHostileTrace(dir: string): string {
  const path = join(dir, HOSTILE_NAME);
  const header = { kind: 'header', format: 'paxos-trace/1', spec: { module: 'MultiPaxos', constants: { N: 2, Window: 1 } }, cluster: { nodes: [1, 2] }, runId: MARKUP, generator: SHORT_MARKUP };
  const message = { type: SHORT_MARKUP, body: MARKUP };
  writeFileSync(path, [header,
    { node: 1, seq: 1, clock: 1, role: MARKUP, action: SHORT_MARKUP, params: { note: { text: MARKUP } }, sent: [message] },
    { node: 2, seq: 1, clock: 2, role: 'Client', action: MARKUP, params: { from: 1, message }, sent: [], extra: MARKUP },
  ].map((x) => JSON.stringify(x)).join('\n') + '\n');
  return path;
}
