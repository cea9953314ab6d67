/**
 * A Welcome's history named by its length (docs/trace-format.md, "Histories by length"): the
 * checker takes the segment from its replay of the sender. The resolver on its own (what it
 * accepts and what it rejects), then traces of simulations whose Welcomes go in parts: they
 * name their histories, pass the checker, and fail it once a length is wrong.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Proposal, SpecMessage, TraceEvent } from '../../../src/trace/format/types.js';
import { WelcomeHistories } from '../../../src/trace/replay/welcomeHistories.js';
import { messageKey } from '../../../src/trace/format/keys.js';
import { checkTraceSync, formatVerdict } from '../../../src/trace/replay/check.js';
import { readTrace } from '../../../src/trace/replay/tlc.js';
import { loadTraceSchemas } from '../../../src/trace/format/schemas.js';
import { faultScenario } from '../../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../../src/trace/runs/simTrace.js';
import { defaultNodeFactory, type NodeFactory } from '../../../src/sim/nodeFactory.js';

type Json = Record<string, unknown>;
const req = (clientId: number): Proposal => ({ caller: 1, clientId, input: `r${clientId}` });
const history = (n: number): Proposal[] => Array.from({ length: n }, (_, i) => req(i + 1));
const named = (part: number, parts: number, L: number, slot = 9): SpecMessage =>
  ({ type: 'Welcome', node: 2, slot, ...(parts > 1 ? { part, parts } : {}), decisions: [], executed: { historyLength: L } }) as unknown as SpecMessage;
const event = (node: number, action: string, sent: SpecMessage[], message?: SpecMessage): TraceEvent =>
  ({ node, seq: 1, clock: 1, role: 'Replica', action, params: message === undefined ? {} : { message }, sent, delta: {} }) as unknown as TraceEvent;
const executedOf = (m: SpecMessage | undefined): unknown => (m as { executed?: unknown } | undefined)?.executed;

describe('WelcomeHistories', () => {
  it('leaves an event without a named history as it is', () => {
    const ev = event(1, 'ReplicaExecute', [{ type: 'Decision', slot: 1, prop: req(1) }]);
    expect(new WelcomeHistories().resolve(ev, () => history(0))).toBe(ev);
  });

  it('gives each sent part its segment of the sender\'s history, and a receive the part that was sent', () => {
    const w = new WelcomeHistories();
    const sent = w.resolve(event(1, 'ReplicaReceiveJoin', [named(1, 3, 7), named(2, 3, 7), named(3, 3, 7)]), () => history(7));
    if ('problem' in sent) throw new Error(sent.problem);
    // Segment(q, i, 3) of 7 elements: [0, 2), [2, 4), [4, 7).
    expect(sent.sent.map((m) => (executedOf(m) as Proposal[]).map((p) => p.clientId))).toEqual([[1, 2], [3, 4], [5, 6, 7]]);
    const got = w.resolve(event(2, 'ReplicaReceiveWelcome', [], named(3, 3, 7)), () => history(0));
    if ('problem' in got) throw new Error(got.problem);
    expect(got.params.message).toEqual(sent.sent[2]);
  });

  it('rejects a length that is not the sender\'s', () => {
    const r = new WelcomeHistories().resolve(event(1, 'ReplicaReceiveJoin', [named(1, 1, 6)]), () => history(7));
    expect(r).toEqual({ problem: expect.stringMatching(/history has 6 requests; its history \(rExecuted\) has 7/) });
  });

  it('rejects receiving a named Welcome no step sent; a Stutter may name one', () => {
    const w = new WelcomeHistories();
    const sent = w.resolve(event(1, 'ReplicaReceiveJoin', [named(1, 1, 7)]), () => history(7));
    expect('problem' in sent).toBe(false);
    const r = w.resolve(event(2, 'ReplicaReceiveWelcome', [], named(1, 1, 8)), () => history(0));
    expect(r).toEqual({ problem: expect.stringMatching(/named by length \(8\), and no step sent that Welcome/) });
    const stutter = event(2, 'Stutter', [], named(1, 1, 8));
    expect(w.resolve(stutter, () => history(0))).toBe(stutter);
  });

  it('takes a Stutter that sends again a Welcome sent before as that message, whatever the sender executed since', () => {
    const w = new WelcomeHistories();
    const first = w.resolve(event(1, 'ReplicaReceiveJoin', [named(1, 2, 5), named(2, 2, 5)]), () => history(5));
    if ('problem' in first) throw new Error(first.problem);
    const again = w.resolve(event(1, 'Stutter', [named(2, 2, 5)]), () => history(9));
    if ('problem' in again) throw new Error(again.problem);
    expect(again.sent[0]).toEqual(first.sent[1]);
    // Only a Stutter re-sends; a step's Welcome carries the history the sender has now.
    expect(w.resolve(event(1, 'ReplicaReceiveJoin', [named(2, 2, 5)]), () => history(9)))
      .toEqual({ problem: expect.stringMatching(/history has 5 requests; its history \(rExecuted\) has 9$/) });
    // A Stutter cannot name a Welcome no step sent.
    expect(w.resolve(event(1, 'Stutter', [named(1, 2, 4)]), () => history(9)))
      .toEqual({ problem: expect.stringMatching(/history has 4 requests; its history \(rExecuted\) has 9, and no step sent that Welcome before/) });
  });

  it('finds a re-sent Welcome in msgs, or keeps only the key of one msgs forgot (dead)', () => {
    const msgs = new Map<string, SpecMessage>();
    const w = new WelcomeHistories(() => msgs);
    const first = w.resolve(event(1, 'ReplicaReceiveJoin', [named(1, 1, 3)]), () => history(3));
    if ('problem' in first) throw new Error(first.problem);
    const m = first.sent[0]!;
    msgs.set(messageKey(m), m);
    const again = w.resolve(event(1, 'Stutter', [named(1, 1, 3)]), () => history(4));
    if ('problem' in again) throw new Error(again.problem);
    expect(again.sent[0]).toBe(m);
    msgs.clear();
    const forgotten = w.resolve(event(1, 'Stutter', [named(1, 1, 3)]), () => history(4));
    if ('problem' in forgotten) throw new Error(forgotten.problem);
    expect(messageKey(forgotten.sent[0]!)).toBe(messageKey(m));
    expect(() => (executedOf(forgotten.sent[0]) as Proposal[]).map((p) => p)).toThrow(/forgotten \(dead\) Welcome/);
  });

  it('rejects two sends of one named Welcome with different histories, and accepts equal ones', () => {
    const w = new WelcomeHistories();
    const a = w.resolve(event(1, 'ReplicaReceiveJoin', [named(1, 1, 3)]), () => history(3));
    const b = w.resolve(event(3, 'ReplicaReceiveJoin', [named(1, 1, 3)]), () => history(3));
    if ('problem' in a || 'problem' in b) throw new Error('unexpected problem');
    expect(b.sent[0]).toEqual(a.sent[0]);
    const other = [req(1), req(2), req(9)];
    const c = w.resolve(event(4, 'ReplicaReceiveJoin', [named(1, 1, 3)]), () => other);
    expect(c).toEqual({ problem: expect.stringMatching(/two replicas' histories at one slot differ/) });
  });

  it('the projection schema takes a length, and nothing else in its place', () => {
    const schemas = loadTraceSchemas();
    const receive = (executed: unknown): unknown => ({
      node: 2, seq: 1, clock: 1, role: 'Replica', action: 'ReplicaReceiveWelcome',
      params: { from: 1, message: { type: 'Welcome', node: 2, slot: 3, decisions: [], executed } }, sent: [], delta: {},
    });
    expect(schemas.event(receive({ historyLength: 4 }))).toBeNull();
    expect(schemas.event(receive([req(1)]))).toBeNull();
    expect(schemas.event(receive({ historyLength: -1 }))).not.toBeNull();
    expect(schemas.event(receive({ historyLength: 4, from: 1 }))).not.toBeNull();
    expect(schemas.event(receive({}))).not.toBeNull();
  });
});

describe('traces whose Welcomes name their histories', () => {
  const dir = mkdtempSync(join(tmpdir(), 'welcome-histories-'));
  const small: NodeFactory = (id, peers, options, env) => defaultNodeFactory(id, peers, { ...options, limits: { ...options.limits, maxWelcomeBytes: 1_500 } }, env);
  const path = join(dir, 'sim-5004.ndjson');
  traceScenario(faultScenario(5004), path, { eventLog: false, checkpointEvery: 3, createNode: small }, 'test/trace/welcome/welcomeHistories.test.ts', true);
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const events = lines.slice(1).map((l) => JSON.parse(l) as Json);
  const isNamed = (m: unknown): boolean => (m as Json | undefined)?.type === 'Welcome' && !Array.isArray((m as Json).executed);

  it('name every history, in parts and whole, sent and received, and pass the checker', () => {
    const sent = events.flatMap((e) => (e.sent as Json[]).filter((m) => m.type === 'Welcome'));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every(isNamed)).toBe(true);
    expect(sent.some((m) => (m.parts as number | undefined ?? 1) > 1)).toBe(true);
    expect(events.some((e) => e.action === 'ReplicaReceiveWelcome' && isNamed((e.params as Json).message))).toBe(true);
    const v = checkTraceSync({ name: path, files: [path] }, { embedded: true, embeddedMaxEvents: 150 });
    expect(v.ok, formatVerdict(v)).toBe(true);
  });

  it('the replica that installs a Welcome names its new history too (it keeps none: a compact trace)', () => {
    const installs = events.filter((e) => e.action === 'ReplicaReceiveWelcome' && (e.delta as Json | undefined)?.rExecuted !== undefined);
    expect(installs.length).toBeGreaterThan(0);
    expect(installs.every((e) => !Array.isArray(((e.delta as Json).rExecuted as Json).reset))).toBe(true);
    // No event carries a whole state: a restart's first event is a delta too (truncate).
    expect(events.every((e) => e.state === undefined)).toBe(true);
  });

  it('the TLC module is given the histories themselves', async () => {
    const { events: full } = await readTrace([path]);
    const welcomes = full.flatMap((e) => [...e.sent, ...(e.params.message ? [e.params.message as SpecMessage] : [])]).filter((m) => m.type === 'Welcome');
    expect(welcomes.length).toBeGreaterThan(0);
    expect(welcomes.every((m) => Array.isArray(executedOf(m)))).toBe(true);
  });

  // A trace edited at one Welcome: the checker must notice.
  const edited = (edit: (e: Json) => boolean, name: string): string => {
    let done = false;
    const out = lines.map((l, i) => {
      if (i === 0 || done) return l;
      const e = JSON.parse(l) as Json;
      if (!edit(e)) return l;
      done = true;
      return JSON.stringify(e);
    });
    expect(done).toBe(true);
    const p = join(dir, name);
    writeFileSync(p, out.join('\n') + '\n');
    return p;
  };

  it('fail when a Join is answered with a length other than the sender\'s history', () => {
    const p = edited((e) => {
      const w = (e.sent as Json[]).find(isNamed);
      if (e.action !== 'ReplicaReceiveJoin' || w === undefined) return false;
      for (const m of (e.sent as Json[]).filter(isNamed)) (m.executed as Json).historyLength = ((m.executed as Json).historyLength as number) + 1;
      return true;
    }, 'wrong-length.ndjson');
    const v = checkTraceSync({ name: p, files: [p] });
    expect(v.ok).toBe(false);
    expect(formatVerdict(v)).toMatch(/its history \(rExecuted\) has/);
  });

  it('fail when a replica installs a history of another length than its Welcome\'s', () => {
    const p = edited((e) => {
      const ex = (e.delta as Json | undefined)?.rExecuted as Json | undefined;
      if (e.action !== 'ReplicaReceiveWelcome' || ex === undefined || Array.isArray(ex.reset)) return false;
      (ex.reset as Json).historyLength = ((ex.reset as Json).historyLength as number) + 1;
      return true;
    }, 'install-length.ndjson');
    const v = checkTraceSync({ name: p, files: [p] });
    expect(v.ok).toBe(false);
    expect(formatVerdict(v)).toMatch(/make no history of/);
  });

  it('fail when a history is reset by length anywhere but a Welcome install', () => {
    const p = edited((e) => {
      if (e.action !== 'ReplicaExecute' || e.delta === undefined) return false;
      (e.delta as Json).rExecuted = { reset: { historyLength: 1 } };
      return true;
    }, 'reset-elsewhere.ndjson');
    const v = checkTraceSync({ name: p, files: [p] });
    expect(v.ok).toBe(false);
    expect(formatVerdict(v)).toMatch(/outside the install of a Welcome/);
  });

  it('fail when a replica installs a Welcome that was never sent', () => {
    const p = edited((e) => {
      const m = (e.params as Json).message as Json | undefined;
      if (e.action !== 'ReplicaReceiveWelcome' || !isNamed(m)) return false;
      (m!.executed as Json).historyLength = ((m!.executed as Json).historyLength as number) + 1;
      return true;
    }, 'unsent.ndjson');
    const v = checkTraceSync({ name: p, files: [p] });
    expect(v.ok).toBe(false);
    expect(formatVerdict(v)).toMatch(/no step sent that Welcome/);
  });
});
