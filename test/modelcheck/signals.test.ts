/**
 * check-spec stopped from outside (SIGTERM from `timeout`, SIGINT from Ctrl-C) stops the TLC it
 * started: TLC runs in its own process group, so the signal would not reach it otherwise.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './cliHarness.js';
import { FAKE_JAR, SPEC_DIR } from './helpers.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(test: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (test()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return test();
}

describe('check-spec stopped by a signal', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: the java process it started is gone, and it exits 128 + the signal`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'check-spec-signal-'));
      const pidFile = join(dir, 'java.pid');
      // A "java" that records its pid and then takes a minute, as TLC on a slow model would.
      writeFileSync(join(dir, 'java'), '#!/bin/sh\necho $$ > "$FAKE_JAVA_PID_FILE"\nexec sleep 60\n');
      chmodSync(join(dir, 'java'), 0o755);
      const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}`, TLA2TOOLS_JAR: FAKE_JAR, FAKE_JAVA_PID_FILE: pidFile };
      delete env.JAVA;
      delete env.JAVA_HOME;
      const cli = spawn(join(REPO, 'node_modules', '.bin', 'tsx'), ['scripts/check-spec.ts', '--engine', 'tlc', '--spec-dir', SPEC_DIR, '--model', 'ok', '--out-dir', join(dir, 'out')],
        { cwd: REPO, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      cli.stderr.setEncoding('utf8');
      cli.stderr.on('data', (c: string) => { stderr += c; });
      const exited = new Promise<number | null>((resolve) => cli.on('close', (code) => resolve(code)));
      let javaPid = 0;
      try {
        expect(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 20_000)).toBe(true);
        javaPid = Number(readFileSync(pidFile, 'utf8').trim());
        expect(alive(javaPid)).toBe(true);
        cli.kill(signal);
        const code = await exited;
        expect(code).toBe(signal === 'SIGTERM' ? 143 : 130);
        expect(stderr).toContain(`check-spec: ${signal}: stopping 1 process`);
        expect(await waitFor(() => !alive(javaPid), 5_000)).toBe(true);
      } finally {
        if (javaPid > 0 && alive(javaPid)) process.kill(javaPid, 'SIGKILL');
        if (cli.exitCode === null) cli.kill('SIGKILL');
      }
    }, 40_000);
  }
});
