/** The worker pool gives the verdicts the checker gives in this thread, in input order. */
import { readdirSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../src/trace/replay/check.js';
import { CheckerError, TracePool, checkTraces } from '../../src/trace/replay/pool.js';

const FIXTURES = new URL('../fixtures/traces/', import.meta.url).pathname;
const EXAMPLES = new URL('../../traces/examples/', import.meta.url).pathname;
const inputs = [
  ...readdirSync(FIXTURES).filter((f) => f.endsWith('.ndjson')).sort().map((f) => FIXTURES + f),
  ...readdirSync(EXAMPLES).filter((f) => f.endsWith('.ndjson')).sort().map((f) => EXAMPLES + f),
].map((f) => ({ name: f, files: [f] }));

describe('trace-checking pool', () => {
  it('two workers give the same verdicts as checking in this thread, in input order', async () => {
    const inThread = [];
    for (const input of inputs) inThread.push(await checkTrace(input));
    const order: string[] = [];
    const pooled = await checkTraces(inputs, {}, { workers: 2, onVerdict: (v) => order.push(v.name) });
    expect(pooled).toEqual(inThread);
    expect(order).toEqual(inputs.map((i) => i.name));
  }, 60_000);

  it('rejects with CheckerError, naming the trace, when the checker itself cannot run; the workers then check with the options given', async () => {
    const pool = new TracePool(2);
    const broken = { name: 'broken', files: [42 as unknown as string] }; // not a path: the reader throws a TypeError
    try {
      await expect(pool.check(broken)).rejects.toThrow(CheckerError);
      await expect(pool.check(broken)).rejects.toThrow(/^cannot check broken: /);
      expect((await pool.check(inputs[0]!)).ok).toBe(false); // the workers are still usable
      // With the caller's options, so --jobs J and --jobs 1 agree on what a verdict holds: the
      // state-differs fixture fails its replay but not schemaOnly; coverage and leader changes are asked for.
      const differs = inputs.find((i) => i.name.endsWith('state-differs.ndjson'))!;
      const example = inputs.find((i) => i.name.endsWith('leader-change.ndjson'))!;
      const [schemaOnly, counted] = await Promise.all([pool.check(differs, { schemaOnly: true }), pool.check(example, { coverage: true, leaderChanges: true })]);
      expect(schemaOnly.ok).toBe(true);
      expect(schemaOnly).toEqual(await checkTrace(differs, { schemaOnly: true }));
      expect(counted.coverage).toBeDefined();
      expect(counted).toEqual(await checkTrace(example, { coverage: true, leaderChanges: true }));
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('in this thread too, a checker that cannot run rejects with CheckerError (check-traces --jobs 1 exits 2)', async () => {
    const broken = { name: 'broken', files: [42 as unknown as string] };
    await expect(checkTraces([broken], {}, { workers: 1 })).rejects.toThrow(CheckerError);
  });

  it('a worker that dies fails every trace it held or queued, and those asked after: none waits forever', async () => {
    const pool = new TracePool(2);
    const threads = (pool as unknown as { threads: Worker[] }).threads;
    // Killed once running (a worker ended before it is online exits with code 0).
    await Promise.all(threads.map((w) => new Promise((online) => w.once('online', online))));
    // Five traces on two workers: two running, three queued.
    const checks = inputs.slice(0, 5).map((i) => pool.check(i));
    for (const c of checks) c.catch(() => undefined);
    // As a worker killed from outside ends (exit code 1, no error event); both, so no verdict races the end.
    for (const w of threads) await w.terminate();
    for (const c of checks) await expect(c).rejects.toThrow(/exited with code 1/);
    await expect(pool.check(inputs[0]!)).rejects.toThrow(/exited with code 1/);
    await pool.close();
  }, 5_000);

  it('drops a verdict that comes after the pool failed, rather than throwing in this thread', async () => {
    // One worker dies while the other checks: the pool fails every trace, and the survivor's
    // verdict, when it comes, has no trace to go to (it threw a TypeError out of the message handler).
    const pool = new TracePool(2);
    const threads = (pool as unknown as { threads: Worker[] }).threads;
    await Promise.all(threads.map((w) => new Promise((online) => w.once('online', online))));
    const thrown: unknown[] = [];
    const record = (e: unknown) => thrown.push(e);
    process.on('uncaughtException', record);
    try {
      const checks = inputs.slice(0, 2).map((i) => pool.check(i));
      for (const c of checks) c.catch(() => undefined);
      const [dying, survivor] = [threads[0]!, threads[1]!];
      const answered = new Promise((done) => survivor.on('message', (m: object) => { if ('verdict' in m || 'error' in m) done(m); }));
      await dying.terminate();
      for (const c of checks) await expect(c).rejects.toThrow(/exited with code 1/);
      await answered;
      await new Promise((later) => setImmediate(later));
      expect(thrown).toEqual([]);
    } finally {
      process.off('uncaughtException', record);
      await pool.close();
    }
  }, 10_000);

  it('fails the trace a worker held when it ends with code 0 (ended before it came online)', async () => {
    const pool = new TracePool(2);
    const threads = (pool as unknown as { threads: Worker[] }).threads;
    const check = pool.check(inputs[0]!);
    check.catch(() => undefined);
    for (const w of threads) await w.terminate();
    await expect(check).rejects.toThrow(/a trace-checking worker exited with code \d/);
    await pool.close();
  }, 5_000);
});
