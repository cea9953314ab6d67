/**
 * vitest globalSetup: one temporary folder per test run, removed when the run ends. Tests make
 * their folders under os.tmpdir() (mkdtempSync) and many leave them, as a test that fails must
 * to be looked at: 60-80 folders a run were left in /tmp. With TMPDIR set here, before the
 * workers start (they and the CLIs the tests spawn inherit it), os.tmpdir() is this folder, and
 * the teardown removes it with everything in it. PAXOS_KEEP_TEST_TMP=1 keeps it and prints where.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'paxos-test-run-'));
  process.env.TMPDIR = dir;
  return () => {
    if (process.env.PAXOS_KEEP_TEST_TMP === '1') {
      process.stderr.write(`test run's temporary files kept in ${dir}\n`);
      return;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
