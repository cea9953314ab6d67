/**
 * The scripts that take no arguments refuse one instead of ignoring it: `npm start -- --fast`
 * ran the whole main job, and `make-golden-traces --dry-run` rewrote traces/examples/, until
 * 2026-12-06. Each run is killed after 30 s, so a script that ignores the argument fails here
 * rather than doing its work.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

interface Run { status: number | null; stdout: string; stderr: string }

function script(name: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

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
