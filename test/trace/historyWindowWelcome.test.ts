/**
 * The history window (src/trace/replay/historyWindow.ts) must not forget what a Welcome in
 * flight carries: its install takes the sender's history at the length it was sent with, a
 * version of the array the sender went on appending to, so that array's base is at most that
 * length while the Welcome is in msgs. A scripted run (test/trace/batch/scriptedTrace.ts) where
 * node 3 restarts and asks to Join, node 1 answers with a Welcome of its one-request history,
 * then executes four more requests (its history five long, swept after every step with no
 * margin), and node 3 installs the Welcome only then and catches up: it passes with the window
 * forgetting as much as it can, as it does keeping the whole history, and the window did forget.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CheckOptions, type TraceVerdict, checkTraceSync, formatVerdict } from '../../src/trace/replay/check.js';
import { type HistoryBases, historyBases } from '../../src/trace/replay/historyWindow.js';
import type { SpecState } from '../../src/trace/spec/specState.js';
import type { FullTraceEvent, SpecMessage } from '../../src/trace/format/types.js';
import { ScriptedTrace } from './batch/scriptedTrace.js';
import { set } from './batch/runs.js';

const dir = mkdtempSync(join(tmpdir(), 'history-window-welcome-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The run described above; `welcomeAt` / `installAt`: the indexes of the Welcome's send and install. */
function lateWelcomeRun(): { t: ScriptedTrace; welcomeAt: number; installAt: number } {
  const t = new ScriptedTrace({ N: 3, Window: 2 });
  t.act('NodeRestart', 3);
  const run = (clientId: number, first: boolean): void => {
    const r = t.invoke(1, clientId, set(`k${clientId}`, `${clientId}`));
    t.receive('ReplicaReceiveInvoke', 1, 'Invoke', (m) => m.type === 'Invoke' && m.prop.clientId === clientId);
    t.propose(1, r);
    if (first) t.elect(1, [1, 2]);
    t.decide(1, clientId, [1, 2]);
    t.learn(1, clientId);
    t.act('ReplicaExecute', 1);
  };
  run(1, true);
  t.receive('ReplicaReceiveJoin', 1, 'Join', (m) => m.type === 'Join' && m.node === 3);
  const welcomeAt = t.events.length - 1;
  for (let c = 2; c <= 5; c++) run(c, false);
  t.receive('ReplicaReceiveWelcome', 3, 'Welcome', (m) => m.type === 'Welcome' && m.node === 3);
  const installAt = t.events.length - 1;
  for (let slot = 2; slot <= 5; slot++) { t.learn(3, slot); t.act('ReplicaExecute', 3); }
  return { t, welcomeAt, installAt };
}

/**
 * The events with every Welcome's history named by its length, as this library's nodes write it
 * (docs/trace-format.md, "Histories by length"): the checker then reads none of its requests.
 * (Listed, the Welcome's send reads what the window forgot at once; no margin is the point here.)
 */
function byLength(events: readonly FullTraceEvent[]): FullTraceEvent[] {
  const name = (m: SpecMessage): void => {
    if (m.type === 'Welcome' && Array.isArray(m.executed)) (m as { executed: unknown }).executed = { historyLength: m.executed.length };
  };
  const out = structuredClone(events) as FullTraceEvent[];
  for (const e of out) {
    e.sent.forEach(name);
    if (e.params.message !== undefined) name(e.params.message);
  }
  return out;
}

let written = 0;
function check(t: ScriptedTrace, opts: CheckOptions): TraceVerdict {
  const path = join(dir, `t${written++}.ndjson`);
  writeFileSync(path, [t.header, ...byLength(t.events)].map((v) => JSON.stringify(v)).join('\n') + '\n');
  return checkTraceSync({ name: path, files: [path] }, opts);
}
const MOST: CheckOptions = { forgetAt: 0, historyMargin: 0 };

describe('the history window and a Welcome in flight', () => {
  const { t, welcomeAt, installAt } = lateWelcomeRun();

  it('the run: node 1 sends a Welcome of its one-request history, executes four more, then node 3 installs it', () => {
    const welcome = t.events[welcomeAt]!.sent.find((m) => m.type === 'Welcome');
    expect(welcome).toMatchObject({ type: 'Welcome', node: 3, slot: 2 });
    expect((welcome as { executed: unknown[] }).executed).toHaveLength(1);
    expect(t.events[installAt]!.state.rExecuted).toHaveLength(1);
    expect(t.events.slice(welcomeAt, installAt).filter((e) => e.action === 'ReplicaExecute' && e.node === 1)).toHaveLength(4);
    expect(t.events.at(-1)!.state.rExecuted).toHaveLength(5);
  });

  it('passes with the window forgetting as much as it can, as with the whole history, and the window forgot', () => {
    const whole = check(t, { historyWindow: false });
    expect(whole.ok, formatVerdict(whole)).toBe(true);
    const most = check(t, MOST);
    expect(most.ok, formatVerdict(most)).toBe(true);
    expect(most.events).toBe(t.events.length);
    expect(most.history?.forgottenBelow).toBeGreaterThan(0);
  });

  it('mutant: a window that ignores the Welcomes in msgs forgets what this one reads, and is stopped', () => {
    const noWelcomes = (s: SpecState, scanned: readonly number[]): HistoryBases =>
      historyBases({ ...s, msgs: new Map([...s.msgs].filter(([, m]) => m.type !== 'Welcome')) } as SpecState, scanned);
    const v = check(t, { ...MOST, historyBaseOf: noWelcomes });
    expect(v.ok).toBe(false);
    expect(v.failure?.kind, formatVerdict(v)).toBe('window');
    expect(v.failure?.line).toBe(installAt + 2);
  });
});
