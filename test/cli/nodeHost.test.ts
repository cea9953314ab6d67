/**
 * A node process's restart, in-process (NodeHost): a crash that took the last durable record
 * from the log but left its event in the trace part. The restarted node must bring its log up
 * to its trace before it starts, or its NodeRestart step would not be one the spec allows
 * (the spec keeps an acceptor's state across a crash); the run's parts then check.
 */
import { mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/cli/client/connection.js';
import { CLIENT_ID_MIN } from '../../src/cli/client/protocol.js';
import { Logger } from '../../src/cli/log.js';
import { NodeHost, type NodeHostOptions } from '../../src/cli/node/host.js';
import { PROCESS_TIMING } from '../../src/cli/node/timing.js';
import { FileDurableLog } from '../../src/storage/fileLog.js';
import { partPath } from '../../src/trace/format/partFile.js';
import { checkTrace } from '../../src/trace/replay/check.js';
import { generateClusterKey } from '../../src/transport/clusterKey.js';
import { freeBasePort } from './helpers.js';

describe('NodeHost restart after a crash', () => {
  it('appends the records its trace holds and its log lost, so its parts check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nodehost-'));
    const key = generateClusterKey(join(dir, 'cluster.key'));
    const base = await freeBasePort(3);
    const peers = [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', port: base + id - 1 }));
    const logs: Record<string, unknown>[] = [];
    const options = (id: number, isNew: boolean): NodeHostOptions => ({
      id, peers, dataDir: join(dir, `data${id}`), key, app: 'bank', isNew, traceDir: join(dir, 'traces'), runId: 'host',
      clientPort: base + id - 1 + 1000, timing: PROCESS_TIMING,
      logger: new Logger({ node: id, write: (l) => logs.push(JSON.parse(l) as Record<string, unknown>) }),
    });
    const hosts = await Promise.all([1, 2, 3].map((id) => NodeHost.start(options(id, true))));
    try {
      const c = await ClientConnection.open({ address: { host: '127.0.0.1', port: hosts[0]!.clientPort }, key, clientId: CLIENT_ID_MIN });
      expect(await c.invoke(1, { op: 'open', account: 'a' })).toMatchObject({ ok: true });
      expect(await c.invoke(2, { op: 'deposit', account: 'a', amount: 5 })).toMatchObject({ ok: true });
      c.close();
      // Node 3 "crashes": no end line in its part, and its log's last record (an accept) torn off.
      await hosts[2]!.stop('test');
      const part3 = partPath(join(dir, 'traces'), 'host', 3);
      const lines = readFileSync(part3, 'utf8').trim().split('\n');
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ kind: 'end' });
      writeFileSync(part3, lines.slice(0, -1).join('\n') + '\n');
      const logFile = join(dir, 'data3', 'durable.log');
      const slots = async () => {
        const log = await FileDurableLog.open(join(dir, 'data3'), { nodeId: 3, create: false, log: () => undefined });
        try { return log.load()!.aAccepted.map((pv) => pv.slot); } finally { await log.close(); }
      };
      const accepted = await slots();
      truncateSync(logFile, statSync(logFile).size - 1);
      expect(await slots()).toEqual(accepted.slice(0, -1));

      hosts[2] = await NodeHost.start(options(3, false));
      expect(logs.filter((l) => l.event === 'durable-caught-up')).toEqual([expect.objectContaining({ node: 3, records: 1 })]);
      expect(logs.filter((l) => l.event === 'crash-recorded')).toEqual([expect.objectContaining({ node: 3 })]);
    } finally {
      for (const h of hosts) await h.stop('test');
    }
    const v = await checkTrace({ name: 'host', files: [1, 2, 3].map((n) => partPath(join(dir, 'traces'), 'host', n)) });
    expect(v.failure, JSON.stringify(v.failure, null, 1)).toBeUndefined();
    expect(v.ok).toBe(true);
  }, 60_000);
});
