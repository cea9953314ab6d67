/**
 * Free loopback ports for a local cluster: node k needs base+k-1 (peers) and base+k-1+1000
 * (clients). Probed by binding each one; another process may still take one between the probe
 * and the node's own bind (the node then fails to start with the port named), so callers on a
 * shared machine probe right before they start.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { CLIENT_PORT_OFFSET } from '../client/protocol.js';

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

const LOWEST_BASE = 10_000;

/**
 * The first port the kernel hands out to outgoing connections (Linux: 32768 unless set
 * otherwise). A node's port in that range can be taken, while the node is down, by a peer's or
 * client's new connection, and the node then cannot restart on it (EADDRINUSE): a chaos run
 * failed so once in about fifteen, its nodes' base port being 34110.
 */
export function ephemeralPortStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > LOWEST_BASE ? first : 32_768;
  } catch {
    return 32_768; // not Linux: the usual ranges start higher (macOS 49152)
  }
}

/** A base port whose cluster ports are all free now, from 10000 up to below the ephemeral ports. */
export async function findFreeBasePort(nodes: number, host = '127.0.0.1'): Promise<number> {
  const span = Math.max(1_000, ephemeralPortStart() - CLIENT_PORT_OFFSET - nodes - LOWEST_BASE);
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = LOWEST_BASE + Math.floor(Math.random() * span);
    const ports = Array.from({ length: nodes }, (_, i) => [base + i, base + i + CLIENT_PORT_OFFSET]).flat();
    if ((await Promise.all(ports.map((p) => portFree(p, host)))).every(Boolean)) return base;
  }
  throw new Error(`no ${nodes * 2} free ports found on ${host}`);
}
