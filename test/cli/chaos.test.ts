/**
 * Real processes killed with SIGKILL: a short chaos run (3 nodes, the leader then a follower
 * killed mid-workload and restarted) must keep every acknowledged transfer, converge, conserve
 * money and leave traces that check; and a node killed for good leaves a part that checks
 * only because its crash was recorded. Loopback only; the clusters are stopped in afterAll.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChaos } from '../../src/cli/chaos/run.js';
import { ClientConnection } from '../../src/cli/client/connection.js';
import { CLIENT_ID_MIN } from '../../src/cli/client/protocol.js';
import { LocalCluster } from '../../src/cli/cluster/localCluster.js';
import { partPath } from '../../src/trace/format/partFile.js';
import { checkTrace } from '../../src/trace/replay/check.js';
import { generateClusterKey } from '../../src/transport/clusterKey.js';
import { freeBasePort } from './helpers.js';

const clusters: LocalCluster[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const c of clusters) await c.stopAll();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

describe('kill -9 with real processes', () => {
  it('a short chaos run: leader and follower killed and restarted, nothing acknowledged is lost, traces check', async () => {
    const lines: string[] = [];
    const report = await runChaos({
      nodes: 3, clients: 4, rate: 10, durationMs: 15_000, rounds: 1, downMs: 1_000, basePort: await freeBasePort(3), seed: 7,
      progress: (l) => lines.push(l),
    });
    expect(report.problems, lines.join('\n')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.kills.map((k) => k.role)).toEqual(['leader', 'follower']);
    expect(report.kills[0]!.node).not.toBe(report.kills[1]!.node);
    expect(report.kills[0]!.newLeader).not.toBe(report.kills[0]!.node);
    expect(report.history!.acknowledged).toBeGreaterThan(20);
    expect(report.history!.lost).toBe(0);
    expect(report.history!.duplicated).toBe(0);
    expect(report.replicasEqual).toBe(true);
    expect(report.traces).toMatchObject({ ok: true, parts: 3 });
    expect(report.traces.events).toBeGreaterThan(1000);
  }, 150_000);

  it('a node killed for good: its part checks with the crash the supervisor recorded, and fails without it', async () => {
    const dir = tempDir('paxos-kill-');
    const keyFile = join(dir, 'cluster.key');
    const key = generateClusterKey(keyFile);
    const traceDir = join(dir, 'traces');
    const cluster = new LocalCluster({ nodes: 3, host: '127.0.0.1', basePort: await freeBasePort(3), dataDir: join(dir, 'data'), keyFile, key, app: 'bank', traceDir, runId: 'kill' });
    clusters.push(cluster);
    await cluster.startAll();
    const c = await ClientConnection.open({ address: cluster.clientAddress(1), key, clientId: CLIENT_ID_MIN + 1 });
    expect(await c.invoke(1, { op: 'open', account: 'a' })).toMatchObject({ ok: true });
    c.close();
    await cluster.kill(3);
    await cluster.stopAll();
    const files = [1, 2, 3].map((n) => partPath(traceDir, 'kill', n));
    const part3 = readFileSync(files[2]!, 'utf8').trim().split('\n');
    expect(JSON.parse(part3.at(-1)!)).toMatchObject({ kind: 'crash', node: 3, note: 'killed with SIGKILL' });
    expect((await checkTrace({ name: 'kill', files })).ok).toBe(true);
    // The same part without the crash line: its tail could have been lost; the checker says so.
    writeFileSync(files[2]!, part3.slice(0, -1).join('\n') + '\n');
    const v = await checkTrace({ name: 'kill', files });
    expect(v.failure).toMatchObject({ kind: 'lifecycle', message: expect.stringMatching(/node 3's part ends after its event seq \d+ with neither an end line nor a crash/) });
  }, 120_000);

  it('a node that cannot start: the error quotes what the process last wrote (a CI log may be all that is left)', async () => {
    const dir = tempDir('paxos-nostart-');
    const keyFile = join(dir, 'cluster.key');
    const key = generateClusterKey(keyFile);
    const cluster = new LocalCluster({ nodes: 3, host: '127.0.0.1', basePort: await freeBasePort(3), dataDir: join(dir, 'data'), keyFile, key, app: 'bank', nodeArgs: ['--window', '0'] });
    clusters.push(cluster);
    await expect(cluster.start(1)).rejects.toThrow(/^node 1 exited while starting \(exit code 2\); its last output:\n.*--window/);
    expect(cluster.isRunning(1)).toBe(false);
  }, 60_000);

  it('a port the kernel lent out while a node was down: the node is started again once it is free, with a warning', async () => {
    const dir = tempDir('paxos-portbusy-');
    const keyFile = join(dir, 'cluster.key');
    const key = generateClusterKey(keyFile);
    const lines: string[] = [];
    const basePort = await freeBasePort(3);
    const traceDir = join(dir, 'traces');
    const squatter = createServer();
    // The port is freed once the node has found it busy (not after a fixed time: a loaded
    // machine may take longer than that to start the node at all).
    const onLine = (_: number, l: string): void => {
      lines.push(l);
      if (l.includes('"event":"port-in-use"')) squatter.close();
    };
    const cluster = new LocalCluster({ nodes: 3, host: '127.0.0.1', basePort, dataDir: join(dir, 'data'), keyFile, key, app: 'bank', traceDir, runId: 'busy', onLine });
    clusters.push(cluster);
    await new Promise<void>((r) => squatter.listen(basePort, '127.0.0.1', r));
    await cluster.start(1);
    expect(cluster.isRunning(1)).toBe(true);
    expect(lines.filter((l) => l.includes('EADDRINUSE')).length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes('"event":"port-in-use"')).length).toBeGreaterThan(0);
    // Its first try made its data directory and trace part: the second is a restart, and checks.
    await cluster.start(2);
    await cluster.start(3);
    const c = await ClientConnection.open({ address: cluster.clientAddress(2), key, clientId: CLIENT_ID_MIN + 1 });
    expect(await c.invoke(1, { op: 'open', account: 'a' })).toMatchObject({ ok: true });
    c.close();
    await cluster.stopAll();
    const v = await checkTrace({ name: 'busy', files: [1, 2, 3].map((n) => partPath(traceDir, 'busy', n)) });
    expect(v.failure).toBeUndefined();
    expect(v.ok).toBe(true);
  }, 60_000);
});
