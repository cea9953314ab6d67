/**
 * A node process killed and started again from a snapshot writes its NodeRestart whole with
 * its restored history by length (docs/trace-format.md, "Histories by length"), so neither its
 * trace nor its snapshots nor its memory hold the history. The part checks; and the writer's
 * one claim, the length, is what the checker holds it to: a restart that claims one request
 * more than its node had, or one fewer than its snapshot, fails.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/cli/client/connection.js';
import { CLIENT_ID_MIN } from '../../src/cli/client/protocol.js';
import { LocalCluster } from '../../src/cli/cluster/localCluster.js';
import { partPath } from '../../src/trace/format/partFile.js';
import { checkTrace } from '../../src/trace/replay/check.js';
import { readTrace } from '../../src/trace/replay/tlc.js';
import { generateClusterKey } from '../../src/transport/clusterKey.js';
import { freeBasePort } from './helpers.js';

const dirs: string[] = [];
let cluster: LocalCluster | undefined;
afterAll(async () => {
  await cluster?.stopAll();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function transfers(c: LocalCluster, key: Buffer, node: number, client: number, count: number): Promise<void> {
  const conn = await ClientConnection.open({ address: c.clientAddress(node), key, clientId: CLIENT_ID_MIN + client });
  try {
    for (let i = 1; i <= count; i++) expect(await conn.invoke(i, { op: 'open', account: `a${client}-${i}` })).toMatchObject({ ok: true });
  } finally {
    conn.close();
  }
}

describe('a restart from a snapshot, traced by a process', () => {
  it('names its history by length; the part checks, and a wrong length fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paxos-restart-'));
    dirs.push(dir);
    const keyFile = join(dir, 'cluster.key');
    const key = generateClusterKey(keyFile);
    const traceDir = join(dir, 'traces');
    cluster = new LocalCluster({
      nodes: 3, host: '127.0.0.1', basePort: await freeBasePort(3), dataDir: join(dir, 'data'), keyFile, key, app: 'bank', traceDir, runId: 'restart',
      nodeArgs: ['--checkpoint-every', '4', '--batch-max', '1'],
    });
    await cluster.startAll();
    await transfers(cluster, key, 1, 1, 12);
    await cluster.kill(3);
    await cluster.start(3);
    await transfers(cluster, key, 1, 2, 3);
    await cluster.stopAll();

    const files = [1, 2, 3].map((n) => partPath(traceDir, 'restart', n));
    const lines = readFileSync(files[2]!, 'utf8').trim().split('\n');
    const at = lines.findIndex((l) => l.includes('"action":"NodeRestart"'));
    expect(at).toBeGreaterThan(0);
    const restart = JSON.parse(lines[at]!) as { state: { rExecuted: unknown; rSnap: { executed: unknown } } };
    // Snapshots every 4 slots, 12 requests before the kill: the snapshot holds some of them.
    const named = restart.state.rExecuted as { historyLength: number };
    expect(named.historyLength).toBeGreaterThanOrEqual(4);
    expect(restart.state.rSnap.executed).toEqual(named);
    expect((await checkTrace({ name: 'restart', files })).ok).toBe(true);
    // The TLC module is given the history itself: the first L requests node 3 had.
    const { events } = await readTrace(files);
    const i = events.findIndex((e) => e.node === 3 && e.action === 'NodeRestart');
    const before = events.slice(0, i).filter((e) => e.node === 3).at(-1)!.state.rExecuted;
    expect(events[i]!.state.rExecuted).toEqual(before.slice(0, named.historyLength));
    expect(events[i]!.state.rSnap.executed).toEqual(before.slice(0, named.historyLength));

    const withLength = (L: number): void => {
      const e = JSON.parse(lines[at]!) as { state: { rExecuted: unknown; rSnap: { executed: unknown } } };
      e.state.rExecuted = { historyLength: L };
      e.state.rSnap.executed = { historyLength: L };
      writeFileSync(files[2]!, [...lines.slice(0, at), JSON.stringify(e), ...lines.slice(at + 1)].join('\n') + '\n');
    };
    // More than the node had before its crash (it had executed all 12 and the setup's reads).
    withLength(10_000);
    const over = await checkTrace({ name: 'restart', files });
    expect(over.failure).toMatchObject({ kind: 'spec', action: 'NodeRestart', message: expect.stringMatching(/restarts with rExecuted the first 10000 requests of its history, which has \d+/) });
    // Fewer than its snapshot holds: the spec's NodeRestart takes the snapshot's history.
    withLength(named.historyLength - 1);
    const under = await checkTrace({ name: 'restart', files });
    expect(under.failure).toMatchObject({ kind: 'spec', action: 'NodeRestart' });
    expect(under.failure!.diff!.join('\n')).toMatch(/rExecuted/);
  }, 120_000);
});
