/**
 * npm run check-fast -- --mutant NAME searches the spec with that mutant planted: it passes only
 * when the search finds a violation that the engine confirms on the .tla with the same Mutant.
 * (A run that searched the correct spec instead finds none and fails, which is what this guards.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

function checkFast(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-fast.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('check-fast --mutant', () => {
  it('finds CompactUndecided on checkpoint-restart and confirms it on the .tla', () => {
    const r = checkFast(['test/spec/models/checkpoint-restart.cfg', '--mutant', 'CompactUndecided', '--sample', '0']);
    expect(r.out).toMatch(/invariant NothingNeededDiscarded violated/);
    expect(r.out).toMatch(/counterexample confirmed on the \.tla/);
    expect(r.status, r.out).toBe(0);
  }, 120_000);

  it('refuses a mutant it does not have', () => {
    const r = checkFast(['test/spec/models/checkpoint-restart.cfg', '--mutant', 'NoSuchBug', '--sample', '0']);
    expect(r.status).toBe(2);
    expect(r.out).toMatch(/no mutant "NoSuchBug"/);
  }, 120_000);
});

describe('check-fast and the cfg\'s states:', () => {
  it('passes a model with the count its cfg states, and fails one whose cfg states another', () => {
    const right = checkFast(['spec/ci-preempt.cfg', '--sample', '0']);
    expect(right.out).toMatch(/as many states as the cfg says \(states: 2,213\)/);
    expect(right.status, right.out).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'check-fast-states-'));
    const cfg = join(dir, 'ci-preempt.cfg');
    writeFileSync(cfg, readFileSync(join(ROOT, 'spec', 'ci-preempt.cfg'), 'utf8').replace('\\* states: 2,213', '\\* states: 2,214'));
    const wrong = checkFast([cfg, '--sample', '0']);
    expect(wrong.out).toMatch(/FAIL: .*the cfg says states: 2,214, the explorer found 2,213/);
    expect(wrong.status).toBe(1);
  }, 120_000);
});
