/**
 * The client-level checks on hand-edited traces. One real simulated run (key-value store,
 * two clients per node, two nodes crash and rejoin, so it has Welcomes and re-answered
 * retries) passes; each test changes one thing a client would see or a replica would hold
 * and expects the checker to reject the trace at that line, with the check that owns it.
 * The client-level edits are also fed to AppReplay alone, event by event, to show it is the
 * one that sees them. A last edit moves client times only: every output is still the one
 * its execution gave, so only the linearizability check can tell.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleOf } from '../../../src/sim/schedule.js';
import type { Scenario } from '../../../src/sim/scenario.js';
import type { TraceEvent, TraceHeader } from '../../../src/trace/format/types.js';
import { AppReplay } from '../../../src/trace/client/appReplay.js';
import { appStateMachine } from '../../../src/trace/replay/apps.js';
import { checkTrace, type TraceVerdict } from '../../../src/trace/replay/check.js';
import { appReplayRejects as firstRejection } from './appReplayRejection.js';
import { traceScenario } from '../../../src/trace/runs/simTrace.js';

const SCENARIO: Scenario = {
  seed: 3, nodes: 3, app: 'kv', workload: { clients: 6, ops: 4 },
  schedule: scheduleOf({}, [{ kind: 'crash', at: 30, node: 2, restart: 400 }, { kind: 'crash', at: 50, node: 3, restart: 450 }]),
};

let dir: string;
let header: TraceHeader;
/** The events of the run; events[i] is on line i + 2 (line 1 is the header). */
let events: TraceEvent[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'app-replay-'));
  const path = join(dir, 'run.ndjson');
  traceScenario(SCENARIO, path, { eventLog: false, track: false });
  const [first, ...rest] = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
  header = first as TraceHeader;
  events = rest as TraceEvent[];
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lineOf = (index: number): number => index + 2;

/** The index of the first event that matches. */
function find(what: string, match: (e: TraceEvent) => boolean): number {
  const i = events.findIndex(match);
  if (i < 0) throw new Error(`the run has no ${what}: the scenario no longer exercises it`);
  return i;
}

/** Checks the run with `edit` applied to a copy of its events. */
async function checkEdited(name: string, edit: (evs: TraceEvent[]) => void): Promise<TraceVerdict> {
  const copy = structuredClone(events);
  edit(copy);
  const path = join(dir, `${name}.ndjson`);
  writeFileSync(path, [header, ...copy].map((v) => JSON.stringify(v)).join('\n') + '\n');
  return checkTrace({ name: path, files: [path] });
}

/** AppReplay alone (no spec replay) over the edited events: the index of the event it rejects, or -1. */
const appReplayRejects = (edit: (evs: TraceEvent[]) => void) => firstRejection(header, events, edit);

/** When the application invoked the request a client event is about. */
function callOf(e: TraceEvent): number {
  const invoke = events.find((x) => x.action === 'ClientInvoke' && x.node === e.node && x.params.client!.clientId === e.params.client!.clientId);
  return invoke!.params.client!.at;
}

const isExecution = (e: TraceEvent): boolean => e.action === 'ReplicaExecute' && e.params.output !== undefined;
const isClientReturn = (e: TraceEvent): boolean => e.action === 'ClientReturn' && e.params.client?.kind === 'return';

describe('AppReplay on a real run', () => {
  it('accepts the unedited run, with every client operation linearizable', async () => {
    const v = await checkEdited('unedited', () => {});
    expect(v.failure).toBeUndefined();
    expect(v.client?.executed).toBeGreaterThan(20);
    expect(v.client?.operations).toBe(events.filter((e) => e.action === 'ClientInvoke').length);
    expect(appReplayRejects(() => {}).at).toBe(-1);
  });

  it('has what the edits below need: Welcomes sent and installed, and retried requests answered again', () => {
    for (const action of ['ReplicaReceiveJoin', 'ReplicaReceiveWelcome', 'NodeRestart']) find(action, (e) => e.action === action);
    find('re-answer', (e) => e.action === 'ReplicaReceiveInvoke' && e.params.output !== undefined);
  });
});

describe('edits a client-level check rejects at their line', () => {
  const cases: { name: string; pick: () => number; edit: (e: TraceEvent) => void; expected: RegExp }[] = [
    {
      name: 'an execution reports another output',
      pick: () => find('execution', isExecution),
      edit: (e) => { e.params.output = { ok: true, op: 'set', key: 'k9' }; },
      expected: /with output .*k9.*; the application gives/,
    },
    {
      name: 'an execution reports another state digest',
      pick: () => find('execution', (e) => isExecution(e) && events.indexOf(e) > 10),
      edit: (e) => { e.params.digest = '0123456789abcdef'; },
      expected: /has digest 0123456789abcdef; the history gives/,
    },
    {
      // Not the first replica to run that request: a check made only where a request first runs
      // (a reviewer's bug) would let a replica that fell behind drift unseen.
      name: 'an execution by a replica behind the first to run that request reports another state digest',
      pick: () => find('second execution', (e) => isExecution(e) && events.some((x, j) => j < events.indexOf(e) && isExecution(x) && x.node !== e.node
        && JSON.stringify(x.params.proposal) === JSON.stringify(e.params.proposal))),
      edit: (e) => { e.params.digest = '0123456789abcdef'; },
      expected: /has digest 0123456789abcdef; the history gives/,
    },
    {
      // A replica that stops reporting its digest would hide any drift of its state.
      name: 'an execution reports no state digest',
      pick: () => find('execution', (e) => isExecution(e) && events.indexOf(e) > 10),
      edit: (e) => { delete e.params.digest; },
      expected: /has digest \(none\); the history gives/,
    },
    {
      name: 'a Welcome is sent with another state',
      pick: () => find('Welcome sent', (e) => e.action === 'ReplicaReceiveJoin'),
      edit: (e) => { e.params.digest = '0123456789abcdef'; },
      expected: /welcomes with an application state of digest 0123456789abcdef/,
    },
    {
      name: 'a Welcome is installed with another state',
      pick: () => find('Welcome installed', (e) => e.action === 'ReplicaReceiveWelcome'),
      edit: (e) => { e.params.digest = '0123456789abcdef'; },
      expected: /installs a Welcome state of digest 0123456789abcdef/,
    },
    {
      name: 'a retried request is answered with another output',
      pick: () => find('re-answer', (e) => e.action === 'ReplicaReceiveInvoke' && e.params.output !== undefined),
      edit: (e) => { e.params.output = { ok: true, op: 'get', key: 'k1', value: 'stale' }; },
      expected: /answers request .* with output .*stale.*; its execution gave/,
    },
    {
      // An answer that carries no output is no answer the client could use: a check that
      // compared only the outputs an answer states (a reviewer's bug) let it through.
      name: 'a retried request is answered with no output',
      pick: () => find('re-answer', (e) => e.action === 'ReplicaReceiveInvoke' && e.params.output !== undefined),
      edit: (e) => { delete e.params.output; },
      expected: /answers request .* with output null; its execution gave/,
    },
    {
      name: 'the application is told another output',
      pick: () => find('client return', isClientReturn),
      edit: (e) => { e.params.client = { ...e.params.client!, output: { ok: true, op: 'get', key: 'k1', value: 'y~' } } as typeof e.params.client; },
      expected: /the application is told .*y~.* for request .*; its execution \(index \d+\) gave/,
    },
    {
      name: 'the application is told of a return before it called',
      pick: () => find('client return', (e) => isClientReturn(e) && callOf(e) > 0),
      edit: (e) => { e.params.client = { ...e.params.client!, at: callOf(e) / 2 } as typeof e.params.client; },
      expected: /returns at [\d.]+, before it was invoked at [\d.]+/,
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const i = c.pick();
      const edit = (evs: TraceEvent[]): void => c.edit(evs[i]!);
      const v = await checkEdited(c.name.replaceAll(' ', '-'), edit);
      expect(v.failure?.kind, v.failure?.message).toBe('client');
      expect(v.failure?.line).toBe(lineOf(i));
      expect(v.failure?.message).toMatch(c.expected);
      expect(appReplayRejects(edit).at).toBe(i);
    });
  }

  it('a Requester invokes a request the application never invoked (its ClientInvoke dropped)', async () => {
    const dropped = find('client invoke', (e) => e.action === 'ClientInvoke' && e.node === 2);
    const invoke = events.findIndex((e, j) => j > dropped && e.action === 'RequesterInvoke' && e.node === 2 &&
      e.params.proposal?.clientId === events[dropped]!.params.client!.clientId);
    expect(invoke).toBeGreaterThan(dropped);
    // Dropping a line leaves a hole in the node's seq numbers: close it, as a writer that never emitted the event would.
    const drop = (evs: TraceEvent[]): void => {
      evs.splice(dropped, 1);
      for (const e of evs.slice(dropped)) if (e.node === 2) e.seq--;
    };
    const v = await checkEdited('dropped-client-invoke', drop);
    expect(v.failure?.kind, v.failure?.message).toBe('client');
    expect(v.failure?.line).toBe(lineOf(invoke - 1));
    expect(v.failure?.message).toMatch(/Requester invokes request 2:\d+, which the application did not invoke \(no ClientInvoke\)/);
    expect(appReplayRejects(drop).at).toBe(invoke - 1);
  });

  it('a Requester invokes a request another node\'s application invoked (still in play): rejected, not taken as that request', async () => {
    // A request of node 1 whose outcome is still untold when node 2's Requester next invokes:
    // that invoke is edited to name node 1's request. Found by its id alone, it would pass (a
    // reviewer's bug dropped the caller check): node 2's client never asked for it.
    let at = -1;
    let theirs: TraceEvent['params']['proposal'];
    for (const [j, e] of events.entries()) {
      if (e.action !== 'ClientInvoke' || e.node !== 1) continue;
      const { clientId, input } = e.params.client as { clientId: number; input: string };
      const told = events.findIndex((x, k) => k > j && x.action === 'ClientReturn' && x.node === 1 && x.params.client!.clientId === clientId);
      const k = events.findIndex((x, k) => k > j && (told < 0 || k < told) && x.action === 'RequesterInvoke' && x.node === 2);
      if (k >= 0) { at = k; theirs = { caller: 1, clientId, input }; break; }
    }
    expect(at, 'the run has no invoke of node 2 while a request of node 1 is in play').toBeGreaterThan(0);
    const edit = (evs: TraceEvent[]): void => { evs[at]!.params.proposal = theirs; };
    const v = await checkEdited('requester-invokes-another-nodes-request', edit);
    expect(v.failure).toBeDefined();
    const alone = appReplayRejects(edit);
    expect(alone.at).toBe(at);
    expect(alone.message).toMatch(/node 2's Requester invokes request 1:\d+, which the application did not invoke/);
  });

  it('an answer names another index: the spec replay rejects it first, and AppReplay alone too', async () => {
    const i = find('execution', (e) => isExecution(e) && e.node === 1 && events.indexOf(e) > 10);
    const edit = (evs: TraceEvent[]): void => {
      const answer = evs[i]!.sent.find((m) => m.type === 'Invoked');
      if (answer?.type !== 'Invoked') throw new Error('an execution without its answer');
      (answer as { index: number }).index += 1;
    };
    const v = await checkEdited('invoked-index', edit);
    expect(v.failure?.kind).toBe('spec');
    expect(v.failure?.line).toBe(lineOf(i));
    const alone = appReplayRejects(edit);
    expect(alone.at).toBe(i);
    expect(alone.message).toMatch(/executed its request \d+ but answers with index \d+/);
  });

  it('the application is told an output before any replica executed its request: AppReplay alone rejects it there', () => {
    // The client-boundary rule itself (a reviewer's bug that forgot such an outcome instead of
    // failing was caught only by the slow mutant run): the return is moved to just after its
    // call, before every execution. AppReplay alone, since the move breaks the node's seq order.
    const ret = find('client return', isClientReturn);
    const e = events[ret]!;
    const call = events.findIndex((x) => x.action === 'ClientInvoke' && x.node === e.node && x.params.client!.clientId === e.params.client!.clientId);
    expect(call).toBeGreaterThanOrEqual(0);
    const edit = (evs: TraceEvent[]): void => { const [moved] = evs.splice(ret, 1); evs.splice(call + 1, 0, moved!); };
    const alone = appReplayRejects(edit);
    expect(alone.at).toBe(call + 1);
    expect(alone.message).toMatch(/the application is told an output for request \d+:\d+, which no replica has executed/);
  });
});

describe('an edit only the real-time check sees', () => {
  it('a read returns before the write whose value it read was invoked', async () => {
    // A get that read a value, and every write of that value to its key: the get is moved to
    // just before the earliest of them is called. Outputs are untouched: only the real-time
    // order of the replicas' history (the linearization it proposes) is wrong.
    const calls = new Map<string, number>();
    for (const e of events) if (e.action === 'ClientInvoke') calls.set(`${e.node}:${e.params.client!.clientId}`, e.params.client!.at);
    const inputOf = new Map<string, { op: string; key: string; value?: string }>();
    for (const e of events) {
      const c = e.params.client;
      if (c?.kind === 'invoke') inputOf.set(`${e.node}:${c.clientId}`, JSON.parse(c.input) as { op: string; key: string; value?: string });
    }
    const writersOf = (key: string, value: string): number[] => [...inputOf].filter(([, x]) => x.op !== 'get' && x.key === key && x.value === value).map(([id]) => calls.get(id)!);
    let read: { invoke: number; ret: number; before: number } | undefined;
    for (const [r, e] of events.entries()) {
      if (!isClientReturn(e)) continue;
      const c = e.params.client;
      if (c?.kind !== 'return') continue;
      const out = c.output as { op?: string; key?: string; value?: string | null };
      if (out.op !== 'get' || typeof out.value !== 'string') continue;
      const earliest = Math.min(...writersOf(out.key!, out.value));
      if (!(earliest > 0)) continue;
      const invoke = events.findIndex((x) => x.action === 'ClientInvoke' && x.node === e.node && x.params.client!.clientId === e.params.client!.clientId);
      read = { invoke, ret: r, before: earliest / 2 };
      break;
    }
    if (read === undefined) throw new Error('the run has no get that read a value written after time 0');
    const edit = (evs: TraceEvent[]): void => {
      for (const [i, at] of [[read!.invoke, read!.before - 0.001], [read!.ret, read!.before]] as const) {
        evs[i]!.params.client = { ...evs[i]!.params.client!, at } as TraceEvent['params']['client'];
      }
    };
    const alone = appReplayRejects(edit);
    expect(alone.at, 'rejected at the read\'s return, online').toBe(read.ret);
    expect(alone.message).toMatch(/returned at [\d.]+, before request \d+:\d+, which the replicas executed ahead of it .* the replicas' order contradicts real time/);
    const v = await checkEdited('read-before-write', edit);
    expect(v.failure?.kind, v.failure?.message).toBe('linearizability');
    expect(v.failure?.line).toBe(lineOf(read.ret));
  });

  it('a return at the very time a request executed ahead of it was invoked is concurrent with it, and accepted', async () => {
    // The replicas' order, from AppReplay itself, and each request's call and return.
    const order: string[] = [];
    const probe = new AppReplay(appStateMachine(header.app!), header.spec.constants.ReplicaNodes ?? [1, 2, 3]);
    probe.onAppend = (p) => order.push(`${p.caller}:${p.clientId}`);
    for (const e of events) probe.step(e);
    const calls = new Map<string, number>();
    const returns = new Map<string, number>();
    for (const [i, e] of events.entries()) {
      const c = e.params.client;
      if (c?.kind === 'invoke') calls.set(`${e.node}:${c.clientId}`, c.at);
      if (c?.kind === 'return') returns.set(`${e.node}:${c.clientId}`, i);
    }
    // A returned request called before the latest call ahead of it in the history and returned after it.
    let pick: { ret: number; latestAhead: number } | undefined;
    let latestAhead = -Infinity;
    for (const id of order) {
      const ret = returns.get(id);
      if (pick === undefined && ret !== undefined && calls.get(id)! < latestAhead && events[ret]!.params.client!.at > latestAhead) pick = { ret, latestAhead };
      latestAhead = Math.max(latestAhead, calls.get(id)!);
    }
    if (pick === undefined) throw new Error('the run has no request concurrent with the latest call ahead of it');
    const returnAt = (at: number) => (evs: TraceEvent[]): void => {
      evs[pick!.ret]!.params.client = { ...evs[pick!.ret]!.params.client!, at } as TraceEvent['params']['client'];
    };
    // Equal times count as concurrent (linearizability/history.ts): a check that took a return
    // at that call's time for one before it (a reviewer's bug, <= for <) rejected this run.
    expect(appReplayRejects(returnAt(pick.latestAhead))).toEqual({ at: -1, message: '' });
    const v = await checkEdited('return-at-call-ahead', returnAt(pick.latestAhead));
    expect(v.failure?.message).toBeUndefined();
    // A moment earlier, it precedes that call: the real-time check is live here.
    const earlier = appReplayRejects(returnAt(pick.latestAhead - 0.001));
    expect(earlier.at).toBe(pick.ret);
    expect(earlier.message).toMatch(/the replicas' order contradicts real time/);
  });
});
