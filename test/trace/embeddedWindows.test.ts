/**
 * The embedded oracle's sample: which windows are chosen (a seeded, budgeted draw over every
 * run, one leader-change kind after the other), which events are leader changes, and that
 * windows started mid-run replay real simulated runs, full and compact, without a false alarm.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTraceSync, formatVerdict } from '../../src/trace/replay/check.js';
import { type RunEvents, type SampleOptions, chooseWindows, windowCost, windowEvents } from '../../src/trace/replay/embeddedWindows.js';
import { LEADER_CHANGE_KINDS, type LeaderChange, type LeaderChangeKind, hasRivalValues, leaderChangeKind } from '../../src/trace/replay/leaderChanges.js';
import { initialNode } from '../../src/trace/spec/specState.js';
import type { TraceEvent } from '../../src/trace/format/types.js';
import { faultScenario } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';

const OPTIONS: SampleOptions = { seed: 7, budgetEvents: 200, before: 3, after: 3, prefixEvery: 0, prefixEvents: 0 };

/** `runs` runs of 1,000 events, each with a leader change of `kind` every `every` events. */
function runsWith(kind: LeaderChangeKind, runs: number, every: number, messages = 0): RunEvents[] {
  return Array.from({ length: runs }, (_, r) => ({
    name: `${kind}-${r}`, events: 1000,
    leaderChanges: Array.from({ length: Math.floor(1000 / every) }, (_, i): LeaderChange => ({ event: i * every, kind, messages })),
  }));
}

describe('chooseWindows', () => {
  it('draws every kind in turn, so a rare kind is sampled beside a common one', () => {
    const runs = [...runsWith('adopted', 50, 10), ...runsWith('ballot-change', 1, 500)];
    const sample = chooseWindows(runs, OPTIONS);
    expect(sample.found).toMatchObject({ adopted: 5000, 'ballot-change': 2 });
    expect(sample.sampled['ballot-change']).toBe(2);
    expect(sample.sampled.adopted).toBeGreaterThan(10);
  });

  it('keeps within the budget, and its windows are sorted, disjoint, inside the run, and hold what it counts', () => {
    const runs = [...runsWith('adopted', 20, 37), ...runsWith('preempted', 20, 91)];
    const sample = chooseWindows(runs, OPTIONS);
    let events = 0; let inside = 0;
    for (const run of runs) {
      const ws = sample.windows.get(run.name) ?? [];
      events += windowEvents(ws);
      ws.forEach((w, i) => {
        expect(w.from).toBeGreaterThanOrEqual(i === 0 ? 0 : ws[i - 1]!.to + 1);
        expect(w.to).toBeGreaterThan(w.from);
        expect(w.to).toBeLessThanOrEqual(run.events);
      });
      inside += run.leaderChanges.filter((c) => ws.some((w) => w.from <= c.event && c.event < w.to)).length;
    }
    expect(events).toBeLessThanOrEqual(OPTIONS.budgetEvents);
    expect(events).toBeGreaterThan(OPTIONS.budgetEvents - (OPTIONS.before + OPTIONS.after + 1));
    expect(inside).toBe(sample.sampled.adopted + sample.sampled.preempted);
  });

  it('leaves out a window it cannot afford at a large state and takes cheaper ones', () => {
    const runs = [...runsWith('leader-restart', 1, 100, 100_000), ...runsWith('adopted', 5, 100)];
    const sample = chooseWindows(runs, OPTIONS);
    expect(windowCost(7, 100_000)).toBeGreaterThan(OPTIONS.budgetEvents);
    expect(sample.sampled['leader-restart']).toBe(0);
    expect(sample.sampled.adopted).toBeGreaterThan(10);
  });

  it('is the same for the same seed, another for another seed', () => {
    const runs = runsWith('adopted', 30, 50);
    const windows = (seed: number): string => JSON.stringify([...chooseWindows(runs, { ...OPTIONS, seed }).windows].sort());
    expect(windows(7)).toBe(windows(7));
    expect(windows(8)).not.toBe(windows(7));
  });

  it('gives every K-th run a prefix window from event 0, outside the budget', () => {
    const runs = runsWith('adopted', 10, 1000).map((r) => ({ ...r, leaderChanges: [] }));
    const sample = chooseWindows(runs, { ...OPTIONS, prefixEvery: 4, prefixEvents: 150 });
    expect([...sample.windows.keys()]).toEqual(['adopted-0', 'adopted-4', 'adopted-8']);
    expect(sample.windows.get('adopted-4')).toEqual([{ from: 0, to: 150 }]);
  });
});

describe('checkTrace with embedded windows', () => {
  const normal = new URL('../../traces/examples/normal.ndjson', import.meta.url).pathname;
  it('refuses windows that overlap or hold nothing (the replay could not follow them)', () => {
    const input = { name: 'normal', files: [normal] };
    expect(() => checkTraceSync(input, { embeddedWindows: [{ from: 5, to: 10 }, { from: 8, to: 12 }] })).toThrow(/starts before window 0 ends/);
    expect(() => checkTraceSync(input, { embeddedWindows: [{ from: 5, to: 5 }] })).toThrow(/holds no event/);
  });

  it('replays exactly the windows\' events through the embedded spec, touching windows included', () => {
    const windows = [{ from: 0, to: 3 }, { from: 3, to: 5 }, { from: 20, to: 24 }];
    const v = checkTraceSync({ name: 'normal', files: [normal] }, { embeddedWindows: windows, noClient: true });
    expect(v.ok, formatVerdict(v)).toBe(true);
    expect(v.embeddedEvents).toBe(9);
  }, 60_000);
});

describe('leaderChangeKind', () => {
  const node = initialNode(1);
  const ev = (action: string, message?: unknown): TraceEvent =>
    ({ node: 1, seq: 1, clock: 1, role: 'Leader', action, params: message === undefined ? {} : { message }, sent: [] }) as unknown as TraceEvent;
  const pv = (num: number, slot: number, input: string) => ({ ballot: { num, leader: 2 }, slot, prop: { caller: 1, clientId: 1, input } });

  it('names adoptions, telling those with two values for one slot', () => {
    const adopted = (pvalues: unknown[]) => ev('LeaderReceiveAdopted', { type: 'Adopted', ballot: { num: 3, leader: 1 }, pvalues });
    expect(leaderChangeKind(adopted([pv(1, 1, 'a'), pv(1, 2, 'b')]), node, node)).toBe('adopted');
    expect(leaderChangeKind(adopted([pv(1, 1, 'a'), pv(2, 1, 'b')]), node, node)).toBe('adopted-rival');
    // Two ballots, one value: whichever ballot wins, the leader proposes the same.
    expect(hasRivalValues([pv(1, 1, 'a'), pv(2, 1, 'a')])).toBe(false);
  });

  it('counts a restart only of an active leader, and an acceptor change only from one leader to another', () => {
    expect(leaderChangeKind(ev('NodeRestart'), node, node)).toBeNull();
    expect(leaderChangeKind(ev('NodeRestart'), { ...node, lActive: true }, node)).toBe('leader-restart');
    const promised = (leader: number) => ({ ...node, aBallot: { num: 1, leader } });
    expect(leaderChangeKind(ev('AcceptorReceivePrepare'), node, promised(2))).toBeNull();
    expect(leaderChangeKind(ev('AcceptorReceivePrepare'), promised(2), promised(2))).toBeNull();
    expect(leaderChangeKind(ev('AcceptorReceiveAccept'), promised(2), promised(3))).toBe('ballot-change');
    expect(leaderChangeKind(ev('LeaderReceivePreempted'), node, node)).toBe('preempted');
    expect(leaderChangeKind(ev('ReplicaExecute'), node, node)).toBeNull();
  });
});

describe('embedded windows on simulated runs', () => {
  // Seeds 150-157: runs with several leaders (kills, restarts) and, at 156, two values for one slot.
  const SEEDS = Array.from({ length: 8 }, (_, i) => 150 + i);
  it('replays windows around leader changes, started mid-run, through the embedded spec without a false alarm', () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedded-windows-'));
    const runs: RunEvents[] = SEEDS.map((seed, r) => {
      const path = join(dir, `sim-${seed}.ndjson`);
      traceScenario(faultScenario(seed), path, { eventLog: false }, 'test/trace/embeddedWindows.test.ts', r % 2 === 1);
      const v = checkTraceSync({ name: path, files: [path] }, { leaderChanges: true, noClient: true });
      expect(v.ok, formatVerdict(v)).toBe(true);
      return { name: path, events: v.events, leaderChanges: v.leaderChanges! };
    });
    const sample = chooseWindows(runs, { ...OPTIONS, budgetEvents: 250 });
    const kinds = LEADER_CHANGE_KINDS.filter((k) => sample.sampled[k] > 0);
    console.log(`embedded windows: ${SEEDS.length} runs, leader changes sampled/found ${JSON.stringify(sample.sampled)} / ${JSON.stringify(sample.found)}`);
    expect(kinds.length).toBeGreaterThanOrEqual(3);
    let midRun = 0;
    for (const [name, windows] of sample.windows) {
      const v = checkTraceSync({ name, files: [name] }, { embeddedWindows: windows, noClient: true });
      expect(v.ok, formatVerdict(v)).toBe(true);
      expect(v.embeddedEvents).toBe(windowEvents(windows));
      midRun += windows.filter((w) => w.from > 0).length;
    }
    expect(midRun).toBeGreaterThan(5);
  }, 300_000);
});
