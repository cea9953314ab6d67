/**
 * Free loopback ports for a local cluster: node k needs base+k-1 (peers) and base+k-1+1000
 * (clients). Probed by binding each one; another process may still take one between the probe
 * and the node's own bind (the node then fails to start with the port named), so callers on a
 * shared machine probe right before they start.
 */
import { createServer } from 'node:net';
import { CLIENT_PORT_OFFSET } from '../client/protocol.js';

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/** A base port whose cluster ports are all free now, from [20000, 50000). */
export async function findFreeBasePort(nodes: number, host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = Array.from({ length: nodes }, (_, i) => [base + i, base + i + CLIENT_PORT_OFFSET]).flat();
    if ((await Promise.all(ports.map((p) => portFree(p, host)))).every(Boolean)) return base;
  }
  throw new Error(`no ${nodes * 2} free ports found on ${host}`);
}
