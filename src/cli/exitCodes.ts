/**
 * Exit codes of `paxos` beyond 0 (done), 1 (failed) and 2 (bad arguments), for supervisors
 * that start nodes: the local cluster and chaos runs (cluster/localCluster.ts).
 */

/** A command could not bind its address (EADDRINUSE): starting it again later may work. */
export const EXIT_ADDRESS_IN_USE = 3;

/** Whether `e`, or an error it was caused by, is the system's EADDRINUSE. */
export function addressInUse(e: unknown): boolean {
  for (let x = e, depth = 0; x instanceof Error && depth < 8; x = x.cause, depth++) {
    if ((x as NodeJS.ErrnoException).code === 'EADDRINUSE') return true;
  }
  return false;
}
