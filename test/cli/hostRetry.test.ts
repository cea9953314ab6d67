/**
 * A client retry at real node hosts (NodeHost, in-process): a request marked `retry` reaches
 * the node's request table as one, so a node that has no record of it (it restarted, or the
 * request went elsewhere) answers Unknown instead of running the command a second time, and
 * a node that has the record answers from it. The node restarted from its data directory
 * rejoins and still holds the state the first run made.
 */
import { describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/cli/client/connection.js';
import { CLIENT_ID_MIN } from '../../src/cli/client/protocol.js';
import { NodeHost } from '../../src/cli/node/host.js';
import { hostCluster } from './hostCluster.js';

describe('a retried request at a node host', () => {
  it('is answered from the table where it ran, Unknown where it did not (never run twice), also after a restart', async () => {
    const { key, options } = await hostCluster('host-retry-', { runId: 'retry' });
    const hosts = await Promise.all([1, 2, 3].map((id) => NodeHost.start(options(id, true))));
    const open = (i: number) => ClientConnection.open({ address: { host: '127.0.0.1', port: hosts[i]!.clientPort }, key, clientId: CLIENT_ID_MIN + 30, timeoutMs: 10_000 });
    const deposit = { op: 'deposit', account: 'a', amount: 5 };
    try {
      const c1 = await open(0);
      expect(await c1.invoke(1, { op: 'open', account: 'a' })).toMatchObject({ ok: true });
      expect(await c1.invoke(2, deposit)).toEqual({ ok: true, output: { ok: true, op: 'deposit', account: 'a', balance: 5 } });
      // The copy at the node that ran it: its first answer.
      expect(await c1.invoke(2, deposit, true)).toEqual({ ok: true, output: { ok: true, op: 'deposit', account: 'a', balance: 5 } });
      c1.close();

      // The copy at a node that never saw it: Unknown, not a second deposit.
      const c2 = await open(1);
      expect(await c2.invoke(2, deposit, true)).toMatchObject({ ok: false, error: 'Unknown', indeterminate: true });
      c2.close();

      // Node 1 restarts from its data directory: its table is gone, so the copy is Unknown there too.
      await hosts[0]!.stop('test');
      hosts[0] = await NodeHost.start(options(1, false));
      const again = await open(0);
      expect(await again.invoke(2, deposit, true)).toMatchObject({ ok: false, error: 'Unknown', indeterminate: true });
      expect(await again.invoke(3, { op: 'balance', account: 'a' })).toMatchObject({ ok: true, output: { balance: 5 } });
      again.close();
    } finally {
      for (const h of hosts) await h.stop('test');
    }
  }, 60_000);
});
