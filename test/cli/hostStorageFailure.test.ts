/**
 * A node host whose storage fails (a sync rejects) stops like a crash: the Member cannot know
 * which of its writes survived, so the host ends its trace part with a `crash` line, not a
 * clean `end`, and its process exits 1 (a supervisor restarts it; the trace checker does not
 * take the part's last events as durable). The nodes run in this process; the failing sync is
 * node 1's own log, replaced after start.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { ClientConnection } from '../../src/cli/client/connection.js';
import { CLIENT_ID_MIN } from '../../src/cli/client/protocol.js';
import { NodeHost } from '../../src/cli/node/host.js';
import type { FileDurableLog } from '../../src/storage/fileLog.js';
import { partPath } from '../../src/trace/format/partFile.js';
import { hostCluster } from './hostCluster.js';

describe('a node host whose storage fails', () => {
  it('ends its trace part with a crash line and resolves `stopped` with exit code 1', async () => {
    const { key, traceDir, logs, options } = await hostCluster('host-storage-fail-', { runId: 'fail' });
    const hosts = await Promise.all([1, 2, 3].map((id) => NodeHost.start(options(id, true))));
    try {
      // From now on every sync of node 1's log fails, as a full or vanished disk would.
      const log = (hosts[0] as unknown as { log: FileDurableLog }).log;
      vi.spyOn(log, 'sync').mockRejectedValue(new Error('EIO: the disk went away'));
      const c = await ClientConnection.open({ address: { host: '127.0.0.1', port: hosts[0]!.clientPort }, key, clientId: CLIENT_ID_MIN + 50, timeoutMs: 5_000 });
      // Its first invoke appends a clientIds record: the sync behind it fails, and the node stops.
      void c.invoke(1, { op: 'open', account: 'a' }).catch(() => undefined);
      const code = await Promise.race([hosts[0]!.stopped, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
      c.close();
      expect(code, 'the exit code of a node stopped by a storage failure').toBe(1);
      expect(logs.filter((l) => l.event === 'node-failed')).toEqual([expect.objectContaining({ node: 1, error: expect.stringContaining('EIO') })]);
      const lines = readFileSync(partPath(traceDir, 'fail', 1), 'utf8').trim().split('\n');
      expect(JSON.parse(lines.at(-1)!), 'the part of a node that failed ends as a crash, not a clean stop').toMatchObject({ kind: 'crash', node: 1 });
    } finally {
      for (const h of hosts) await h.stop('test');
    }
  }, 30_000);
});
