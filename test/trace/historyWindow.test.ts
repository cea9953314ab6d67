/**
 * The fast replay's history window (src/trace/replay/historyWindow.ts) forgets the start of
 * every history once no later step reads it. It must change no verdict, except to stop with a
 * `window` failure that names --whole-history where a step reads what it forgot; and it must
 * not pass a trace the whole history rejects.
 *
 * Eleven simulations with checkpoints every 3 slots, faults, restarts from snapshots and Welcomes in
 * parts are checked keeping every request, and again forgetting as much as the window can
 * (a sweep after every step, no margin): the verdicts are the same or the second is a `window`
 * failure, and with a margin of 32 requests they are all the same. Two mutants: a window that
 * forgets below the shortest history, ignoring the snapshots a restart goes back to (caught:
 * the checker stops with a `window` failure, never a wrong verdict); and a replica that answers
 * an old retry with a wrong index (a trace edit), rejected with or without the window.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTraceSync, formatVerdict, type CheckOptions, type TraceVerdict } from '../../src/trace/replay/check.js';
import { faultScenario } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';
import { defaultNodeFactory, type NodeFactory } from '../../src/sim/nodeFactory.js';
import type { SpecState } from '../../src/trace/spec/specState.js';
import { runCheckTracesCli } from '../../src/trace/replay/cli.js';
import { type HistoryBases, historyBases } from '../../src/trace/replay/historyWindow.js';

const dir = mkdtempSync(join(tmpdir(), 'history-window-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Welcomes of more than 1,500 bytes go in parts (test/trace/partsSimTraces.test.ts).
const small: NodeFactory = (id, peers, options, env) => defaultNodeFactory(id, peers, { ...options, limits: { ...options.limits, maxWelcomeBytes: 1_500 } }, env);
const SEEDS = [5001, 5031, 5003, 5004, 5005, 5006, 5007, 5008, 5009, 5010, 5011];

function traceOf(seed: number): string {
  const path = join(dir, `sim-${seed}.ndjson`);
  traceScenario(faultScenario(seed), path, { eventLog: false, checkpointEvery: 3, createNode: small }, 'test/trace/historyWindow.test.ts', seed % 2 === 0);
  return path;
}
const check = (path: string, opts: CheckOptions): TraceVerdict => checkTraceSync({ name: path, files: [path] }, opts);
const WHOLE: CheckOptions = { historyWindow: false };
const MOST: CheckOptions = { forgetAt: 0, historyMargin: 0 };
const outcome = (v: TraceVerdict) => ({ ok: v.ok, events: v.events, line: v.failure?.line, kind: v.failure?.kind });

describe('the history window', () => {
  const paths = new Map<number, string>();
  const pathOf = (seed: number): string => {
    let p = paths.get(seed);
    if (p === undefined) paths.set(seed, (p = traceOf(seed)));
    return p;
  };

  it('changes no verdict on simulations with restarts and Welcomes in parts, or stops with a window failure', () => {
    let forgot = 0;
    let installs = 0;
    const stopped: string[] = [];
    for (const seed of SEEDS) {
      const path = pathOf(seed);
      installs += (readFileSync(path, 'utf8').match(/"action":"ReplicaReceiveWelcome"/g) ?? []).length;
      const whole = check(path, WHOLE);
      expect(whole.ok, formatVerdict(whole)).toBe(true);
      expect(whole.history).toBeUndefined();
      const most = check(path, MOST);
      if (most.ok) expect(outcome(most)).toEqual(outcome(whole));
      else {
        expect(most.failure?.kind, formatVerdict(most)).toBe('window');
        expect(most.failure?.message).toContain('--whole-history');
        stopped.push(`${seed}`);
      }
      if ((most.history?.forgottenBelow ?? 0) > 0) forgot++;
      // A margin of a few dozen requests covers every late retry in these runs.
      const margin = check(path, { forgetAt: 0, historyMargin: 32 });
      expect(outcome(margin), formatVerdict(margin)).toEqual(outcome(whole));
    }
    // The window did forget in most runs, and those runs installed Welcomes from its ranges.
    expect(forgot).toBeGreaterThanOrEqual(SEEDS.length - 2);
    expect(installs).toBeGreaterThan(0);
    // Seed 5031's node 1 answers a retry of request 1:11, the 11th it executed, after a window
    // without margin forgot the first 13 of that history.
    expect(stopped).toEqual(['5031']);
  }, 600_000);

  it('mutant: a window that forgets below the shortest history, ignoring snapshots, is stopped, never believed', () => {
    // Every node's histories and the Welcomes' as the right window takes them, but each array's
    // B the shortest rExecuted on it, as if no restart went back to a snapshot.
    const shortestHistory = (s: SpecState, scanned: readonly number[]): HistoryBases => {
      const bases = historyBases(s, scanned);
      for (const [holder, b] of bases) {
        const lengths = s.nodes.slice(1).filter((x) => x.rExecuted.holder === holder).map((x) => x.rExecuted.length);
        if (lengths.length > 0) b.base = Math.min(...lengths);
      }
      return bases;
    };
    const stopped: number[] = [];
    for (const seed of SEEDS) {
      const v = check(pathOf(seed), { ...MOST, historyBaseOf: shortestHistory });
      // Every failure is the window's own: a read below what it forgot throws, never misreads.
      if (!v.ok) { expect(v.failure?.kind, formatVerdict(v)).toBe('window'); stopped.push(seed); }
    }
    // It stops runs the right window checks to the end (a restart reads a forgotten snapshot).
    expect(stopped.filter((seed) => seed !== 5031).length, `${stopped}`).toBeGreaterThan(0);
  }, 600_000);

  it('a replica that answers an old retry with a wrong index fails, with the window and without', () => {
    // Seed 5031's node 1 answers a retry of request 1:11 (executed long before) with its index.
    const lines = readFileSync(pathOf(5031), 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"action":"ReplicaReceiveInvoke"') && l.includes('"type":"Invoked"'));
    expect(at).toBeGreaterThan(0);
    const ev = JSON.parse(lines[at]!) as { sent: { type: string; index?: number }[] };
    const answer = ev.sent.find((m) => m.type === 'Invoked')!;
    answer.index = answer.index! - 1;
    lines[at] = JSON.stringify(ev);
    const wrong = join(dir, 'wrong-index.ndjson');
    writeFileSync(wrong, lines.join('\n'));
    for (const opts of [WHOLE, MOST, { forgetAt: 0, historyMargin: 32 }, {}]) {
      const v = check(wrong, opts);
      expect(v.ok, JSON.stringify(opts)).toBe(false);
      expect(v.failure?.line).toBeLessThanOrEqual(at + 1);
    }
    // With the request still in the window, the failure is the spec's: the answer differs.
    expect(check(wrong, { forgetAt: 0, historyMargin: 32 }).failure?.kind).toBe('spec');
  }, 600_000);

  it('a Stutter that re-sends an Invoke under an id executed long before, with another input, fails with the window and without', () => {
    // Whether that Invoke is dead needs the snapshot's request at that id, which the window may
    // have forgotten: its id alone does not tell (another input is another request, live).
    const lines = readFileSync(pathOf(5003), 'utf8').trimEnd().split('\n');
    const first = lines.find((l) => l.includes('"action":"RequesterInvoke"'));
    const at = lines.map((l) => l.includes('"action":"Stutter"')).lastIndexOf(true);
    expect(first !== undefined && at > 0).toBe(true);
    const r = (JSON.parse(first!) as { params: { proposal: { caller: number; clientId: number; input: string } } }).params.proposal;
    const ev = JSON.parse(lines[at]!) as { sent: unknown[] };
    ev.sent.push({ type: 'Invoke', replica: r.caller, prop: { ...r, input: `${r.input} (another)` } });
    lines[at] = JSON.stringify(ev);
    const forged = join(dir, 'old-id-another-input.ndjson');
    writeFileSync(forged, lines.join('\n') + '\n');
    for (const opts of [WHOLE, MOST, { forgetAt: 0, historyMargin: 32 }, {}]) {
      const v = check(forged, opts);
      expect(v.ok, JSON.stringify(opts)).toBe(false);
      expect(v.failure?.line).toBe(at + 1);
    }
    expect(check(forged, WHOLE).failure?.kind).toBe('spec');
  }, 600_000);

  it('check-traces --whole-history checks with the window off', async () => {
    let out = ''; let err = '';
    const code = await runCheckTracesCli(['--whole-history', '--jobs', '1', pathOf(5031)], (x) => { out += x + '\n'; }, (x) => { err += x; });
    expect(code, err).toBe(0);
    expect(out).toMatch(/^PASS /m);
    let usage = '';
    await runCheckTracesCli(['--help'], (x) => { usage += x; });
    expect(usage).toContain('--whole-history');
  }, 120_000);
});
