/**
 * Informal throughput of TcpTransport between two transports on 127.0.0.1 (not a test:
 * `npx tsx test/transport/throughput.ts [messages]`). Node 1 sends Accept-sized envelopes to
 * node 2 as fast as its queue drains; prints messages/s received, for three body sizes.
 */
import type { Envelope } from '../../src/node/api.js';
import { TcpTransport } from '../../src/transport/tcpTransport.js';
import { KEY } from './helpers.js';

const total = Number(process.argv[2] ?? 200_000);

async function run(inputBytes: number): Promise<void> {
  const [a, b] = await Promise.all([1, 2].map((id) => TcpTransport.listen({ id, key: KEY, log: (l) => console.error(l) })));
  const peers = new Map([[1, a!.address()], [2, b!.address()]]);
  a!.setPeers(peers);
  b!.setPeers(peers);
  let received = 0;
  b!.onReceive(() => { received++; });
  const input = 'x'.repeat(inputBytes);
  const envelope = (i: number): Envelope => ({
    from: 1, to: 2, clock: i, message: { type: 'Accept', ballot: { num: 3, leader: 1 }, slot: i + 1, prop: { caller: 1, clientId: i + 1, input } },
  });
  const bodyBytes = Buffer.byteLength(JSON.stringify(envelope(total)));
  const started = performance.now();
  for (let sent = 0; sent < total;) {
    // Stay below the queue bound: this measures the transport, not its drop policy.
    const queue = a!.peerStatus(2);
    if ((queue?.queued ?? 0) < 4000 && (queue?.queuedBytes ?? 0) < 8 * 1024 * 1024) {
      for (const end = Math.min(total, sent + 500); sent < end; sent++) a!.send(envelope(sent));
    }
    await new Promise((r) => setImmediate(r));
  }
  // Every envelope is either received or counted as dropped; 60 s bounds a stalled run.
  for (const deadline = Date.now() + 60_000; received + a!.stats.dropped.queueFull < total && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 1));
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`${received} of ${total} envelopes of ${bodyBytes} bytes received: ${(received / seconds).toFixed(0)} messages/s, ${((received * bodyBytes) / seconds / 1e6).toFixed(1)} MB/s (dropped ${a!.stats.dropped.queueFull})`);
  a!.close();
  b!.close();
  await Promise.all([a!.closed, b!.closed]);
}

for (const size of [20, 1_000, 16_000]) await run(size);
