/**
 * A node host batches what one turn brings (docs/cli.md, --batch-max): requests a client sends
 * together share slots. The host sets deferProposals 'turn' for that; without it a replica
 * proposes each request alone while its window has room (5 slots), and batches form only once
 * the window is full. Counted in slots, never in time.
 */
import { describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/cli/client/connection.js';
import { CLIENT_ID_MIN } from '../../src/cli/client/protocol.js';
import { NodeHost } from '../../src/cli/node/host.js';
import { DEFAULT_LIMITS } from '../../src/protocol/limits.js';
import { hostCluster } from './hostCluster.js';

const REQUESTS = 20;
const BATCH_MAX = 10;

describe('a node host with --batch-max', () => {
  it('proposes the requests that arrive together as batches: far fewer slots than requests, fewer than a window of singles', async () => {
    const { key, options } = await hostCluster('host-batch-', { runId: 'batch', batchMax: BATCH_MAX, traceDir: undefined });
    const hosts = await Promise.all([1, 2, 3].map((id) => NodeHost.start(options(id, true))));
    try {
      const client = await ClientConnection.open({ address: { host: '127.0.0.1', port: hosts[0]!.clientPort }, key, clientId: CLIENT_ID_MIN + 40, timeoutMs: 10_000 });
      // A leader elected and nothing of node 1's in flight: the next request is proposed at once.
      expect(await client.invoke(1, { op: 'open', account: 'a' })).toMatchObject({ ok: true });
      const before = (await client.status()).slotOut;

      const answers = await Promise.all(Array.from({ length: REQUESTS }, (_, i) => client.invoke(2 + i, { op: 'deposit', account: 'a', amount: 1 })));
      expect(answers.every((a) => a.ok)).toBe(true);
      const slots = (await client.status()).slotOut - before;
      client.close();

      // Read in one turn: the first alone, the others in ceil(19 / 10) = 2 batches (3 slots; a
      // turn or two more, the frames split across reads, adds a slot each). Proposed at once
      // instead, the first `window` requests take a slot each and the rest at least one more (7).
      expect(slots).toBeLessThanOrEqual(DEFAULT_LIMITS.window);
    } finally {
      for (const h of hosts) await h.stop('test');
    }
  }, 60_000);
});
