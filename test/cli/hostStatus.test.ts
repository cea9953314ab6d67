/**
 * What a node host's status handler reports about its client requests (`paxos status`):
 * `pendingRequests` counts the requests in flight at that node's request table, `io.answered`
 * the ones answered so far, and `executed` what its replica executed; a state read carries the
 * replica's history only when asked for it (it grows with the run). The nodes run in this
 * process (no trace: only the host's wiring of its status sources is under test here).
 */
import { describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/cli/client/connection.js';
import { CLIENT_ID_MIN } from '../../src/cli/client/protocol.js';
import { NodeHost } from '../../src/cli/node/host.js';
import { hostCluster } from './hostCluster.js';

describe('a node host\'s status', () => {
  it('counts requests in flight as pending and answered ones as answered, and sends the history only when asked', async () => {
    const { key, options } = await hostCluster('host-status-', { runId: 'status', traceDir: undefined });
    const hosts = await Promise.all([1, 2, 3].map((id) => NodeHost.start(options(id, true))));
    const c = await ClientConnection.open({ address: { host: '127.0.0.1', port: hosts[0]!.clientPort }, key, clientId: CLIENT_ID_MIN + 60, timeoutMs: 20_000 });
    try {
      expect(await c.invoke(1, { op: 'open', account: 'a' })).toMatchObject({ ok: true });
      expect(await c.invoke(2, { op: 'deposit', account: 'a', amount: 5 })).toMatchObject({ ok: true });
      const idle = await c.status();
      expect(idle).toMatchObject({ node: 1, pendingRequests: 0, executed: 2, io: { answered: 2 } });
      const brief = await c.state();
      const full = await c.state(true);
      expect(brief).toMatchObject({ node: 1, executed: 2 });
      expect(brief.history, 'a state read without history').toBeUndefined();
      expect(full.history?.map((r) => JSON.parse(r.input) as unknown)).toEqual([{ op: 'open', account: 'a' }, { op: 'deposit', account: 'a', amount: 5 }]);
      expect(full.historyDigest).toBe(brief.historyDigest);

      // No majority: the next request stays in flight at node 1.
      await hosts[1]!.stop('test');
      await hosts[2]!.stop('test');
      const stuck = c.invoke(3, { op: 'deposit', account: 'a', amount: 1 }).catch(() => undefined);
      // Sent behind the invoke on one connection: the node took request 3 before it reads this.
      const busy = await c.status();
      expect(busy).toMatchObject({ pendingRequests: 1, executed: 2, io: { answered: 2 } });
      await hosts[0]!.stop('test');
      await stuck;
    } finally {
      c.close();
      for (const h of hosts) await h.stop('test');
    }
  }, 30_000);
});
