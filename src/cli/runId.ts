/**
 * The run id that names a cluster's trace parts (`<runId>.node<k>.ndjson`) and ties them
 * together: every node must write the same one without talking to the others, so the default
 * is derived from what they share, the cluster key and the peer list. Not a secret: a hash
 * prefix says nothing usable about the key.
 */
import { createHash } from 'node:crypto';
import { formatPeers, type PeerEntry } from './args.js';

export function defaultRunId(key: Buffer, peers: readonly PeerEntry[]): string {
  const h = createHash('sha256').update('paxos-reference/run-id/v1').update(key).update(formatPeers(peers)).digest('hex');
  return `cluster-${h.slice(0, 12)}`;
}

/** A run id becomes part of a file name: letters, digits, '.', '_' and '-' only. */
export function checkRunId(runId: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(runId) ? undefined : 'a run id is 1..64 letters, digits, ".", "_" or "-", starting with a letter or digit';
}
