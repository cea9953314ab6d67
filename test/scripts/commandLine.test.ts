/**
 * The npm scripts and benches read their command line through scripts/commandLine.ts. An unknown
 * option, a stray argument or a value a script refuses is one line naming it and the usage, exit
 * 2, and nothing else is done; --help prints the usage, exit 0. Until 2026-12-06 five benches
 * threw a stack trace for an unknown option, bench:cluster ran on NaN for `--levels 1,x`, and the
 * scripts without options ignored any: `npm start -- --fast` ran the whole main job and
 * `make-golden-traces --dry-run` rewrote traces/examples/. Each run is killed after 30 s, so a
 * script that ignores its argument fails here rather than doing its work.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

interface Run { status: number | null; stdout: string; stderr: string }

/** Runs a script as its npm script does (asynchronously: the runs overlap). */
function run(file: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
const bench = (name: string, args: string[]) => run(`bench/${name}.ts`, args);
const script = (name: string, args: string[]) => run(`scripts/${name}.ts`, args);

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
    const [levels, trace, commands, only] = await Promise.all([
      bench('cluster', ['--levels', '1,x']), bench('cluster', ['--trace', 'maybe']), bench('apps', ['--commands', '0']),
      bench('linearizability', ['--only', 'bnak']),
    ]);
    expect(levels.stderr).toMatch(/^bench:cluster: --levels must be a whole number of at least 1, got "x"\nusage: /);
    expect(trace.stderr).toMatch(/^bench:cluster: --trace must be off, on or both, got maybe\nusage: /);
    expect(commands.stderr).toMatch(/^bench:apps: --commands must be a whole number of at least 1, got "0"\nusage: /);
    // An --only that names no app ran neither and exited 0.
    expect(only.stderr).toMatch(/^bench:linearizability: --only must be bank or kv, got bnak\nusage: /);
    expect(only.stdout).toBe('');
    for (const run of [levels, trace, commands, only]) expect(run.status).toBe(2);
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

const SCRIPTS: [file: string, command: string][] = [
  ['main', 'npm start'], ['demo-bank', 'demo-bank'], ['make-golden-traces', 'make-golden-traces'], ['tlc-install', 'tlc:install'],
];

describe('scripts without options', () => {
  it('refuse an option, or a stray argument, in one line with the usage, exit 2, and do nothing else', async () => {
    const runs = await Promise.all([...SCRIPTS.map(([file]) => script(file, ['--dry-run'])), script('main', ['now'])]);
    SCRIPTS.forEach(([, command], i) => expect(runs[i]!.stderr).toMatch(new RegExp(`^${command}: Unknown option '--dry-run'\\nusage: [^\\n]+\\n$`)));
    expect(runs[SCRIPTS.length]!.stderr).toMatch(/^npm start: Unexpected argument 'now'\nusage: [^\n]+\n$/);
    for (const run of runs) {
      expect(run.stdout).toBe('');
      expect(run.status).toBe(2);
    }
  }, 60_000);

  it('print the usage for --help, exit 0', async () => {
    const run = await script('main', ['--help']);
    expect(run.stdout).toMatch(/^usage: npm start \(no options: [^\n]+\)\n$/);
    expect(run.status).toBe(0);
  }, 60_000);
});
