/**
 * npm run check-fast -- --workers W: the search split over worker threads, through the CLI as
 * CI runs it: the same count as the sequential search, its sample compared with the .tla, a
 * mutant found and confirmed on the .tla, a model below --workers-from searched in this thread,
 * and a bad worker count refused.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

function checkFast(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-fast.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('check-fast --workers', () => {
  it('checks ci-race in two threads: its 15,698 states, a sample equal to the .tla', () => {
    const r = checkFast(['spec/ci-race.cfg', '--workers', '2', '--workers-from', '0', '--sample', '20']);
    expect(r.out).toMatch(/ci-race\s+pass\s+15,698 /);
    expect(r.out).toMatch(/2 worker threads/);
    expect(r.out).toMatch(/against the \.tla: equal/);
    expect(r.status, r.out).toBe(0);
  }, 300_000);

  it('searches a model smaller than --workers-from in this thread (ci-race: 15,698 states, the cfg says)', () => {
    const r = checkFast(['spec/ci-race.cfg', '--workers', '2', '--workers-from', '15699', '--sample', '0']);
    expect(r.out).toMatch(/ci-race\s+pass\s+15,698 .*this thread \(fewer states than --workers-from 15,699\)/);
    expect(r.out).not.toMatch(/worker threads/);
    expect(r.status, r.out).toBe(0);
    const at = checkFast(['spec/ci-race.cfg', '--workers', '2', '--workers-from', '15698', '--sample', '0']);
    expect(at.out).toMatch(/ci-race\s+pass\s+15,698 .*2 worker threads/);
  }, 300_000);

  it('finds PromiseNotRecorded on ci-race in two threads and confirms it on the .tla', () => {
    const r = checkFast(['spec/ci-race.cfg', '--mutant', 'PromiseNotRecorded', '--workers', '2', '--workers-from', '0', '--sample', '0']);
    expect(r.out).toMatch(/counterexample confirmed on the \.tla/);
    expect(r.status, r.out).toBe(0);
  }, 300_000);

  it('refuses a worker count of 0', () => {
    const r = checkFast(['spec/ci-race.cfg', '--workers', '0']);
    expect(r.status).toBe(2);
    expect(r.out).toMatch(/--workers needs 1 to 64/);
  }, 120_000);
});
