/**
 * The fast replay forgets dead messages (src/trace/spec/deadMessages.ts): it must change no
 * verdict, and it must bound what the replay holds. Every trace here is checked twice, keeping
 * every message and sweeping after every step (the most forgetting can do), and the two
 * verdicts must be the same: on the golden traces, on every invalid fixture (same line, same
 * kind), and on simulations with checkpoints and faults.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTraceSync, formatVerdict, type TraceVerdict } from '../../src/trace/replay/check.js';
import { faultScenario } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';
import { messageKey } from '../../src/trace/format/keys.js';
import type { SpecMessage, TraceEvent } from '../../src/trace/format/types.js';

const FIXTURES = new URL('../fixtures/traces/', import.meta.url).pathname;
const EXAMPLES = new URL('../../traces/examples/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'forget-dead-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const check = (path: string, forget: boolean): TraceVerdict =>
  checkTraceSync({ name: path, files: [path] }, forget ? { forgetAt: 0, noClient: true } : { forget: false, noClient: true });
const outcome = (v: TraceVerdict) => ({ ok: v.ok, events: v.events, line: v.failure?.line, kind: v.failure?.kind, message: v.failure?.message });

describe('forgetting dead messages changes no verdict', () => {
  const files = [
    ...readdirSync(EXAMPLES).filter((f) => f.endsWith('.ndjson')).map((f) => EXAMPLES + f),
    ...readdirSync(FIXTURES).filter((f) => f.endsWith('.ndjson')).map((f) => FIXTURES + f),
  ];
  it.each(files)('%s', (path) => {
    const kept = check(path, false);
    const swept = check(path, true);
    expect(outcome(swept)).toEqual(outcome(kept));
    expect(kept.messages?.forgotten ?? 0).toBe(0);
  });

  // 5004 restarts nodes from snapshots and welcomes a peer; 5002 compacts on every node.
  it.each([5002, 5004, 5006])('a simulation with checkpoints and faults (seed %i): same verdict, fewer messages held', (seed) => {
    const path = join(dir, `sim-${seed}.ndjson`);
    traceScenario(faultScenario(seed), path, { eventLog: false, checkpointEvery: 3 }, 'test/trace/forgetDead.test.ts', true);
    const kept = check(path, false);
    const swept = check(path, true);
    expect(kept.ok, formatVerdict(kept)).toBe(true);
    expect(outcome(swept)).toEqual(outcome(kept));
    expect(swept.messages!.forgotten).toBeGreaterThan(0);
    expect(swept.messages!.peak).toBeLessThan(kept.messages!.peak);
  }, 300_000);
});

const lastIndex = <T>(xs: readonly T[], f: (x: T) => boolean): number => {
  for (let i = xs.length - 1; i >= 0; i--) if (f(xs[i]!)) return i;
  return -1;
};

/** Rejected at `line`, keeping every message and sweeping after every step alike. */
function rejectedEitherWay(path: string, line: number): void {
  for (const forget of [false, true]) {
    const v = check(path, forget);
    expect(v.ok, `forget: ${forget}`).toBe(false);
    expect(v.failure?.line, `forget: ${forget}`).toBe(line);
  }
}

describe('what a replay that forgets still rejects', () => {
  /** A checkpointed simulation's trace, and a copy with one event edited. */
  function edited(seed: number, edit: (events: TraceEvent[]) => number): { path: string; line: number } {
    const path = join(dir, `edit-${seed}.ndjson`);
    traceScenario(faultScenario(seed), path, { eventLog: false, checkpointEvery: 3 }, 'test/trace/forgetDead.test.ts', false);
    const [header, ...events] = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TraceEvent);
    const i = edit(events);
    const out = join(dir, `edit-${seed}-bad.ndjson`);
    writeFileSync(out, [header, ...events].map((e) => JSON.stringify(e)).join('\n') + '\n');
    return { path: out, line: i + 2 };
  }

  it('a Stutter that re-sends, as already sent, a live message no step sent', () => {
    // Late in the run, after sweeps: a retransmission of a Decision for a slot no one decided.
    const { path, line } = edited(5002, (events) => {
      const i = lastIndex(events, (e) => e.action === 'Stutter' && e.sent.length > 0);
      if (i < 0) throw new Error('the run has no retransmission: this test exercises nothing');
      const e = events[i]!;
      const fake: SpecMessage = { type: 'Decision', slot: 100_000, prop: { caller: 1, clientId: 999_999, input: 'never proposed' } };
      events[i] = { ...e, sent: [...e.sent, fake] };
      return i;
    });
    rejectedEitherWay(path, line);
  });

  it('a Stutter that re-sends, as already sent, an answer no step gave (a client told of an execution that has not happened)', () => {
    const { path, line } = edited(5002, (events) => {
      const i = lastIndex(events, (e) => e.action === 'Stutter');
      const answered = events.find((e) => e.sent.some((m) => m.type === 'Invoked'));
      if (i < 0 || answered === undefined) throw new Error('the run has no Stutter or no answer: this test exercises nothing');
      const real = answered.sent.find((m) => m.type === 'Invoked') as SpecMessage & { type: 'Invoked' };
      const e = events[i]!;
      events[i] = { ...e, sent: [...e.sent, { ...real, index: real.index + 100_000 }] };
      return i;
    });
    rejectedEitherWay(path, line);
  });

  it('a Stutter that re-sends an answer at an index its replica snapshotted, naming another request than the one executed there', () => {
    // An Invoked is dead once the snapshot holds its request at its index; the same index with
    // another request is an answer no step gave (a client told another request's result).
    const { path, line } = edited(5002, (events) => {
      const i = lastIndex(events, (e) => e.action === 'Stutter');
      const answers = events.flatMap((e) => e.sent.filter((m): m is SpecMessage & { type: 'Invoked' } => m.type === 'Invoked'));
      const real = answers[0];
      const other = answers.find((m) => real !== undefined && JSON.stringify(m.prop) !== JSON.stringify(real.prop));
      if (i < 0 || real === undefined || other === undefined) throw new Error('the run has no Stutter or too few answers: this test exercises nothing');
      const fake: SpecMessage = { ...real, prop: other.prop };
      expect(answers.some((m) => messageKey(m) === messageKey(fake)), 'the fake was sent').toBe(false);
      const e = events[i]!;
      events[i] = { ...e, sent: [...e.sent, fake] };
      return i;
    });
    rejectedEitherWay(path, line);
  });

  it('a Requester that invokes, late in the run, an id its caller used early (with another input)', () => {
    // By then a replay that forgets keeps the early request's id only (SpecState.invokedForgotten).
    let node = 0;
    const { path, line } = edited(5002, (events) => {
      const i = lastIndex(events, (e) => e.action === 'RequesterInvoke');
      if (i < 0) throw new Error('the run invokes nothing: this test exercises nothing');
      node = events[i]!.node;
      const first = events.find((e) => e.action === 'RequesterInvoke' && e.node === node)!;
      const early = first.params.proposal!;
      const again = { ...early, input: `${early.input} (again)` };
      const e = events[i]!;
      expect(e.params.proposal!.clientId).not.toBe(early.clientId);
      const replaced = e.params.proposal!;
      const same = (p: typeof again) => p.caller === replaced.caller && p.clientId === replaced.clientId;
      // The node's invoked (its whole state, or the delta's addition) holds the request invoked.
      const state = e.state === undefined ? undefined : { ...e.state, invoked: e.state.invoked.map((p) => (same(p) ? again : p)) };
      const delta = e.delta === undefined ? undefined : { ...e.delta, invoked: { add: [again] } };
      events[i] = { ...e, params: { ...e.params, proposal: again }, sent: [{ type: 'Invoke', replica: again.caller, prop: again }],
        ...(state === undefined ? {} : { state }), ...(delta === undefined ? {} : { delta }) };
      return i;
    });
    rejectedEitherWay(path, line);
    const v = check(path, true);
    expect(v.failure?.message).toContain('RequesterInvoke');
  });

  it('a receipt of a live message no step sent', () => {
    // An acceptor "receives" an Accept for a slot far above every mark: live, and never sent.
    const { path, line } = edited(5002, (events) => {
      const i = lastIndex(events, (e) => e.action === 'AcceptorReceiveAccept');
      if (i < 0) throw new Error('the run has no Accept received: this test exercises nothing');
      const e = events[i]!;
      const m = e.params.message as SpecMessage & { type: 'Accept' };
      const fake = { ...m, slot: m.slot + 50_000 };
      expect(messageKey(fake)).not.toBe(messageKey(m));
      events[i] = { ...e, params: { ...e.params, message: fake } };
      return i;
    });
    rejectedEitherWay(path, line);
  });

  /**
   * The last Stutter that names the message which prompted it, that message replaced by
   * `fake(minMark)` (a message nobody sent; minMark: the lowest acceptor mark there), and
   * optionally renamed as another action: a step the spec has no action for, judged by its
   * message alone.
   */
  const stutterNaming = (fake: (minMark: number) => SpecMessage, as?: { action: string; role: string }) => edited(5002, (events) => {
    const i = lastIndex(events, (e) => e.action === 'Stutter' && e.params.message !== undefined);
    if (i < 0) throw new Error('the run has no Stutter prompted by a message: this test exercises nothing');
    const marks = new Map<number, number>();
    for (const e of events.slice(0, i + 1)) marks.set(e.node, e.state!.aMark);
    const m = fake(Math.min(...[1, 2, 3].map((n) => marks.get(n) ?? 1)));
    const key = messageKey(m);
    expect(events.some((e) => e.sent.some((x) => x.type === m.type && messageKey(x) === key)), 'the fake was sent').toBe(false);
    events[i] = { ...events[i]!, ...as, params: { ...events[i]!.params, message: m } };
    return i;
  });
  const never = { caller: 1, clientId: 999_999, input: 'never proposed' };

  it('a Stutter prompted by a live message nobody sent (it could name any message before 2026-12-03)', () => {
    const { path, line } = stutterNaming(() => ({ type: 'Accept', ballot: { num: 999, leader: 1 }, slot: 50_000, prop: never }));
    rejectedEitherWay(path, line);
    expect(check(path, true).failure?.message).toMatch(/^Stutter receives .*, which no step sent/);
    // The spec itself says so: with the embedded oracle on that event too, the verdict is the
    // spec's, not "the oracles disagree" (which it would be had the engine's replay taken it).
    const v = checkTraceSync({ name: path, files: [path] }, { embeddedWindows: [{ from: line - 2, to: line - 1 }], noClient: true });
    expect(v.embeddedEvents).toBe(1);
    expect(v.failure).toMatchObject({ line, kind: 'spec' });
  }, 120_000);

  it('a Stutter prompted by an answer nobody gave (a client told of an execution that has not happened)', () => {
    // A Requester's receipt of an Invoked is a Stutter: the answer must have been sent, or be dead.
    const { path, line } = stutterNaming(() => ({ type: 'Invoked', replica: 1, index: 100_000, prop: never }));
    rejectedEitherWay(path, line);
    expect(check(path, true).failure?.message).toMatch(/^Stutter receives .*"type":"Invoked".*, which no step sent/);
  });

  it('a Stutter prompted by an Invoke to a node outside the cluster: a verdict (asking whether it was dead threw a TypeError)', () => {
    const { path, line } = stutterNaming(() => ({ type: 'Invoke', replica: 4, prop: never }));
    rejectedEitherWay(path, line);
    expect(check(path, false).failure?.message).toMatch(/^Stutter receives .*"replica":4.*, which no step sent/);
  });

  it('a receipt that changes nothing, of a live message nobody sent (a stuttering step, as the spec has no step for it)', () => {
    const { path, line } = stutterNaming(() => ({ type: 'Accept', ballot: { num: 999, leader: 1 }, slot: 50_000, prop: never }), { action: 'AcceptorReceiveAccept', role: 'Acceptor' });
    rejectedEitherWay(path, line);
    expect(check(path, true).failure?.message).toMatch(/^AcceptorReceiveAccept receives .*, which no step sent/);
    const v = checkTraceSync({ name: path, files: [path] }, { embeddedWindows: [{ from: line - 2, to: line - 1 }], noClient: true });
    expect(v.failure).toMatchObject({ line, kind: 'spec' });
  }, 120_000);

  it('what is left: a Stutter may name a dead message nobody sent, forgetting or not', () => {
    // Below every acceptor's mark: an Accept there is dead, whatever it carries.
    const { path } = stutterNaming((minMark) => {
      if (minMark < 2) throw new Error('no acceptor mark above 1 there: this test exercises nothing');
      return { type: 'Accept', ballot: { num: 999, leader: 1 }, slot: minMark - 1, prop: never };
    });
    for (const forget of [false, true]) expect(check(path, forget).ok, `forget: ${forget}`).toBe(true);
  });
});
