/** `paxos cluster`: a local cluster of node processes, for trying the library out. */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateClusterKey, readClusterKey } from '../../transport/clusterKey.js';
import { type CommandHelp, enumOption, formatPeers, helpText, intOption, parseCommand, stringOption } from '../args.js';
import { LocalCluster } from '../cluster/localCluster.js';
import { CLIENT_PORT_OFFSET } from '../client/protocol.js';
import type { CommandIo } from './io.js';

export const CLUSTER_HELP: CommandHelp = {
  usage: 'paxos cluster [--nodes N] [--data-dir DIR] [--base-port P] [--app bank|kv] [options]',
  summary: 'Starts an N-node cluster on this machine, one process per node, and stops it cleanly on Ctrl-C or SIGTERM.',
  options: [
    ['--nodes N', 'cluster size, 1..64 (default 3)'],
    ['--data-dir DIR', 'node k keeps its state in DIR/node<k>; the cluster key is DIR/cluster.key, created if missing (default ./data)'],
    ['--base-port P', `node k listens on P+k-1 for peers and P+k-1+${CLIENT_PORT_OFFSET} for clients (default 7001)`],
    ['--host HOST', 'the address every node listens on (default 127.0.0.1)'],
    ['--app bank|kv', 'the replicated application (default bank)'],
    ['--trace-dir DIR', 'every node writes its trace part there (npm run check-traces -- DIR checks them)'],
    ['--verbose', 'nodes also log debug lines'],
    ['-h, --help', 'this text'],
  ],
  notes: [
    'A node whose directory holds state restarts from it; the others start new. Nodes log JSON lines to stderr.',
    'Exit status: 0 after a clean stop, 1 if a node fails to start, 2 on bad arguments.',
  ],
};

const OPTIONS = {
  nodes: { type: 'string' }, 'data-dir': { type: 'string' }, 'base-port': { type: 'string' }, host: { type: 'string' },
  app: { type: 'string' }, 'trace-dir': { type: 'string' }, verbose: { type: 'boolean' },
} as const;

export async function clusterCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const p = parseCommand('cluster', argv, OPTIONS, { min: 0, max: 0 });
  if (p.values.help) { io.out(helpText(CLUSTER_HELP)); return 0; }
  const nodes = intOption('cluster', p, 'nodes', { min: 1, max: 64 }, 3);
  const basePort = intOption('cluster', p, 'base-port', { min: 1, max: 65_535 - CLIENT_PORT_OFFSET - nodes + 1 }, 7001);
  const dataDir = resolve(stringOption(p, 'data-dir') ?? './data');
  const host = stringOption(p, 'host') ?? '127.0.0.1';
  const app = enumOption('cluster', p, 'app', ['bank', 'kv'] as const, 'bank');
  const traceDir = stringOption(p, 'trace-dir');

  mkdirSync(dataDir, { recursive: true });
  const keyFile = join(dataDir, 'cluster.key');
  const createdKey = !existsSync(keyFile);
  const key = createdKey ? generateClusterKey(keyFile) : readClusterKey(keyFile);
  let stopping = false;
  const cluster = new LocalCluster({
    nodes, host, basePort, dataDir, keyFile, key, app, verbose: p.values.verbose === true,
    ...(traceDir !== undefined ? { traceDir: resolve(traceDir) } : {}),
    onLine: (_node, line) => io.log(line),
    onUnexpectedExit: (node, how) => { if (!stopping) io.err(`paxos cluster: node ${node} exited (${how}); the others keep running`); },
  });
  let stopped: () => void = () => undefined;
  const done = new Promise<void>((r) => { stopped = r; });
  io.onSignals((signal) => {
    if (stopping) return;
    stopping = true;
    io.err(`paxos cluster: ${signal}: stopping ${nodes} nodes`);
    void cluster.stopAll().then(stopped);
  });
  io.err(`paxos cluster: ${createdKey ? 'created' : 'using'} the cluster key ${keyFile}`);
  try {
    for (const peer of cluster.peers) {
      if (stopping) break;
      const { isNew } = await cluster.start(peer.id);
      const clients = cluster.clientAddress(peer.id);
      io.out(`node ${peer.id}: peers ${peer.host}:${peer.port}, clients ${clients.host}:${clients.port}, data ${cluster.dataDirOf(peer.id)} (${isNew ? 'new' : 'restarted from its data'})`);
    }
  } catch (e) {
    io.err(`paxos cluster: ${(e as Error).message}`);
    stopping = true;
    await cluster.stopAll();
    return 1;
  }
  if (!stopping) {
    const peers = formatPeers(cluster.peers);
    io.out(`cluster up: ${nodes} nodes (app ${app}${traceDir !== undefined ? `, traces in ${resolve(traceDir)}` : ''}); Ctrl-C stops it`);
    io.out(`  paxos status --peers ${peers} --key-file ${keyFile}`);
    io.out(`  paxos invoke --peers ${peers} --key-file ${keyFile} '${app === 'bank' ? '{"op":"open","account":"alice"}' : '{"op":"set","key":"a","value":"1"}'}'`);
  }
  await done;
  io.err('paxos cluster: stopped');
  return 0;
}
