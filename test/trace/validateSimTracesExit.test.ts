/**
 * CI's trace validation is `npm run validate-traces`, and CI reads only its exit status. So the
 * last link of the chain is that status: a trace that fails must fail the script. With
 * --corrupt-first the first run's trace is made wrong (a Lamport clock set to 0) before it is
 * checked; the same runs without it pass, so the failure is that trace's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const OUT = mkdtempSync(join(tmpdir(), 'validate-nodes-'));

function validate(extra: string[]): { status: number | null; out: string } {
  const args = ['--runs', '2', '--embedded-budget', '0', '--embedded-every', '0', '--jobs', '1', ...extra];
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/validate-sim-traces.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('validate-sim-traces exit status', () => {
  it('is 0 when every trace passes', () => {
    const r = validate([]);
    expect(r.out).toMatch(/0 traces failed, 0 unsafe runs, 0 unfinished runs/);
    expect(r.status, r.out).toBe(0);
  }, 120_000);

  it('is 1 when one trace fails, which it prints with the line and why', () => {
    const r = validate(['--corrupt-first']);
    expect(r.out).toMatch(/FAIL .*sim-1\.ndjson/);
    expect(r.out).toMatch(/sim-1\.ndjson:3: schema .*\/clock must be >= 1/);
    expect(r.out).toMatch(/1 traces failed, 0 unsafe runs, 0 unfinished runs/);
    expect(r.status, r.out).toBe(1);
  }, 120_000);

  it('runs clusters of --nodes N, and refuses fewer than 3 with the usage line', () => {
    const r = validate(['--nodes', '7', '--keep', '--out', OUT]);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/2 traces \(clusters of 7 nodes; /);
    for (const seed of [1, 2]) {
      const header = JSON.parse(readFileSync(join(OUT, `sim-${seed}.ndjson`), 'utf8').split('\n', 1)[0]!) as { spec: { constants: { N: number } } };
      expect(header.spec.constants.N).toBe(7);
    }
    const two = validate(['--nodes', '2']);
    expect(two.status).toBe(2);
    expect(two.out).toMatch(/--nodes needs at least 3\nusage: validate-sim-traces/);
  }, 120_000);

  it('is 1 when coverage is required and the runs never took a path it names', () => {
    // Two runs answer no retried request from a table (the 200 of CI answer 17).
    const r = validate(['--require-coverage']);
    expect(r.out).toMatch(/COVERAGE: no retried request was answered from a replica's table/);
    // Nor does a commander of theirs receive a refusal (the 200 of CI deliver 69 to commanders, 40 to scouts).
    expect(r.out).toMatch(/COVERAGE: no commander received a refusal/);
    expect(r.out).toMatch(/0 traces failed, 0 unsafe runs, 0 unfinished runs/);
    expect(r.status, r.out).toBe(1);
  }, 120_000);
});
