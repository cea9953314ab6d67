/** Runs the check-spec CLI in process on the fixture models, capturing its output. */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliIo } from '../../src/modelcheck/cli/cli.js';
import { FAKE_JAVA, FIXTURES, SPEC_DIR } from './helpers.js';

export const REPO = join(FIXTURES, '..', '..', '..');
/** An environment where neither java nor a jar is found. */
export const NO_TLC = { PATH: '/nonexistent-dir' };

/** A fresh directory for counterexample files; also makes sure the fake java is executable. */
export function scratchOutDir(): string {
  chmodSync(FAKE_JAVA, 0o755);
  return mkdtempSync(join(tmpdir(), 'check-spec-cli-'));
}

export async function cli(outDir: string, args: string[], env: NodeJS.ProcessEnv = NO_TLC) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (s) => { out += s; }, err: (s) => { err += s; }, env, isTTY: false, cwd: REPO };
  const code = await runCli(['--spec-dir', SPEC_DIR, '--out-dir', outDir, ...args], io);
  return { code, out, err };
}
