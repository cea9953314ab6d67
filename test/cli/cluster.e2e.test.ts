/**
 * End to end, as a user would: `paxos cluster` starts three node processes; `paxos invoke`
 * runs commands (a request sent twice with one id runs once); `paxos status` shows every
 * node; Ctrl-C (SIGINT) stops the cluster cleanly, its trace parts check; the cluster started
 * again from its data directories still holds the accounts. Loopback only; every process
 * this test starts is in one process group, killed in afterAll if still there.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheckTracesCli } from '../../src/trace/replay/cli.js';
import { freeBasePort, PAXOS, runPaxos, waitFor } from './helpers.js';

const started: ChildProcess[] = [];
afterAll(() => {
  for (const c of started) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    try { process.kill(-c.pid!, 'SIGKILL'); } catch { /* already gone */ }
  }
});

function startCluster(args: string[]) {
  // detached: its own process group, so afterAll can end it and its nodes together.
  const child = spawn(process.execPath, [PAXOS, 'cluster', ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  started.push(child);
  let stdout = ''; let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

describe('paxos cluster, invoke and status', () => {
  it('runs a 3-node cluster of processes that answers commands, reports its state, stops cleanly and restarts from its data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paxos-e2e-'));
    const base = await freeBasePort(3);
    const dataDir = join(dir, 'data');
    const traceDir = join(dir, 'traces');
    const args = ['--nodes', '3', '--data-dir', dataDir, '--base-port', String(base), '--trace-dir', traceDir];
    const first = startCluster(args);
    await waitFor('the cluster to come up', () => /cluster up/.test(first.stdout()) || first.child.exitCode !== null, 90_000);
    expect(first.stdout()).toMatch(new RegExp(`node 1: peers 127\\.0\\.0\\.1:${base}, clients 127\\.0\\.0\\.1:${base + 1000}`));
    const peers = `1=127.0.0.1:${base},2=127.0.0.1:${base + 1},3=127.0.0.1:${base + 2}`;
    const key = join(dataDir, 'cluster.key');
    const invoke = async (command: object, extra: string[] = []) => {
      const r = await runPaxos(['invoke', '--peers', peers, '--key-file', key, ...extra, JSON.stringify(command)]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    expect(await invoke({ op: 'open', account: 'alice' })).toEqual({ ok: true, op: 'open', account: 'alice' });
    expect(await invoke({ op: 'open', account: 'bob' }, ['--node', '2'])).toMatchObject({ ok: true });
    expect(await invoke({ op: 'deposit', account: 'alice', amount: 100 }, ['--node', '3'])).toMatchObject({ ok: true, balance: 100 });
    const once = ['--client-id', '70000', '--request-id', '9'];
    const move = { op: 'transfer', from: 'alice', to: 'bob', amount: 30 };
    expect(await invoke(move, once)).toMatchObject({ ok: true });
    expect(await invoke(move, once)).toMatchObject({ ok: true });
    expect(await invoke({ op: 'balance', account: 'alice' })).toMatchObject({ balance: 70 });
    // An application error is an output (exit 0), not a failure of the cluster.
    expect(await invoke({ op: 'transfer', from: 'bob', to: 'alice', amount: 1000 })).toMatchObject({ ok: false, error: 'InsufficientFunds' });

    const status = await runPaxos(['status', '--peers', peers, '--key-file', key, '--json']);
    expect(status.code, status.stderr).toBe(0);
    const nodes = JSON.parse(status.stdout) as { node: number; up: boolean; status: { roles: string[]; slotOut: number; health: string; leader: number | null } }[];
    expect(nodes.map((n) => [n.node, n.up])).toEqual([[1, true], [2, true], [3, true]]);
    for (const n of nodes) {
      expect(n.status.roles).toEqual(expect.arrayContaining(['Acceptor', 'Replica', 'Leader']));
      expect(n.status.health).toBe('ok');
      expect(n.status.leader).not.toBeNull();
    }
    expect(Math.max(...nodes.map((n) => n.status.slotOut))).toBeGreaterThanOrEqual(7);
    const table = await runPaxos(['status', '--peers', peers, '--key-file', key]);
    expect(table.stdout.split('\n')[0]).toMatch(/^node\s+roles\s+ballot\s+leader\s+slot_out\s+executed\s+health/);

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.stderr()).toMatch(/paxos cluster: stopped/);
    const out: string[] = [];
    expect(await runCheckTracesCli([traceDir, '--jobs', '1'], (s) => out.push(s), () => undefined)).toBe(0);
    expect(out.join('\n')).toMatch(/^PASS .* \(\d+ events, 6 client operations linearizable/);

    // Every node restarts from its data directory; the cluster re-forms and still knows alice.
    const second = startCluster(args);
    await waitFor('the cluster to come up again', () => /cluster up/.test(second.stdout()) || second.child.exitCode !== null, 90_000);
    expect(second.stdout()).toMatch(/node 2: .*\(restarted from its data\)/);
    expect(await invoke({ op: 'balance', account: 'bob' }, ['--timeout', '30'])).toMatchObject({ ok: true, balance: 30 });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    out.length = 0;
    expect(await runCheckTracesCli([traceDir, '--jobs', '1'], (s) => out.push(s), () => undefined)).toBe(0);
  }, 240_000);
});
