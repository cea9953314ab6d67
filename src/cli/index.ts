/**
 * src/cli: the `paxos` command line (bin/paxos.mjs runs `main`). A real cluster, one process
 * per node; docs/cli.md is the manual.
 *
 * | folder / file | what it holds |
 * |---|---|
 * | `main.ts`, `args.ts`, `log.ts` | dispatch and exit codes (bad argument: one line, 2), strict argument parsing, JSON log lines |
 * | `commands/` | one file per command: `node`, `cluster`, `invoke`, `status`, `keygen`, `chaos` |
 * | `node/` | one node process (`host.ts`): a Member over TcpTransport and a FileDurableLog; its request table (idempotent client requests), trace part (write-ahead, continued across restarts), durable catch-up to its trace after a crash, progress monitor, status, process timers |
 * | `client/` | the client protocol: a separate, authenticated client port per node (`server.ts`), the client side (`connection.ts`), message shapes and the reply MACs (`protocol.ts`) |
 * | `cluster/` | `LocalCluster`: node processes on one machine, started, killed (SIGKILL) and restarted; records the crash of a node it killed in its trace part |
 * | `chaos/` | the kill -9 chaos run: bank workload with unique transfer refs, the faults, and the end-of-run checks (history, money, traces) |
 *
 * Dependencies point one way: commands use node/, client/, cluster/ and chaos/; chaos uses
 * cluster and client; node uses client's server. The library (src/member, src/transport,
 * src/storage, src/trace) knows nothing of this folder.
 */
export { main, USAGE } from './main.js';
export { LocalCluster, type LocalClusterOptions } from './cluster/localCluster.js';
export { runChaos, type ChaosOptions, type ChaosReport } from './chaos/run.js';
export { ClientConnection, ConnectionLostError } from './client/connection.js';
export { NodeHost, type NodeHostOptions } from './node/host.js';
