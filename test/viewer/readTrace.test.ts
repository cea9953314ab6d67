/**
 * Reading traces for the picture: part files merge in exactly the checker's order (so a
 * rejected file:line is the event drawn), and reading goes on past bad lines.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MergedValues } from '../../src/trace/format/lines.js';
import { readTrace } from '../../src/viewer/readTrace.js';
import { writeSteadyRun } from './steadyRun.js';

let dir: string;
let whole: string;

/** Splits a one-file trace into per-node part files; `shuffle` swaps two events of node 2's part. */
function splitParts(name: string, shuffle: boolean): string[] {
  const [header, ...lines] = readFileSync(whole, 'utf8').trimEnd().split('\n');
  const byNode = new Map<number, string[]>();
  for (const l of lines) {
    const node = (JSON.parse(l) as { node: number }).node;
    byNode.set(node, [...(byNode.get(node) ?? []), l]);
  }
  if (shuffle) {
    const two = byNode.get(2)!;
    [two[10], two[11]] = [two[11]!, two[10]!];
  }
  return [...byNode.keys()].sort().map((n) => {
    const h = { ...JSON.parse(header!), part: { node: n } };
    const path = join(dir, `${name}.node${n}.ndjson`);
    writeFileSync(path, [JSON.stringify(h), ...byNode.get(n)!].join('\n') + '\n');
    return path;
  });
}

function checkerOrder(files: string[]): string[] {
  const src = new MergedValues(files);
  const out: string[] = [];
  for (let v = src.next(); v !== null; v = src.next()) if (v.line > 1) out.push(`${v.file}:${v.line}`);
  src.close();
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'viewer-read-'));
  whole = join(dir, 'steady.ndjson');
  writeSteadyRun(whole, { events: 400 });
});

describe('reading a trace', () => {
  it('merges part files in the order the checker replays them', () => {
    const files = splitParts('run', false);
    const run = readTrace(join(dir, 'run'), files);
    expect(run.events.length).toBe(400);
    expect(run.events.map((e) => `${run.files[e.file!]}:${e.line}`)).toEqual(checkerOrder(files));
    // A Lamport order: clocks never decrease.
    expect(run.events.every((e, i) => i === 0 || e.clock! >= run.events[i - 1]!.clock!)).toBe(true);
  });

  it('follows the checker\'s merge even when a part file is out of order', () => {
    const files = splitParts('shuffled', true);
    const run = readTrace(join(dir, 'shuffled'), files);
    expect(run.events.map((e) => `${run.files[e.file!]}:${e.line}`)).toEqual(checkerOrder(files));
  });

  it('follows the checker\'s merge for a line without a clock: merged as the largest clock (which holds its part back)', () => {
    const files = splitParts('clockless', false);
    // A line of a kind the viewer does not know, with no clock, early in node 1's part.
    const lines = readFileSync(files[0]!, 'utf8').trimEnd().split('\n');
    lines.splice(3, 0, JSON.stringify({ kind: 'ClientOutcome', node: 1, client: 'c1', outcome: 'ok' }));
    writeFileSync(files[0]!, lines.join('\n') + '\n');
    const run = readTrace(join(dir, 'clockless'), files);
    expect(run.events.map((e) => `${run.files[e.file!]}:${e.line}`)).toEqual(checkerOrder(files));
    expect(run.events.findIndex((e) => e.clock === null)).toBeGreaterThan(100);
  });

  it('keeps one file in file order, with the cluster\'s nodes as lanes and the header in the subtitle', () => {
    const run = readTrace(whole, [whole]);
    expect(run.nodes).toEqual([1, 2, 3]);
    expect(run.events.map((e) => e.line)).toEqual(Array.from({ length: 400 }, (_, i) => i + 2));
    expect(run.subtitle).toContain('steady-run');
    expect(Object.keys(run.initialStates)).toEqual(['1', '2', '3']);
  });

  it('goes on past lines it cannot read, and notes them', () => {
    const path = join(dir, 'bad.ndjson');
    const [header, a, b, c] = readFileSync(whole, 'utf8').split('\n');
    writeFileSync(path, [header, a, '{"node": 1, "clo', '', '[1,2]', b, '{"kind":"header"}', c].join('\n') + '\n');
    const run = readTrace(path, [path]);
    expect(run.events.map((e) => e.line)).toEqual([2, 6, 8]);
    expect(run.notes).toEqual([`${path}:3: not JSON (not shown)`, `${path}:4: empty line (not shown)`,
      `${path}:5: not a JSON object (not shown)`, `${path}:7: a second header line (not shown)`]);
  });

  it('draws events of kinds it does not know, and nodes the header does not name, on lanes of their own', () => {
    const path = join(dir, 'new-kinds.ndjson');
    const header = readFileSync(whole, 'utf8').split('\n')[0];
    writeFileSync(path, [header,
      JSON.stringify({ node: 1, seq: 1, clock: 1, action: 'ClientInvoke', client: 'c1', params: { op: 'put' } }),
      JSON.stringify({ kind: 'ClientOutcome', client: 'c1', outcome: 'ok' }),
      JSON.stringify({ node: 9, seq: 1, clock: 2, action: 'Stutter', params: {}, sent: [] }),
    ].join('\n') + '\n');
    const run = readTrace(path, [path]);
    expect(run.events.map((e) => [e.node, e.action])).toEqual([[1, 'ClientInvoke'], [null, 'ClientOutcome'], [9, 'Stutter']]);
    expect(run.nodes).toEqual([1, 2, 3, 9]);
  });

  it('stops at the event limit and says so', () => {
    const run = readTrace(whole, [whole], 50);
    expect(run.events.length).toBe(50);
    expect(run.notes).toEqual([`${whole}:52: more than 50 events; the rest are not shown`]);
    const files = splitParts('limited', false);
    const parts = readTrace(join(dir, 'limited'), files, 50);
    expect(parts.events.map((e) => `${parts.files[e.file!]}:${e.line}`)).toEqual(checkerOrder(files).slice(0, 50));
    expect(parts.notes.at(-1)).toMatch(/more than 50 events; the rest are not shown/);
  });
});
