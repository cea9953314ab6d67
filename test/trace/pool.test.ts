/** The worker pool gives the verdicts the checker gives in this thread, in input order. */
import { readdirSync } from 'node:fs';
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

  it('rejects with CheckerError, naming the trace, when the checker itself cannot run', async () => {
    const pool = new TracePool(2);
    const broken = { name: 'broken', files: [42 as unknown as string] }; // not a path: the reader throws a TypeError
    try {
      await expect(pool.check(broken)).rejects.toThrow(CheckerError);
      await expect(pool.check(broken)).rejects.toThrow(/^cannot check broken: /);
      expect((await pool.check(inputs[0]!)).ok).toBe(false); // the workers are still usable
    } finally {
      await pool.close();
    }
  }, 60_000);
});
