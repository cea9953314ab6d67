import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';

// test/tmpdirPerRun.ts: a test's temporary folders, and a spawned CLI's, go in the run's folder.
describe('one temporary folder per test run', () => {
  it('is os.tmpdir() in a test worker', () => {
    expect(basename(tmpdir())).toMatch(/^paxos-test-run-/);
  });
  it('is os.tmpdir() in a process a test spawns', () => {
    const child = execFileSync(process.execPath, ['-e', 'process.stdout.write(require("node:os").tmpdir())'], { encoding: 'utf8' });
    expect(child).toBe(tmpdir());
  });
});
