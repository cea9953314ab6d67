/**
 * Traces whose slots decide batches (spec/MultiPaxos.tla, "Batches"; docs/trace-format.md,
 * *Batches*). A scripted run in which node 1's replica proposes two requests as one batch,
 * decided and executed on two replicas and answered to the client, passes every check, in full
 * and compact form; each edit below makes it wrong in one way an implementation could, and the
 * checker rejects it at that line, saying why.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { type TraceVerdict, formatVerdict } from '../../../src/trace/replay/check.js';
import { DeltaEncoder } from '../../../src/trace/format/deltaEncoder.js';
import { TRACE_FORMAT_V2, type SpecMessage, type FullTraceEvent, type TraceHeader } from '../../../src/trace/format/types.js';
import { traceFiles } from '../traceFiles.js';
import { batch } from './scriptedTrace.js';
import { AppReplay } from '../../../src/trace/client/appReplay.js';
import { appStateMachine } from '../../../src/trace/replay/apps.js';
import { CONSTANTS, batchRun, twoSlotRun } from './runs.js';
import { appReplayRejects } from '../client/appReplayRejection.js';

const files = traceFiles('batch-traces-');
afterAll(() => rmSync(files.dir, { recursive: true, force: true }));

const run = batchRun();
const header = run.trace.header;
const events = run.trace.events;

const check = (h: TraceHeader, evs: readonly unknown[]): TraceVerdict => files.checkEvents(h, evs);
/** The index of the one event that matches. */
function only(what: string, p: (e: FullTraceEvent) => boolean, evs: readonly FullTraceEvent[] = events): number {
  const found = evs.flatMap((e, i) => (p(e) ? [i] : []));
  if (found.length !== 1) throw new Error(`the run has ${found.length} ${what}`);
  return found[0]!;
}
/** Checks the run with one event replaced; expects a rejection at that event's line. */
function rejectsAt(i: number, edit: (e: FullTraceEvent) => void, h: TraceHeader = header): NonNullable<TraceVerdict['failure']> {
  const copy = structuredClone(events);
  edit(copy[i]!);
  const v = check(h, copy);
  expect(v.ok, formatVerdict(v)).toBe(false);
  expect(v.failure!.line, formatVerdict(v)).toBe(i + 2);
  return v.failure!;
}
const invokedOf = (e: FullTraceEvent): Extract<SpecMessage, { type: 'Invoked' }>[] =>
  e.sent.filter((m): m is Extract<SpecMessage, { type: 'Invoked' }> => m.type === 'Invoked');
const executeOn = (n: number): number => only(`ReplicaExecute on ${n}`, (e) => e.action === 'ReplicaExecute' && e.node === n);
const proposeAt = only('ReplicaPropose', (e) => e.action === 'ReplicaPropose');

describe('a batch decided in one slot and executed on two replicas', () => {
  it('is in the trace as the contract writes it: {batch: [r1, r2]}, two answers, one output each', () => {
    expect(events[proposeAt]!.params.proposal).toEqual({ batch: [run.r1, run.r2] });
    const ex = events[executeOn(2)]!;
    expect(ex.params.proposal).toEqual({ batch: [run.r1, run.r2] });
    expect(invokedOf(ex).map((m) => [m.prop.clientId, m.index])).toEqual([[1, 1], [2, 2]]);
    expect(ex.params.outputs).toEqual([{ ok: true, op: 'set', key: 'a' }, { ok: true, op: 'get', key: 'a', value: '1' }]);
    expect(ex.params.output).toBeUndefined();
    expect(ex.state.rExecuted).toEqual([run.r1, run.r2]);
  });

  it('passes schema, replay and the client-level checks, in full and in compact form', () => {
    const encoder = new DeltaEncoder(CONSTANTS.N);
    for (const evs of [events, events.map((e) => encoder.encode(e))]) {
      const v = check(header, evs);
      expect(v.ok, formatVerdict(v)).toBe(true);
      expect(v.events).toBe(events.length);
      expect(v.client).toMatchObject({ executed: 2, operations: 2 });
    }
  });
});

describe('a wrong batch trace is rejected, and the failure says why', () => {
  it('replica 2 runs the batch in another order', () => {
    const f = rejectsAt(executeOn(2), (e) => {
      e.state.rExecuted.reverse();
      for (const m of invokedOf(e)) m.index = 3 - m.index;
      e.params.outputs!.reverse();
    });
    expect(f.kind).toBe('spec');
    expect(f.message).toMatch(/ReplicaExecute leads elsewhere/);
    expect(f.diff!.join('\n')).toMatch(/rExecuted: spec \[\{"caller":1,"clientId":1.*\},\{"caller":1,"clientId":2.*\], trace \[\{"caller":1,"clientId":2/);
  });

  it('replica 2 runs the batch in another order and names that order as the batch it executed', () => {
    const f = rejectsAt(executeOn(2), (e) => {
      e.params.proposal = batch(run.r2, run.r1);
      e.state.rExecuted.reverse();
      for (const m of invokedOf(e)) m.index = 3 - m.index;
      e.params.outputs!.reverse();
    });
    expect(f.kind).toBe('spec');
    expect(f.message).toMatch(/ReplicaExecute is not enabled with these parameters.*: the event executes \{"batch":\[\{"caller":1,"clientId":2.* for slot 1, whose decided batch \{"batch":\[\{"caller":1,"clientId":1.* holds the same requests in another order/);
  });

  it('a replica answers each request of the batch with the batch\'s last index', () => {
    const f = rejectsAt(executeOn(1), (e) => { for (const m of invokedOf(e)) m.index = 2; });
    expect(f.kind).toBe('spec');
    expect(f.diff!.join('\n')).toMatch(/sent: spec sends \{"index":1,"prop":\{"caller":1,"clientId":1/);
    expect(f.diff!.join('\n')).toMatch(/sent: trace sends \{"index":2,"prop":\{"caller":1,"clientId":1/);
  });

  it('the leader splits the batch: it sends an Accept of its first request alone', () => {
    const at = only('LeaderReceivePropose', (e) => e.action === 'LeaderReceivePropose');
    const f = rejectsAt(at, (e) => {
      for (const m of e.sent) if (m.type === 'Accept') m.prop = run.r1;
      for (const c of e.state.commanders) c.prop = run.r1;
    });
    expect(f.kind).toBe('spec');
    expect(f.action).toBe('LeaderReceivePropose');
    expect(f.diff!.join('\n')).toMatch(/sent: spec sends \{"ballot":.*"prop":\{"batch":\[.*"type":"Accept"\}, trace does not/);
    expect(f.diff!.join('\n')).toMatch(/commanders: trace has .*"prop":\{"caller":1,"clientId":1/);
  });

  it('a long batch of one request (a batch of one is written as its request)', () => {
    const f = rejectsAt(proposeAt, (e) => { e.params.proposal = batch(run.r1); });
    expect(f.kind).toBe('schema');
    expect(f.pointer).toBe('/params/proposal/batch');
    expect(f.message).toMatch(/must NOT have fewer than 2 items/);
  });

  it('a batch that holds one request twice', () => {
    const f = rejectsAt(proposeAt, (e) => {
      e.params.proposal = batch(run.r1, run.r1);
      for (const m of e.sent) if (m.type === 'Propose') m.prop = batch(run.r1, run.r1);
    });
    expect(f.kind).toBe('schema');
    expect(f.message).toMatch(/batch must NOT have duplicate items/);
  });

  it('a batch longer than the header\'s BatchMax, or with no BatchMax in the header', () => {
    for (const [constants, why] of [
      [{ ...CONSTANTS, BatchMax: 1 }, /batch of 2 requests, but the header's BatchMax is 1/],
      [{ N: 3, Window: 2 }, /batch of 2 requests, but the header has no BatchMax \(so 1/],
    ] as const) {
      const h: TraceHeader = { ...header, spec: { ...header.spec, constants } };
      const v = check(h, events);
      expect(v.ok).toBe(false);
      expect(v.failure).toMatchObject({ kind: 'schema', line: proposeAt + 2, pointer: '/params/proposal/batch' });
      expect(v.failure!.message).toMatch(why);
    }
  });

  it('a paxos-trace/2 header with BatchMax above 1 (version 2 predates batches)', () => {
    const h: TraceHeader = { ...header, format: TRACE_FORMAT_V2 };
    const v = check(h, events);
    expect(v.failure).toMatchObject({ kind: 'header', line: 1, pointer: '/spec/constants/BatchMax' });
    expect(v.failure!.message).toMatch(/predates batches: BatchMax must be 1 or absent/);
  });

  it('an execution of a batch that reports one output, or a wrong one for its second request', () => {
    const one = rejectsAt(executeOn(1), (e) => { e.params.output = e.params.outputs![0]; delete e.params.outputs; });
    expect(one.kind).toBe('client');
    expect(one.message).toMatch(/ran 2 requests of a batch but reports no params.outputs/);
    const wrong = rejectsAt(executeOn(2), (e) => { e.params.outputs![1] = { ok: true, op: 'get', key: 'a', value: null }; });
    expect(wrong.kind).toBe('client');
    expect(wrong.message).toMatch(/executed request 1:2 \(index 2\) with output .*"value":null/);
  });
});

describe('a batch decided in two slots', () => {
  // runs.ts twoSlotRun: node 1 restarts and proposes its batch again; slots 1 and 2 both decide it.
  const { trace: t, r1, r2 } = twoSlotRun();
  const twice = t.events;
  const secondExecute = twice.map((e) => e.action).lastIndexOf('ReplicaExecute');

  it('passes: the second slot runs nothing (each request runs once, at its first place in the log)', () => {
    expect(twice[secondExecute]!.params.proposal).toEqual({ batch: [r1, r2] });
    expect(twice[secondExecute]!.sent).toEqual([]);
    const v = check(t.header, twice);
    expect(v.ok, formatVerdict(v)).toBe(true);
  });

  it('is rejected when the replica runs the batch\'s requests again in the second slot', () => {
    const copy = structuredClone(twice);
    const e = copy[secondExecute]!;
    e.state.rExecuted.push(r1, r2);
    e.sent = [{ type: 'Invoked', replica: 1, prop: r1, index: 3 }, { type: 'Invoked', replica: 1, prop: r2, index: 4 }];
    e.params.outputs = [{ ok: true, op: 'set', key: 'a' }, { ok: true, op: 'set', key: 'b' }];
    const v = check(t.header, copy);
    expect(v.ok).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'spec', line: secondExecute + 2, action: 'ReplicaExecute' });
    expect(v.failure!.diff!.join('\n')).toMatch(/rExecuted: spec \[.*\], trace \[\{"caller":1,"clientId":1.*\{"caller":1,"clientId":2.*\{"caller":1,"clientId":1.*\{"caller":1,"clientId":2/);
    expect(v.failure!.diff!.join('\n')).toMatch(/sent: trace sends \{"index":3/);
  });
});

describe('the replay compares batches request by request, in order', () => {
  it('a Propose that holds the batch in another order than the replica recorded', () => {
    // Both batches have no caller, clientId or input: a comparison of those fields alone finds them equal.
    const f = rejectsAt(proposeAt, (e) => { for (const m of e.sent) if (m.type === 'Propose') m.prop = batch(run.r2, run.r1); });
    expect(f.kind).toBe('spec');
    expect(f.diff!.join('\n')).toMatch(/sent: trace sends \{"prop":\{"batch":\[\{"caller":1,"clientId":2/);
  });
});

describe('the client-level checks alone (AppReplay, no spec replay): one answer, one index, one output per request', () => {
  /** The message of the ClientCheckError AppReplay throws at event `at` of the edited run (and at no earlier one). */
  function appRejectsAt(at: number, edit: (evs: FullTraceEvent[]) => void): string {
    const rejected = appReplayRejects(header, events, edit);
    if (rejected.at < 0) throw new Error('AppReplay accepted the edited run');
    expect(rejected.at).toBe(at);
    return rejected.message;
  }

  it('accepts the run: the two requests of the batch are the history\'s 1st and 2nd', () => {
    const replay = new AppReplay(appStateMachine(header.app!), header.spec.constants.ReplicaNodes ?? [1]);
    for (const ev of events) replay.step(ev);
    expect(replay.executed).toBe(2);
    expect(replay.operations).toBe(2);
    expect(replay.held, 'both were told their outcome').toEqual({ historyEntries: 2, operations: 0 });
  });

  it('rejects each request of the batch answered with the batch\'s last index', () => {
    const at = executeOn(1);
    expect(appRejectsAt(at, (evs) => { for (const m of invokedOf(evs[at]!)) m.index = 2; })).toMatch(/executed its request 1 but answers with index 2/);
  });

  it('rejects the client told the batch\'s first output for its second request', () => {
    const at = only('ClientReturn of 1:2', (e) => e.action === 'ClientReturn' && e.params.client!.clientId === 2);
    const message = appRejectsAt(at, (evs) => {
      const c = evs[at]!.params.client!;
      if (c.kind === 'return') c.output = { ok: true, op: 'set', key: 'a' };
    });
    expect(message).toMatch(/told .*"op":"set".* for request 1:2; its execution \(index 2\) gave .*"value":"1"/);
  });
});
