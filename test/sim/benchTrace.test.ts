/**
 * bench:sim --trace-dir (bench/timedTrace.ts): the long shape's trace is one the checker
 * accepts whole (spec replay, client histories), and the bench reports it by tenth.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheckTracesCli } from '../../src/trace/replay/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bench-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run bench:sim -- --shape long --trace-dir', () => {
  it('writes a trace of the whole run, with leader kills and checkpoints, that check-traces passes', async () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/sim.ts', '--shape', 'long', '--transfers', '150', '--checkpoint-every', '20', '--trace-dir', dir],
      { encoding: 'utf8', timeout: 120_000 });

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readdirSync(dir)).toEqual(['sim-1-long.ndjson']);
    const events = Number(/trace +\S+: ([\d,]+) events/.exec(run.stdout)?.[1]?.replaceAll(',', ''));
    expect(events).toBeGreaterThan(1000);
    expect(run.stdout).toMatch(/writer µs \/ event by tenth +(\d+\.\d\d ){9}\d+\.\d\d; last \/ first/);
    expect(run.stdout).toMatch(/trace events by tenth +([\d,]+ ){9}[\d,]+\n/);
    // The bench checks its own trace, and says what the checker held.
    expect(run.stdout).toMatch(new RegExp(`check-traces +PASS \\S+sim-1-long\\.ndjson \\(${events} events`));
    expect(run.stdout).toMatch(/checker heap MiB after tenth +([\d,.]+ ){9}[\d,.]+ \(no --expose-gc: includes garbage\); last \/ first [\d.]+; -?[\d,.]+ KiB more per 1,000 events/);
    expect(run.stdout).toMatch(/checker msgs held +at most [\d,]+ at once; [\d,]+ dead ones forgotten/);

    const out: string[] = [];
    const code = await runCheckTracesCli(['--jobs', '1', dir], (s) => out.push(s), () => {});
    expect(out.join('\n')).toMatch(new RegExp(`^PASS \\S+sim-1-long\\.ndjson \\(${events} events, \\d+ client operations linearizable`));
    expect(code).toBe(0);
  }, 180_000);

  it('refuses --trace-dir for another shape', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/sim.ts', '--shape', 'seed-seq', '--trace-dir', dir], { encoding: 'utf8', timeout: 60_000 });

    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--trace-dir takes a folder and applies to the long shape only/);
  });
});
