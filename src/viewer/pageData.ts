/**
 * What the page embeds, in two parts:
 * - the drawing data, columns of small integers (lane, row, action, flags, ...) with string
 *   tables, as plain JSON: all the page needs for its first paint, parsed synchronously;
 * - the details, one line per event (its text as written), gzipped and base64-encoded: the
 *   bulk of a long trace (about ten times smaller compressed), decompressed by the browser
 *   after the first paint and parsed one event at a time when clicked.
 */
import { gzipSync } from 'node:zlib';
import { type ArrowMatch } from './arrows.js';
import { FLAG, eventFlags, eventTag, packRows } from './layout.js';
import type { ViewRun } from './types.js';

export interface PageData {
  format: 'paxos-viewer/1';
  kind: ViewRun['kind'];
  title: string;
  subtitle: string;
  files: string[];
  lanes: Array<{ label: string; node: number | null }>;
  actions: string[];
  roles: string[];
  tags: string[];
  types: string[];
  rows: number;
  /**
   * Per event, in replay order. `rowStep` and `lineStep` are delta-encoded (each value minus
   * the one before: mostly 0 and 1, a third of the text). `file` (index into files, -1 for a
   * counterexample) is given per event only for part files; `fileAll` otherwise. Clock and
   * seq are in each event's line (the details).
   */
  ev: { lane: number[]; rowStep: number[]; act: number[]; role: number[]; tag: number[]; flag: number[]; lineStep: number[]; file?: number[]; fileAll?: number };
  /** Per arrow (sorted by receive): send and receive event indexes, message type index. */
  ar: { from: number[]; to: number[]; type: number[] };
  /** Lane index -> that node's state before its first event. */
  init: Record<number, unknown>;
  highlight: { event: number | null; title: string; lines: string[] } | null;
  notes: string[];
  flagBits: typeof FLAG;
}

/** Strings stored once, referred to by index. */
class Table {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) { i = this.list.length; this.list.push(s); this.index.set(s, i); }
    return i;
  }
}

export interface Page { data: PageData; detailsGzipBase64: string; detailsBytes: number }

export function buildPage(run: ViewRun, match: ArrowMatch): Page {
  const n = run.events.length;
  const lanes: PageData['lanes'] = run.nodes.map((node) => ({ label: `node ${node}`, node }));
  const laneOf = new Map<number | null, number>(run.nodes.map((node, i) => [node, i]));
  if (run.events.some((e) => e.node === null || !laneOf.has(e.node))) {
    laneOf.set(null, lanes.length);
    lanes.push({ label: run.kind === 'counterexample' && run.nodes.length === 0 ? 'spec state' : '(no node)', node: null });
  }
  const actions = new Table(); const roles = new Table(); const tags = new Table(); const types = new Table();
  const rows = packRows(run.events, match.arrows);
  const { flags, marks } = eventFlags(run.events, match.unmatched, run.highlight?.event ?? null, run.initialStates);
  const ev: PageData['ev'] = { lane: [], rowStep: [], act: [], role: [], tag: [], flag: [], lineStep: [] };
  const files: number[] = [];
  let lastRow = 0; let lastLine = 0;
  const lines: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const e = run.events[i]!;
    ev.lane.push(laneOf.get(e.node) ?? laneOf.get(null)!);
    ev.rowStep.push(rows[i]! - lastRow);
    lastRow = rows[i]!;
    ev.act.push(actions.id(e.action));
    ev.role.push(roles.id(typeof e.raw.role === 'string' ? e.raw.role : ''));
    const mark = marks.get(i);
    ev.tag.push(tags.id(mark === undefined ? eventTag(e) : [mark, eventTag(e)].filter((x) => x !== '').join(' · ')));
    ev.flag.push(flags[i]!);
    files.push(e.file ?? -1);
    ev.lineStep.push((e.line ?? -1) - lastLine);
    lastLine = e.line ?? -1;
    lines[i] = e.text ?? JSON.stringify(e.raw);
  }
  if (files.every((f) => f === files[0])) ev.fileAll = files[0] ?? -1; else ev.file = files;
  const arrows = [...match.arrows].sort((a, b) => a.to - b.to);
  const ar: PageData['ar'] = { from: arrows.map((a) => a.from), to: arrows.map((a) => a.to), type: arrows.map((a) => types.id(a.type)) };
  const init: Record<number, unknown> = {};
  for (const [node, lane] of laneOf) if (node !== null && run.initialStates[node] !== undefined) init[lane] = run.initialStates[node];
  const data: PageData = {
    format: 'paxos-viewer/1', kind: run.kind, title: run.title, subtitle: run.subtitle ?? '', files: run.files, lanes,
    actions: actions.list, roles: roles.list, tags: tags.list, types: types.list,
    rows: rows.reduce((m, r) => Math.max(m, r + 1), 0), ev, ar, init, highlight: run.highlight ?? null, notes: run.notes, flagBits: FLAG,
  };
  const details = Buffer.from(lines.join('\n'), 'utf8');
  return { data, detailsGzipBase64: gzipSync(details, { level: 6 }).toString('base64'), detailsBytes: details.length };
}
