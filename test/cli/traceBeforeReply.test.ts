/**
 * Write-ahead tracing at the client port: a node's trace part must never be behind what a
 * client was told. When a reply reaches the client, the node's part file on disk already
 * holds the ClientReturn event of that request (NodeHost passes the trace file's flush to
 * the client port as `beforeReply`). The nodes run in this process, so the file is read
 * synchronously the moment each reply arrives, before the node can do anything else.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/cli/client/connection.js';
import { CLIENT_ID_MIN } from '../../src/cli/client/protocol.js';
import { NodeHost } from '../../src/cli/node/host.js';
import { partPath } from '../../src/trace/format/partFile.js';
import { encodeInput } from '../../src/statemachines/codec.js';
import { hostCluster } from './hostCluster.js';

interface ClientEventLine { action?: string; params?: { client?: { kind: string; clientId: number; input?: string; output?: unknown } } }

/** The client events (ClientInvoke / ClientReturn) of a part file as it is on disk now. */
function clientEvents(path: string): { action: string; client: { kind: string; clientId: number; input?: string; output?: unknown } }[] {
  const events = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    const e = JSON.parse(line) as ClientEventLine;
    if (e.params?.client !== undefined && typeof e.action === 'string') events.push({ action: e.action, client: e.params.client });
  }
  return events;
}

describe('a traced node answers a client only once its trace holds the answer', () => {
  it('every reply finds the ClientReturn of its request already in the node\'s part file', async () => {
    const { key, traceDir, options } = await hostCluster('trace-before-reply-', { runId: 'wal', app: 'kv' });
    const hosts = await Promise.all([1, 2, 3].map((id) => NodeHost.start(options(id, true))));
    const part = partPath(traceDir, 'wal', 1);
    try {
      const c = await ClientConnection.open({ address: { host: '127.0.0.1', port: hosts[0]!.clientPort }, key, clientId: CLIENT_ID_MIN + 11 });
      try {
        for (let request = 1; request <= 12; request++) {
          const command = { op: 'set', key: `k${request}`, value: `v${request}` };
          const outcome = await c.invoke(request, command);
          // No await between the reply's arrival and this read: the node cannot flush in between.
          const events = clientEvents(part);
          expect(outcome, `request ${request}`).toMatchObject({ ok: true });
          const invoked = events.find((e) => e.action === 'ClientInvoke' && e.client.input === encodeInput(command));
          expect(invoked, `the ClientInvoke of request ${request} is in ${part} when its reply arrives`).toBeDefined();
          const returned = events.find((e) => e.action === 'ClientReturn' && e.client.clientId === invoked!.client.clientId);
          expect(returned, `the ClientReturn of request ${request} (member client ${invoked!.client.clientId}) is in ${part} when its reply arrives`).toBeDefined();
          expect(returned!.client).toMatchObject({ kind: 'return', output: (outcome as { output: unknown }).output });
        }
      } finally {
        c.close();
      }
    } finally {
      for (const h of hosts) await h.stop('test');
    }
  }, 60_000);
});
