/**
 * Checks of the trace checker that no other test pinned down: for each, a plausible change to
 * the checker (review of the checker, "a link that cannot fail is worthless") made it accept
 * the edited trace below while every existing test still passed. Each test edits one golden
 * trace (traces/examples/) in one way the check exists to catch, and expects the checker to
 * reject it at the edited line with the kind of failure that check reports. The unedited
 * traces pass (fixtures.test.ts; the split into parts, here).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTraceSync, formatVerdict, type TraceVerdict } from '../../src/trace/replay/check.js';
import type { TraceEvent, TraceHeader } from '../../src/trace/format/types.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';

const EXAMPLES = new URL('../../traces/examples/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'checker-escapes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Json = Record<string, unknown>;

/** A golden trace: its header, and its events (events[i] is on line i + 2). */
function golden(name: string): { header: TraceHeader; events: TraceEvent[] } {
  const [first, ...rest] = readFileSync(EXAMPLES + name, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
  return { header: first as TraceHeader, events: rest as TraceEvent[] };
}

const lineOf = (index: number): number => index + 2;

function checkLines(name: string, values: readonly unknown[]): TraceVerdict {
  const path = join(dir, `${name}.ndjson`);
  writeFileSync(path, values.map((v) => JSON.stringify(v)).join('\n') + '\n');
  return checkTraceSync({ name, files: [path] });
}

/** The index of the first event that matches, after `from`. */
function find(events: readonly TraceEvent[], what: string, match: (e: TraceEvent) => boolean, from = 0): number {
  const i = events.findIndex((e, j) => j >= from && match(e));
  if (i < 0) throw new Error(`the golden trace has no ${what}: this test no longer exercises it`);
  return i;
}

describe('per-node order', () => {
  it('an event whose Lamport clock equals its node\'s previous one is rejected (a clock must increase)', () => {
    const { header, events } = golden('normal.ndjson');
    // An event of node 2 after its first: its clock set to that of node 2's event before it.
    const first = find(events, 'event of node 2', (e) => e.node === 2);
    const i = find(events, 'second event of node 2', (e) => e.node === 2, first + 1);
    const edited = structuredClone(events);
    edited[i]!.clock = edited[first]!.clock;
    const v = checkLines('equal-clock', [header, ...edited]);
    expect(v.ok, formatVerdict(v)).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'order', pointer: '/clock', line: lineOf(i) });
    expect(v.failure!.message).toMatch(/Lamport clock \d+ does not increase/);
  });
});

describe('full states', () => {
  // A full state builds the node's view afresh, with no spec value found equal to it yet: each
  // set field must be compared element by element, not by its size alone.
  const FIELDS = ['aAccepted', 'lProposals', 'rProposals', 'rDecisions'] as const;
  it.each(FIELDS)('a full state whose %s holds another element in place of one the spec has is rejected', (field) => {
    const { header, events } = golden('normal.ndjson');
    const i = find(events, `full state with a non-empty ${field}`, (e) => (e.state?.[field].length ?? 0) > 0);
    const edited = structuredClone(events);
    const set = edited[i]!.state![field] as Array<{ slot: number }>;
    set[0] = { ...set[0]!, slot: set[0]!.slot + 1000 };
    const v = checkLines(`full-state-${field}`, [header, ...edited]);
    expect(v.ok, formatVerdict(v)).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'spec', line: lineOf(i) });
  });
});

describe('ballots', () => {
  // A ballot is its number and its leader: (n, 1) and (n, 2) are two ballots, ordered apart.
  it.each(['aBallot', 'lBallot'] as const)('a state whose %s names another leader with the same number is rejected', (field) => {
    const { header, events } = golden('normal.ndjson');
    const i = find(events, `state with a ${field} past the bottom`, (e) => (e.state?.[field].leader ?? 0) > 0);
    const edited = structuredClone(events);
    const b = edited[i]!.state![field];
    edited[i]!.state![field] = { num: b.num, leader: (b.leader % header.spec.constants.N) + 1 };
    const v = checkLines(`other-leader-${field}`, [header, ...edited]);
    expect(v.ok, formatVerdict(v)).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'spec', line: lineOf(i) });
  });
});

describe('part files', () => {
  /** The crash-restart run split by node, as its processes would have written it (no lifecycle lines). */
  function writeParts(name: string, editHeader: (node: number, h: Json) => Json = (_n, h) => h): string[] {
    const { header, events } = golden('crash-restart.ndjson');
    const files: string[] = [];
    for (const node of header.cluster.nodes) {
      const path = join(dir, `${name}.node${node}.ndjson`);
      const h = editHeader(node, { ...header, part: { node } } as unknown as Json);
      writeFileSync(path, [h, ...events.filter((e) => e.node === node)].map((v) => JSON.stringify(v)).join('\n') + '\n');
      files.push(path);
    }
    return files;
  }

  /** The same parts as a lifecycle writer leaves them: a crash line before each NodeRestart, an end line last. */
  function writeLifecycleParts(name: string, editLines: (node: number, lines: Json[]) => Json[]): string[] {
    const { header, events } = golden('crash-restart.ndjson');
    const files: string[] = [];
    for (const node of header.cluster.nodes) {
      const lines: Json[] = [{ ...header, part: { node, lifecycle: true } } as unknown as Json];
      let last: TraceEvent | undefined;
      for (const e of events.filter((x) => x.node === node)) {
        if (e.action === 'NodeRestart') lines.push({ kind: 'crash', node, seq: last?.seq ?? 0, clock: last?.clock ?? 0, at: 0 });
        lines.push(e as unknown as Json);
        last = e;
      }
      lines.push({ kind: 'end', node, seq: last?.seq ?? 0, clock: last?.clock ?? 0, at: 0 });
      const path = join(dir, `${name}.node${node}.ndjson`);
      writeFileSync(path, editLines(node, lines).map((v) => JSON.stringify(v)).join('\n') + '\n');
      files.push(path);
    }
    return files;
  }

  it('the parts of one run pass', () => {
    const v = checkTraceSync({ name: 'parts', files: writeParts('parts') });
    expect(v.ok, formatVerdict(v)).toBe(true);
    expect(v.events).toBe(golden('crash-restart.ndjson').events.length);
  });

  it('parts whose headers name different runs are not merged', () => {
    const files = writeParts('two-runs', (node, h) => (node === 2 ? { ...h, runId: `${String(h.runId)}-other` } : h));
    const v = checkTraceSync({ name: 'two-runs', files });
    expect(v.ok, formatVerdict(v)).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'header', line: 1, file: files[1] });
    expect(v.failure!.message).toMatch(/same format, spec, constants and runId/);
  });

  it('parts whose headers list different node ids are rejected (cluster.nodes must be the spec\'s Node == 1..N, not only N of them)', () => {
    // Node 2's process names the nodes 1, 2 and 4: as many as N, but not the nodes the spec has.
    const files = writeParts('other-nodes', (node, h) => (node === 2 ? { ...h, cluster: { nodes: [1, 2, 4] } } : h));
    const v = checkTraceSync({ name: 'other-nodes', files });
    expect(v.ok, formatVerdict(v)).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'header', line: 1, file: files[1], pointer: '/cluster/nodes' });
    expect(v.failure!.message).toMatch(/cluster nodes \[1,2,4\] do not map to the spec's Node == 1\.\.N with N = 3/);
  });

  it('the same parts with their crash and end lines pass', () => {
    const v = checkTraceSync({ name: 'lifecycle-parts', files: writeLifecycleParts('lifecycle-parts', (_n, lines) => lines) });
    expect(v.ok, formatVerdict(v)).toBe(true);
  });

  it('an end line whose clock is below its node\'s last event is rejected (its seq and its clock both name the last event)', () => {
    // Node 3's end line keeps the seq of its last event but names a clock below that event's.
    const files = writeLifecycleParts('end-clock', (node, lines) => {
      if (node !== 3) return lines;
      const end = lines.at(-1)!;
      return [...lines.slice(0, -1), { ...end, clock: (end.clock as number) - 1 }];
    });
    const endLine = readFileSync(files[2]!, 'utf8').trim().split('\n').length;
    const v = checkTraceSync({ name: 'end-clock', files });
    expect(v.ok, formatVerdict(v)).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'lifecycle', file: files[2], line: endLine });
    expect(v.failure!.message).toMatch(/node 3's end line says its last event was seq (\d+) \(clock (\d+)\); the part's last event is seq \1 \(clock (?!\2\))\d+\)/);
  });
});

describe('format version 2', () => {
  it('a version 2 state whose scout carries a mark (new in version 3) is rejected, not silently reset to 1', () => {
    const { header, events } = golden('normal.ndjson');
    expect(header.format).toBe('paxos-trace/2');
    const i = find(events, 'state with a scout', (e) => e.state !== undefined && e.state.scout !== null);
    const edited = structuredClone(events);
    (edited[i]!.state!.scout as unknown as Json).mark = 3;
    const v = checkLines('v2-scout-mark', [header, ...edited]);
    expect(v.ok, formatVerdict(v)).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'schema', line: lineOf(i), pointer: '/state/scout/mark' });
    expect(v.failure!.message).toMatch(/new in paxos-trace\/3/);
  });
});

describe('event schema', () => {
  it('an event carrying both a whole state and a delta is rejected (exactly one of them)', () => {
    const { header, events } = golden('normal.ndjson');
    const i = find(events, 'event of a leader', (e) => e.state !== undefined && e.state.lActive === false, 5);
    const edited = structuredClone(events);
    // A delta the whole state contradicts: a checker reading one of the two would miss the other.
    (edited[i] as unknown as Json).delta = { lActive: true };
    const v = checkLines('state-and-delta', [header, ...edited]);
    expect(v.ok, formatVerdict(v)).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'schema', line: lineOf(i) });
  });
});

describe('client-level checks', () => {
  it('a Requester that invokes a request with an input other than the one the application asked is rejected', () => {
    const { header, events } = golden('normal.ndjson');
    expect(header.app?.tracked).toBe(true);
    // A tracked input is ["rid", "command"]: change the rid the application asked, keep the
    // command. The linearizability check reads only the command, so only the comparison of the
    // Requester's input with the application's can tell.
    const i = find(events, 'ClientInvoke', (e) => e.action === 'ClientInvoke' && e.params.client?.kind === 'invoke');
    const c = events[i]!.params.client as { kind: 'invoke'; clientId: number; input: string; at: number };
    const invoke = find(events, 'its RequesterInvoke', (e) => e.action === 'RequesterInvoke' && e.node === events[i]!.node
      && e.params.proposal?.clientId === c.clientId, i + 1);
    const [rid, command] = JSON.parse(c.input) as [string, string];
    const edited = structuredClone(events);
    (edited[i]!.params.client as { input: string }).input = JSON.stringify([`${rid}9`, command]);
    const v = checkLines('requester-input', [header, ...edited]);
    expect(v.ok, formatVerdict(v)).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'client', line: lineOf(invoke), action: 'RequesterInvoke' });
    expect(v.failure!.message).toMatch(/with input .*; the application asked/);
  });

  it('a second outcome for one request is rejected, even when it repeats the first', () => {
    const { header, events } = golden('normal.ndjson');
    const i = find(events, 'ClientReturn', (e) => e.action === 'ClientReturn' && e.params.client?.kind === 'return');
    const node = events[i]!.node;
    const last = events.filter((e) => e.node === node).at(-1)!;
    // The same return again, as the node's next event (its seq and clock follow its last; a
    // ClientReturn is a stuttering step, so it shows the node's state as its last event left it).
    const again = { ...structuredClone(events[i]!), seq: last.seq + 1, clock: last.clock + 1, state: structuredClone(last.state) };
    const v = checkLines('second-outcome', [header, ...events, again]);
    expect(v.ok, formatVerdict(v)).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'client', line: lineOf(events.length), action: 'ClientReturn' });
    expect(v.failure!.message).toMatch(/a second outcome for request/);
  });

  it('a second ClientInvoke for one request is rejected, even when it repeats the first', () => {
    const { header, events } = golden('normal.ndjson');
    const i = find(events, 'ClientInvoke', (e) => e.action === 'ClientInvoke' && e.params.client?.kind === 'invoke');
    const node = events[i]!.node;
    const last = events.filter((e) => e.node === node).at(-1)!;
    // The same invoke again, as the node's next event (a ClientInvoke is a stuttering step too).
    // Taken as a new request, it would replace the first, returned one with one still pending.
    const again = { ...structuredClone(events[i]!), seq: last.seq + 1, clock: last.clock + 1, state: structuredClone(last.state) };
    const v = checkLines('second-invoke', [header, ...events, again]);
    expect(v.ok, formatVerdict(v)).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'client', line: lineOf(events.length), action: 'ClientInvoke' });
    expect(v.failure!.message).toMatch(new RegExp(`the application invokes request ${node}:${String(events[i]!.params.client!.clientId)} twice`));
  });
});

describe('what a step sends', () => {
  it('a step that leaves out one of the messages the spec step sends is rejected (the sent sets compared by size too)', () => {
    // A new leader adopting two proposals sends an Accept for each. The golden traces have no
    // step sending two messages, so a simulated run (the leader crashed) gives one. A check that
    // only asked whether each message the trace shows is one the spec step sends (a reviewer's
    // bug) was caught only by the tests of Promise and Welcome parts.
    const path = join(dir, 'adopted-two.ndjson');
    traceScenario({ seed: 3, nodes: 3, app: 'kv', workload: { clients: 6, ops: 4 },
      schedule: scheduleOf({}, [{ kind: 'crash', at: 30, node: 1, restart: 400 }]) }, path, { eventLog: false, track: false });
    const [header, ...events] = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown) as [TraceHeader, ...TraceEvent[]];
    expect(checkLines('adopted-two-unedited', [header, ...events]).failure).toBeUndefined();
    const i = find(events, 'LeaderReceiveAdopted sending two Accepts', (e) => e.action === 'LeaderReceiveAdopted' && e.sent.filter((m) => m.type === 'Accept').length >= 2);
    const edited = structuredClone(events);
    edited[i]!.sent.pop();
    const v = checkLines('adopted-one-accept-left-out', [header, ...edited]);
    expect(v.ok, formatVerdict(v)).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'spec', line: lineOf(i), action: 'LeaderReceiveAdopted' });
  });
});
