/**
 * A node host's clean stop. Write-ahead: when it closes its log (the last sync), its trace part
 * on disk already holds every event the node emitted, so a crash in between leaves the log
 * behind the trace, never ahead of it (a restart refuses that: durableCatchUp.ts). And when the
 * signal comes twice (an operator's Ctrl-C pressed again, a
 * supervisor's SIGTERM after it): the second stop joins the first instead of closing the log
 * and the trace part a second time, so the process exits 0 with one `end` line at the end of
 * its part. The nodes run in this process.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { ClientConnection } from '../../src/cli/client/connection.js';
import { CLIENT_ID_MIN } from '../../src/cli/client/protocol.js';
import { NodeHost } from '../../src/cli/node/host.js';
import type { FileDurableLog } from '../../src/storage/fileLog.js';
import { partPath } from '../../src/trace/format/partFile.js';
import { hostCluster } from './hostCluster.js';

describe('a node host stopped twice', () => {
  it('stops once: both stops resolve, the exit code is 0, and its part ends with one end line', async () => {
    const { key, traceDir, logs, options } = await hostCluster('host-stop-twice-', { runId: 'twice' });
    const hosts = await Promise.all([1, 2, 3].map((id) => NodeHost.start(options(id, true))));
    try {
      const c = await ClientConnection.open({ address: { host: '127.0.0.1', port: hosts[0]!.clientPort }, key, clientId: CLIENT_ID_MIN + 70 });
      expect(await c.invoke(1, { op: 'open', account: 'a' })).toMatchObject({ ok: true });
      c.close();
      // What the signal handler does (commands/node.ts): `void host.stop(signal)`, once per signal.
      const first = hosts[0]!.stop('SIGINT');
      const second = hosts[0]!.stop('SIGTERM');
      await expect(Promise.all([first, second])).resolves.toBeDefined();
      expect(await hosts[0]!.stopped).toBe(0);
      expect(logs.filter((l) => l.node === 1 && (l.event === 'storage-failed' || l.event === 'stopped'))).toEqual([
        expect.objectContaining({ event: 'stopped', reason: 'SIGINT' }),
      ]);
      const lines = readFileSync(partPath(traceDir, 'twice', 1), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind?: string });
      expect(lines.filter((l) => l.kind === 'end' || l.kind === 'crash')).toHaveLength(1);
      expect(lines.at(-1)).toMatchObject({ kind: 'end', note: 'SIGINT' });
    } finally {
      for (const h of hosts) await h.stop('test');
    }
  }, 30_000);
});

describe('a node host\'s clean stop', () => {
  it('has written every event of its node to its part before it closes its log', async () => {
    const { key, traceDir, options } = await hostCluster('host-stop-flush-', { runId: 'flush' });
    const hosts = await Promise.all([1, 2, 3].map((id) => NodeHost.start(options(id, true))));
    try {
      const c = await ClientConnection.open({ address: { host: '127.0.0.1', port: hosts[0]!.clientPort }, key, clientId: CLIENT_ID_MIN + 71 });
      expect(await c.invoke(1, { op: 'open', account: 'a' })).toMatchObject({ ok: true });
      await Promise.all(Array.from({ length: 10 }, (_, i) => c.invoke(2 + i, { op: 'deposit', account: 'a', amount: 1 })));
      c.close();
      // A follower's executions send nothing, so nothing flushed them: they wait in its buffer.
      const inside = (h: NodeHost) => h as unknown as { log: FileDurableLog; trace: { file: { buffered: number; events: number } } };
      const id = [2, 3].find((n) => inside(hosts[n - 1]!).trace.file.buffered > 0);
      expect(id, 'a follower with buffered events (the premise)').toBeDefined();
      const host = inside(hosts[id! - 1]!);
      const part = partPath(traceDir, 'flush', id!);
      const onDisk = () => readFileSync(part, 'utf8').split('\n').filter((l) => l.includes('"action"')).length;
      let atClose: { onDisk: number; emitted: number } | undefined;
      const close = host.log.close.bind(host.log);
      vi.spyOn(host.log, 'close').mockImplementation(() => {
        atClose = { onDisk: onDisk(), emitted: host.trace.file.events };
        return close();
      });
      await hosts[id! - 1]!.stop('SIGTERM');
      expect(atClose, 'the events on disk when the log closed').toEqual({ onDisk: atClose!.emitted, emitted: atClose!.emitted });
      expect(atClose!.emitted).toBeGreaterThan(0);
    } finally {
      for (const h of hosts) await h.stop('test');
    }
  }, 30_000);
});
