/**
 * Test helper: the lines of a small compact trace of a real simulation (3 nodes, 2 clients of
 * 12 requests, the fault scenario of `seed`), written to `dir` and checked to pass, as the base
 * that edit-one-line tests change.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { checkTraceSync, formatVerdict } from '../../src/trace/replay/check.js';
import { faultScenario } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';

export function passingBaseTrace(dir: string, seed: number): string[] {
  const path = join(dir, 'base.ndjson');
  const run = traceScenario({ ...faultScenario(seed), nodes: 3, workload: { clients: 2, ops: 12 } }, path, { eventLog: false }, 'test', true);
  expect(run.run.violations).toEqual([]);
  const v = checkTraceSync({ name: path, files: [path] });
  expect(v.ok, formatVerdict(v)).toBe(true);
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
}
