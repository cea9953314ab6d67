/**
 * Between the checker and the user: which files check-traces takes as which traces, that a
 * failure is printed whatever the options, and that the event counts it reports are the events
 * checked (each once).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectInputs, runCheckTracesCli } from '../../src/trace/replay/cli.js';
import { checkTraces } from '../../src/trace/replay/pool.js';
import { writeSteadyRun } from '../viewer/steadyRun.js';

const FIXTURES = new URL('../fixtures/traces/', import.meta.url).pathname;
const EXAMPLES = new URL('../../traces/examples/', import.meta.url).pathname;

describe('check-traces inputs', () => {
  it('walks nested folders and groups the parts of each run, node10 and up included, apart from a run of a longer name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'collect-'));
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'nested', 'deep'), { recursive: true });
    const touch = (...p: string[]): string => { const f = join(dir, ...p); writeFileSync(f, ''); return f; };
    // A cluster of 10 or more nodes writes run.node10.ndjson: it is a part of run, not a trace of its own.
    const parts = ['run.node1.ndjson', 'run.node10.ndjson', 'run.node2.ndjson'].map((f) => touch('a', f));
    // run2 is another run: its part must not join run's, however alike the names.
    const other = touch('a', 'run2.node1.ndjson');
    // A trace two folders down is checked as one at the top.
    const deep = touch('nested', 'deep', 'single.ndjson');
    touch('a', 'notes.txt');
    expect(collectInputs([dir])).toEqual([
      { name: join(dir, 'a', 'run'), files: parts },
      { name: join(dir, 'a', 'run2'), files: [other] },
      { name: deep, files: [deep] },
    ]);
  });

  it('takes trace files whatever the case of their extension, and groups parts so named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'collect-case-'));
    const touch = (name: string): string => { const f = join(dir, name); writeFileSync(f, ''); return f; };
    const upper = touch('RUN.NDJSON');
    const parts = ['b.node1.JSONL', 'b.node2.Jsonl'].map(touch);
    expect(collectInputs([dir])).toEqual([{ name: upper, files: [upper] }, { name: join(dir, 'b'), files: parts }]);
  });
});

describe('check-traces output', () => {
  it('--quiet leaves out the passes but still prints each failure with where and why', async () => {
    let out = '';
    const code = await runCheckTracesCli(['--quiet', '--jobs', '1', FIXTURES + 'state-differs.ndjson', EXAMPLES + 'normal.ndjson'],
      (s) => { out += s + '\n'; }, () => {});
    expect(code).toBe(1);
    expect(out).not.toMatch(/^PASS /m);
    expect(out).toMatch(/^FAIL .*state-differs\.ndjson$/m);
    expect(out).toMatch(/state-differs\.ndjson:16: spec \(action AcceptorReceiveAccept, fast oracle\)/);
  });

  it('--embedded-max K takes K as its value, not as a trace to check', async () => {
    let out = ''; let err = '';
    const code = await runCheckTracesCli(['--embedded-max', '3', '--jobs', '1', EXAMPLES + 'normal.ndjson'], (s) => { out += s + '\n'; }, (s) => { err += s; });
    expect(err).not.toMatch(/no such file/);
    expect(code).toBe(0);
    expect(out).toMatch(/^PASS .*normal\.ndjson \(\d+ events, 3 also through the embedded spec/m);
  });

  it('reports each event checked once, over 1,024-event batches, a passing trace and a failing one', async () => {
    // Progress comes in batches of 1,024 and a remainder at the end (or at the failure): a trace
    // longer than a batch shows a remainder counted whole, a failing one a remainder lost.
    const dir = mkdtempSync(join(tmpdir(), 'progress-'));
    const long = join(dir, 'long.ndjson');
    expect(writeSteadyRun(long, { events: 1_100 })).toBeGreaterThan(1_024);
    const inputs = [long, FIXTURES + 'state-differs.ndjson', EXAMPLES + 'normal.ndjson'].map((f) => ({ name: f, files: [f] }));
    let reported = 0;
    const verdicts = await checkTraces(inputs, {}, { workers: 1, onEvents: (n) => { reported += n; } });
    expect(verdicts.map((v) => v.ok)).toEqual([true, false, true]);
    expect(verdicts[1]!.events).toBeGreaterThan(0);
    expect(reported).toBe(verdicts.reduce((a, v) => a + v.events, 0));
  });
});
