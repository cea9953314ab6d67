/**
 * Every bench reads its command line through scripts/commandLine.ts: an unknown option or a value it
 * refuses is one line naming it and the usage, exit 2 (five of them threw a stack trace for an
 * unknown option until 2026-12-06, and bench:cluster ran on NaN for `--levels 1,x`); --help
 * prints the usage, exit 0.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

interface Run { status: number | null; stdout: string; stderr: string }

/** Runs bench/<name>.ts as its npm script does (asynchronously: the runs overlap). */
function bench(name: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `bench/${name}.ts`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const BENCHES = ['sim', 'apps', 'linearizability', 'storage', 'cluster', 'traces'];

describe('bench command lines', () => {
  it('refuse an unknown option with one line and the usage, exit 2, before doing any work', async () => {
    const runs = await Promise.all(BENCHES.map((b) => bench(b, ['--bogus'])));
    runs.forEach((run, i) => {
      const name = `bench:${BENCHES[i]}`;
      expect(run.stderr).toMatch(new RegExp(`^${name}: Unknown option '--bogus'\\nusage: npm run ${name} -- \\[--[a-z-]+ [^\\n]*\\]\\n$`));
      expect(run.stdout).toBe('');
      expect(run.status).toBe(2);
    });
  }, 60_000);

  it('refuse a value they cannot use, naming it, exit 2', async () => {
    const [levels, trace, commands] = await Promise.all([
      bench('cluster', ['--levels', '1,x']), bench('cluster', ['--trace', 'maybe']), bench('apps', ['--commands', '0']),
    ]);
    expect(levels.stderr).toMatch(/^bench:cluster: --levels takes positive integers, comma-separated; got 1,x\nusage: /);
    expect(trace.stderr).toMatch(/^bench:cluster: --trace must be off, on or both, got maybe\nusage: /);
    expect(commands.stderr).toMatch(/^bench:apps: --commands must be a positive integer, got 0\nusage: /);
    for (const run of [levels, trace, commands]) expect(run.status).toBe(2);
  }, 60_000);

  it('print the usage for --help, exit 0', async () => {
    const [sim, cluster] = await Promise.all([bench('sim', ['--help']), bench('cluster', ['-h'])]);
    expect(sim.stdout).toMatch(/^usage: npm run bench:sim -- \[--shape default\|seed-seq\|seed-par\|long\] .*\[--trace-dir DIR\]\n$/);
    expect(cluster.stdout).toMatch(/^usage: npm run bench:cluster -- \[--seconds S\] .*\[--node-logs\]\n$/);
    for (const run of [sim, cluster]) {
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    }
  }, 60_000);
});
