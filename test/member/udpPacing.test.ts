/**
 * UdpTransport paces large datagrams: 150 datagrams of 58 KB (a state transfer of some 9 MB in
 * parts) sent in one loop to a receiver with the OS's default receive buffer (212,992 bytes on
 * Linux) that spends 1 ms on each one all arrive; sent unpaced, the kernel drops most of them.
 * The second half shows what the first checks: without the pace, the same burst is lost.
 * Both ends share one thread on a machine that runs other tests at once: a receiver descheduled
 * for a few ms can still lose a part or two (148 of 150 in a CI run, 2026-12-06), where
 * unpaced it keeps about 7. So: paced, at least 95% arrive; unpaced, fewer than half.
 */
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/node/api.js';
import { UdpTransport } from '../../src/member/udpTransport.js';

const COUNT = 150;
const DEFAULT_LINUX_BUFFER = 212_992;
const part = (i: number): Envelope => ({ from: 1, to: 2, clock: i, message: { type: 'Join', node: 1, pad: 'x'.repeat(58_000) } as never });

/** Sends COUNT parts in one loop and returns how many the slow receiver got within a few seconds. */
async function burst(pace: boolean): Promise<{ received: number; paced: number }> {
  const [a, b] = await Promise.all([
    UdpTransport.bind(0, pace ? {} : { pace: false }),
    UdpTransport.bind(0, { receiveBufferBytes: DEFAULT_LINUX_BUFFER }),
  ]);
  try {
    let received = 0;
    b.onReceive(() => {
      received++;
      // A receiver busy with each part (parsing, reassembling, a node's other work).
      const until = performance.now() + 1;
      while (performance.now() < until) { /* busy */ }
    });
    a.setPeers(new Map([[2, b.port]]));
    for (let i = 0; i < COUNT; i++) a.send(part(i));
    const deadline = Date.now() + 8_000;
    let last = -1;
    let quietSince = Date.now();
    // Until all arrived, or nothing more came for 500 ms after the sender emptied its queue.
    while (received < COUNT && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      if (received !== last) { last = received; quietSince = Date.now(); }
      if (a.stats.sent === COUNT && Date.now() - quietSince > 500) break;
    }
    console.log(`pace ${pace ? "on" : "off"}: ${received} of ${COUNT} received`);
    return { received, paced: a.stats.paced };
  } finally {
    a.close();
    b.close();
  }
}

describe('UdpTransport pace', () => {
  it('a burst of 150 parts of 58 KB reaches a slow receiver with a 212,992-byte buffer (at least 95% of it)', async () => {
    const { received, paced } = await burst(true);
    expect(paced).toBeGreaterThan(COUNT / 2);
    expect(received).toBeGreaterThanOrEqual(Math.ceil(COUNT * 0.95));
  }, 20_000);

  it('the same burst unpaced loses parts (what the pace is for)', async () => {
    const { received, paced } = await burst(false);
    expect(paced).toBe(0);
    expect(received).toBeLessThan(COUNT / 2);
  }, 20_000);

  it('refuses a bad option before opening a socket', async () => {
    await expect(UdpTransport.bind(0, { receiveBufferBytes: 0 })).rejects.toThrow(/receiveBufferBytes/);
    await expect(UdpTransport.bind(0, { pace: { bytesPerMs: 0, burstBytes: 1, smallBytes: 1, maxQueuedBytes: 1 } })).rejects.toThrow(/bytesPerMs/);
  });
});
