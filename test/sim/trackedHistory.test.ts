/**
 * The tracked state machine's history and digest (src/sim/tracking.ts). States that extend
 * one another share one history array, so every state must still read its own history, also
 * when one state is extended twice; and the chain digest must tell histories apart as the
 * whole-state digest did, whatever way a state was reached (executions, a snapshot's restore,
 * the JSON a Welcome carries).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkTraceSync, formatVerdict, type TraceVerdict } from '../../src/trace/replay/check.js';
import { faultScenario } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';
import type { StateMachine } from '../../src/node/api.js';
import { stateDigest } from '../../src/statemachines/digest.js';
import { kv } from '../../src/statemachines/kv.js';
import { toNodeStateMachine } from '../../src/statemachines/codec.js';
import { HISTORY_CHAIN_START, type TrackedState, historyChainOf, tagInput, trackedStateMachine, trackedStateOf } from '../../src/sim/tracking.js';
import type { AppSnapshots } from '../../src/statemachines/types.js';

type Tracked = StateMachine<TrackedState<unknown>> & Partial<AppSnapshots<TrackedState<unknown>>>;
const machine = (digest: 'chain' | 'whole' = 'chain'): Tracked => trackedStateMachine(toNodeStateMachine(kv), () => {}, digest);
const set = (rid: string, key: string, value: string): string => tagInput(rid, JSON.stringify({ op: 'set', key, value }));

describe('tracked states sharing one history array', () => {
  it('a chain of executions appends to one array: no execution copies the history before it', () => {
    const sm = machine();
    let state = sm.initial();
    for (let i = 1; i <= 100; i++) [state] = sm.apply(state, set(`1:${i}`, `k${i % 7}`, `v${i}`));
    // From here each execution extends the newest state, as a replica's do.
    const copies = vi.spyOn(Array.prototype, 'slice');
    try {
      for (let i = 101; i <= 1_100; i++) [state] = sm.apply(state, set(`1:${i}`, `k${i % 7}`, `v${i}`));
      const longCopies = copies.mock.contexts.filter((a) => Array.isArray(a) && (a as unknown[]).length >= 100);
      expect(longCopies).toHaveLength(0);
    } finally {
      copies.mockRestore();
    }
    expect(state.history).toHaveLength(1_100);
    expect(state.history.at(-1)).toBe('1:1100');
  });

  it('each state reads its own history, along any tree of executions', () => {
    // A step extends one of the states made so far (often an older one: a fork).
    const steps = fc.array(fc.record({ from: fc.nat(), id: fc.integer({ min: 1, max: 9 }) }), { maxLength: 60 });
    fc.assert(fc.property(steps, (plan) => {
      const sm = machine();
      const states: TrackedState<unknown>[] = [sm.initial()];
      const expected: string[][] = [[]];
      plan.forEach(({ from, id }, i) => {
        const at = from % states.length;
        const [next] = sm.apply(states[at]!, set(`1:${i + 1}`, `k${id}`, `v${i}`));
        states.push(next);
        expected.push([...expected[at]!, `1:${i + 1}`]);
      });
      // Read after every execution: no later one changed an earlier state's history.
      states.forEach((s, i) => {
        expect(s.history).toEqual(expected[i]);
        expect(trackedStateOf(s)!.historyLength).toBe(expected[i]!.length);
        expect(trackedStateOf(s)!.historyChain).toBe(historyChainOf(expected[i]!));
      });
    }), { numRuns: 200 });
  });

  it('a history read before a later execution stays as it was read', () => {
    const sm = machine();
    const [a] = sm.apply(sm.initial(), set('1:1', 'k', 'a'));
    const read = a.history;
    sm.apply(a, set('1:2', 'k', 'b'));
    expect(read).toEqual(['1:1']);
  });
});

describe('the chain digest', () => {
  const run = (sm: Tracked, inputs: readonly string[]): TrackedState<unknown> =>
    inputs.reduce((s, input) => sm.apply(s, input)[0], sm.initial());
  const inputs = [set('1:1', 'a', 'x'), set('2:1', 'b', 'y'), set('1:2', 'a', 'z')];

  it('is the same for a state however it was reached: executions, a restored snapshot, a Welcome\'s JSON', () => {
    const sm = machine();
    const s = run(sm, inputs);
    const restored = sm.restore!(sm.snapshot!(s));
    const json = JSON.parse(JSON.stringify(s)) as unknown;
    expect(json).toEqual({ app: JSON.parse(JSON.stringify(s.app)), history: ['1:1', '2:1', '1:2'] });
    // What a replica installs from a Welcome's JSON: the state the machine reads back.
    const fromJson = sm.fromJson!(json);
    expect(fromJson.history).toEqual(['1:1', '2:1', '1:2']);
    expect(sm.digest!(restored)).toBe(sm.digest!(s));
    expect(sm.digest!(fromJson)).toBe(sm.digest!(s));
    // A state from JSON executes on as the original does.
    const next = set('3:1', 'c', 'w');
    expect(sm.digest!(sm.apply(fromJson, next)[0])).toBe(sm.digest!(sm.apply(s, next)[0]));
  });

  it('tells apart histories with the same app state, and app states with the same history', () => {
    const sm = machine();
    // Two writes of one key in either order, then the same last write: same app state, other history.
    const a = run(sm, [set('1:1', 'k', 'x'), set('2:1', 'k', 'y'), set('1:2', 'k', 'z')]);
    const b = run(sm, [set('2:1', 'k', 'y'), set('1:1', 'k', 'x'), set('1:2', 'k', 'z')]);
    expect(a.app).toEqual(b.app);
    expect(sm.digest!(a)).not.toBe(sm.digest!(b));
    // One more execution of the first request (a duplicate) changes the digest too.
    const twice = sm.apply(a, set('1:2', 'k', 'z'))[0];
    expect(twice.app).toEqual(a.app);
    expect(sm.digest!(twice)).not.toBe(sm.digest!(a));
    // Same ids, another value written: another app state.
    const c = run(sm, [set('1:1', 'k', 'x'), set('2:1', 'k', 'y'), set('1:2', 'k', 'other')]);
    expect(c.history).toEqual(a.history);
    expect(sm.digest!(c)).not.toBe(sm.digest!(a));
  });

  it('starts from the chain of the empty history, and the whole digest is stateDigest of { app, history }', () => {
    expect(historyChainOf([])).toBe(HISTORY_CHAIN_START);
    const whole = machine('whole');
    const s = run(whole, inputs);
    expect(whole.digest!(s)).toBe(stateDigest({ app: s.app, history: s.history }));
    expect(machine().digest!(s)).not.toBe(whole.digest!(s));
  });
});

describe('a traced run of the tracked machine, checked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracked-chain-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'run.ndjson');
  // A run with a crash and a restart (the restored replica's digests come from its snapshot).
  traceScenario({ ...faultScenario(3), nodes: 3, checkpointEvery: 4, workload: { clients: 2, ops: 15 } }, path, {}, 'test', true);
  const [header, ...events] = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const check = (name: string, lines: readonly unknown[]): TraceVerdict => {
    const p = join(dir, `${name}.ndjson`);
    writeFileSync(p, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    return checkTraceSync({ name, files: [p] });
  };
  const executes = events.flatMap((e, i) => (e.action === 'ReplicaExecute' && (e.params as { digest?: string }).digest !== undefined ? [i] : []));

  it('says its digests are chained, and passes', () => {
    expect(header!.app).toEqual({ name: 'kv', tracked: true, trackedDigest: 'chain', digest: 'entries' });
    expect(executes.length).toBeGreaterThan(10);
    const v = check('as-written', [header, ...events]);
    expect(v.ok, formatVerdict(v)).toBe(true);
  });

  it('fails at the first execution when read as an older trace (whole-state digests)', () => {
    const v = check('whole', [{ ...header, app: { name: 'kv', tracked: true } }, ...events]);
    expect(v.ok).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'client', action: 'ReplicaExecute', line: executes[0]! + 2 });
  });

  it('fails at the first execution when read as a trace of app states digested whole (no app.digest): the header decides which digest is checked', () => {
    const { digest: _entries, ...app } = header!.app as Record<string, unknown>;
    const v = check('canonical', [{ ...header, app }, ...events]);
    expect(v.ok).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'client', action: 'ReplicaExecute', line: executes[0]! + 2 });
  });

  it('fails where an execution reports the digest of another point of the history', () => {
    const edited = structuredClone(events);
    const [a, b] = [executes[3]!, executes.find((i) => (events[i]!.params as { digest: string }).digest !== (events[executes[3]!]!.params as { digest: string }).digest && i > executes[3]!)!];
    (edited[a]!.params as { digest: string }).digest = (events[b]!.params as { digest: string }).digest;
    const v = check('moved', [header, ...edited]);
    expect(v.ok).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'client', line: a + 2 });
    expect(v.failure!.message).toMatch(/has digest .* the history gives/);
  });
});
