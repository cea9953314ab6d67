/**
 * Part files of real processes: how each incarnation of a node ends (end and crash lines, a
 * last line cut mid-write) and what the checker makes of it. The parts are the golden
 * crash-restart trace split by node, as the processes of that run would have written them.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../src/trace/replay/check.js';
import { runCheckTracesCli } from '../../src/trace/replay/cli.js';
import type { TraceEnding, TraceEvent, TraceHeader } from '../../src/trace/format/types.js';

const EXAMPLE = new URL('../../traces/examples/crash-restart.ndjson', import.meta.url).pathname;

interface Split { header: TraceHeader; byNode: Map<number, TraceEvent[]> }

function split(): Split {
  const [first, ...rest] = readFileSync(EXAMPLE, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
  const byNode = new Map<number, TraceEvent[]>();
  for (const ev of rest as TraceEvent[]) byNode.set(ev.node, [...(byNode.get(ev.node) ?? []), ev]);
  return { header: first as TraceHeader, byNode };
}

const ending = (kind: 'end' | 'crash', ev: TraceEvent | undefined, node: number): TraceEnding =>
  ({ kind, node, seq: ev?.seq ?? 0, clock: ev?.clock ?? 0, at: 0 });

/**
 * Writes one part per node as a lifecycle writer would: a crash line before every NodeRestart
 * (the restarted process found its predecessor dead) and an end line last (a clean stop).
 * `edit` may change a node's list of lines before it is written.
 */
function writeParts(edit: (node: number, lines: unknown[]) => unknown[] = (_n, l) => l, lifecycle = true): string {
  const { header, byNode } = split();
  const dir = mkdtempSync(join(tmpdir(), 'lifecycle-'));
  for (const [node, events] of byNode) {
    const lines: unknown[] = [{ ...header, part: lifecycle ? { node, lifecycle: true } : { node } }];
    let previous: TraceEvent | undefined;
    for (const ev of events) {
      if (ev.action === 'NodeRestart' && lifecycle) lines.push(ending('crash', previous, node));
      lines.push(ev);
      previous = ev;
    }
    if (lifecycle) lines.push(ending('end', previous, node));
    writeFileSync(join(dir, `run.node${node}.ndjson`), edit(node, lines).map((l) => (typeof l === 'string' ? l : JSON.stringify(l) + '\n')).join(''));
  }
  return dir;
}

const parts = (dir: string): string[] => [1, 2, 3].map((n) => join(dir, `run.node${n}.ndjson`));
const check = (dir: string) => checkTrace({ name: 'run', files: parts(dir) });

describe('part files with lifecycle lines', () => {
  it('the crash-restart run split into parts, with its crash and end lines, passes', async () => {
    const v = await check(writeParts());
    expect(v.failure).toBeUndefined();
    expect(v.ok).toBe(true);
    expect(v.events).toBe(143);
  });

  it('a part that stops after an event with no end or crash line lost its tail: reported', async () => {
    const v = await check(writeParts((node, lines) => (node === 2 ? lines.slice(0, -1) : lines)));
    expect(v.ok).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'lifecycle', file: expect.stringMatching(/run\.node2\.ndjson$/) });
    expect(v.failure!.message).toMatch(/node 2's part ends after its event seq \d+ with neither an end line nor a crash/);
  });

  it('a last line cut mid-write reads as a crash at the last whole event, not as an error', async () => {
    // Node 1's last event is cut halfway, as SIGKILL during its write would leave it.
    const v = await check(writeParts((node, lines) => {
      if (node !== 1) return lines;
      const kept = lines.slice(0, -2);
      const text = JSON.stringify(lines[lines.length - 2]);
      return [...kept, text.slice(0, text.length >> 1)];
    }));
    expect(v.failure).toBeUndefined();
    expect(v.ok).toBe(true);
  });

  it('the same cut in a single-file trace is still an input error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifecycle-'));
    const file = join(dir, 'one.ndjson');
    const text = readFileSync(EXAMPLE, 'utf8');
    writeFileSync(file, text.slice(0, text.length - 40));
    const v = await checkTrace({ name: 'one', files: [file] });
    expect(v.failure).toMatchObject({ kind: 'input', message: expect.stringMatching(/truncated last line/) });
  });

  it('an end line that names an earlier event than the part holds (a writer that lost events) is reported', async () => {
    const v = await check(writeParts((node, lines) => {
      if (node !== 3) return lines;
      const last = lines[lines.length - 1] as TraceEnding;
      return [...lines.slice(0, -1), { ...last, seq: last.seq - 1 }];
    }));
    expect(v.failure).toMatchObject({ kind: 'lifecycle', message: expect.stringMatching(/events were lost/) });
  });

  it('an incarnation that ended must be followed by NodeRestart', async () => {
    // A crash line in the middle of node 1's events, where no restart follows.
    const v = await check(writeParts((node, lines) => {
      if (node !== 1) return lines;
      const at = 5;
      const previous = lines[at - 1] as TraceEvent;
      return [...lines.slice(0, at), ending('crash', previous, 1), ...lines.slice(at)];
    }));
    expect(v.failure).toMatchObject({ kind: 'lifecycle', message: expect.stringMatching(/not NodeRestart/) });
  });

  it('a part without lifecycle keeps the old rule: any prefix passes', async () => {
    const v = await check(writeParts((node, lines) => (node === 2 ? lines.slice(0, -3) : lines), false));
    expect(v.ok).toBe(true);
  });

  it('an ending line that breaks its schema is a schema failure', async () => {
    const v = await check(writeParts((node, lines) => {
      if (node !== 2) return lines;
      return [...lines.slice(0, -1), { ...(lines[lines.length - 1] as object), seq: -1 }];
    }));
    expect(v.failure).toMatchObject({ kind: 'schema' });
  });

  it('a part cut to its header alone (no event, no end or crash line) lost its tail too: reported, naming its node', async () => {
    // Node 3's part holds only its header. The spec replay would stop first, at a message node 3
    // sent that no step sent now: the schema-only check reaches the end of the parts.
    const dir = writeParts((node, lines) => (node === 3 ? lines.slice(0, 1) : lines));
    const v = await checkTrace({ name: 'run', files: parts(dir) }, { schemaOnly: true });
    expect(v.ok).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'lifecycle', line: 1, file: expect.stringMatching(/run\.node3\.ndjson$/) });
    expect(v.failure!.message).toMatch(/^node 3's part ends after its event seq 0 with neither an end line nor a crash/);
    // With a crash line at seq 0 after the header (a process that died before its first event),
    // the same schema-only check passes.
    const crashed = writeParts((node, lines) => (node === 3 ? [lines[0], ending('crash', undefined, 3)] : lines));
    const w = await checkTrace({ name: 'run', files: parts(crashed) }, { schemaOnly: true });
    expect(w.failure).toBeUndefined();
    expect(w.ok).toBe(true);
  });

  it('a second part of a node that holds only its header is reported by the full check, after every event passed', async () => {
    // A process of node 2 that wrote its header to a part of its own and stopped: the run's
    // events all pass, but that part says nothing of how its node ended.
    const dir = writeParts();
    const extra = join(dir, 'run.node2.second.ndjson');
    writeFileSync(extra, readFileSync(join(dir, 'run.node2.ndjson'), 'utf8').split('\n')[0] + '\n');
    const v = await checkTrace({ name: 'run', files: [...parts(dir), extra] });
    expect(v.ok).toBe(false);
    expect(v.events).toBe(143);
    expect(v.failure).toMatchObject({ kind: 'lifecycle', line: 1, file: extra });
    expect(v.failure!.message).toMatch(/^node 2's part ends after its event seq \d+ with neither an end line nor a crash/);
  });

  it('an event in the part of another node is reported: each part tracks how its own node ends', async () => {
    // Node 3's second incarnation (from its NodeRestart on) written into node 1's part, with no
    // end or crash line of its own: were it taken, that incarnation's lost tail would go unseen.
    const dir = writeParts();
    const linesOf = (n: number) => readFileSync(join(dir, `run.node${n}.ndjson`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { node?: number; seq?: number; clock?: number; kind?: string; action?: string });
    const node3 = linesOf(3);
    const restart = node3.findIndex((l) => l.action === 'NodeRestart');
    expect(restart).toBeGreaterThan(0);
    const moved = node3.slice(restart, -1);
    const node1 = linesOf(1);
    const events1 = node1.slice(1, -1);
    // Node 1's part keeps clock order (ties by node), as the merge expects of every part.
    const merged = [...events1, ...moved].sort((a, b) => a.clock! - b.clock! || a.node! - b.node!);
    const last1 = events1[events1.length - 1]!;
    const write = (n: number, ls: unknown[]) => writeFileSync(join(dir, `run.node${n}.ndjson`), ls.map((l) => JSON.stringify(l) + '\n').join(''));
    write(1, [node1[0], ...merged, ending('end', last1 as TraceEvent, 1)]);
    write(3, node3.slice(0, restart));
    const v = await check(dir);
    expect(v.ok).toBe(false);
    expect(v.failure).toMatchObject({ file: join(dir, 'run.node1.ndjson') });
    expect(v.failure!.message).toMatch(/node 3/);
  });

  it('check-traces on a folder of parts passes, and names the part that lost its tail', async () => {
    const out: string[] = [];
    expect(await runCheckTracesCli([writeParts(), '--jobs', '1'], (s) => out.push(s), () => {})).toBe(0);
    const bad = writeParts();
    const node3 = join(bad, 'run.node3.ndjson');
    writeFileSync(node3, readFileSync(node3, 'utf8').split('\n').slice(0, -2).join('\n') + '\n');
    out.length = 0;
    expect(await runCheckTracesCli([bad, '--jobs', '1'], (s) => out.push(s), () => {})).toBe(1);
    expect(out.join('\n')).toMatch(/run\.node3\.ndjson:\d+: lifecycle: node 3's part ends after/);
  });
});
