/** `paxos node`: runs one node until SIGTERM or SIGINT (host.ts does the work). */
import { resolve } from 'node:path';
import { readClusterKey } from '../../transport/clusterKey.js';
import {
  type CommandHelp, enumOption, helpText, intOption, parseCommand, parsePeers, requiredString, stringOption, UsageError,
} from '../args.js';
import { CLIENT_PORT_OFFSET } from '../client/protocol.js';
import { Logger } from '../log.js';
import { NodeHost } from '../node/host.js';
import { DEFAULT_CHECKPOINT_EVERY } from '../../node/node.js';
import { checkRunId, defaultRunId } from '../runId.js';
import { PROCESS_WINDOW, parseTiming } from '../node/timing.js';
import type { CommandIo } from './io.js';

/** Largest --window: a replica keeps a proposal per slot of its window, and the leader a commander per open slot. */
const MAX_WINDOW = 10_000;
/** Largest --batch-max: a batch's requests travel in one Accept, well inside a frame. */
const MAX_BATCH = 1_000;
/** Default --batch-max. */
export const DEFAULT_BATCH_MAX = 64;

export const NODE_HELP: CommandHelp = {
  usage: 'paxos node --id K --peers 1=HOST:PORT,...,N=HOST:PORT --data-dir DIR --key-file FILE [options]',
  summary: 'Runs node K of the cluster: a Member over authenticated TCP with its state in DIR, until SIGTERM or Ctrl-C.',
  options: [
    ['--id K', 'this node (one of the ids in --peers)'],
    ['--peers LIST', 'every node, ids 1..N: 1=127.0.0.1:7001,2=127.0.0.1:7002,... (the same list on every node)'],
    ['--data-dir DIR', 'where the node keeps its durable state (acceptor promises, accepted values, leader ballot)'],
    ['--key-file FILE', 'the cluster key, hex (paxos keygen FILE writes one; copy it to every node)'],
    ['--new', 'create the node: DIR must be empty or missing (without it, an empty DIR is refused)'],
    ['--app bank|kv', 'the replicated application (default bank)'],
    ['--trace-dir DIR', 'write this node\'s trace part there (check a run with: npm run check-traces -- DIR)'],
    ['--run-id ID', 'the name of the run in trace part files (default: derived from the key and the peers)'],
    ['--client-port P', `where clients (paxos invoke, paxos status) connect (default: the node's port + ${CLIENT_PORT_OFFSET})`],
    ['--listen HOST', 'the address to listen on (default: this node\'s host in --peers; 0.0.0.0 for every interface)'],
    ['--window W', `slots each replica proposes ahead of execution, 1..${MAX_WINDOW} (default ${PROCESS_WINDOW}; the same on every node: traces record it as the spec's Window)`],
    ['--batch-max B', `most client commands one slot decides, 1..${MAX_BATCH} (default ${DEFAULT_BATCH_MAX}; 1: one command per slot; the same on every node: traces record it as the spec's BatchMax)`],
    ['--checkpoint-every K', `the replica snapshots its state every K executed slots and the node then forgets what is below (default ${DEFAULT_CHECKPOINT_EVERY}; 0: never, so state grows with history)`],
    ['--timing LIST', `protocol timers in ms, e.g. leaderTimeoutMs=3000,heartbeatMs=300 (defaults: src/cli/node/timing.ts)`],
    ['--verbose', 'also log debug lines'],
    ['-h, --help', 'this text'],
  ],
  notes: [
    'Logs: one JSON line per event on stderr ({"t","level","node","event",...}). A node that cannot make',
    'progress says why (no quorum reachable, promise refused by a higher ballot, ...) at most every 10 s.',
    'Exit status: 0 after a clean stop, 1 on a startup or storage failure, 2 on bad arguments.',
  ],
};

const OPTIONS = {
  id: { type: 'string' }, peers: { type: 'string' }, 'data-dir': { type: 'string' }, 'key-file': { type: 'string' },
  new: { type: 'boolean' }, app: { type: 'string' }, 'trace-dir': { type: 'string' }, 'run-id': { type: 'string' },
  'client-port': { type: 'string' }, listen: { type: 'string' }, timing: { type: 'string' }, window: { type: 'string' }, verbose: { type: 'boolean' },
  'checkpoint-every': { type: 'string' }, 'batch-max': { type: 'string' },
} as const;


export async function nodeCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const p = parseCommand('node', argv, OPTIONS, { min: 0, max: 0 });
  if (p.values.help) { io.out(helpText(NODE_HELP)); return 0; }
  const peers = parsePeers('node', requiredString('node', p, 'peers'));
  const id = intOption('node', p, 'id', { min: 1, max: peers.length });
  const dataDir = resolve(requiredString('node', p, 'data-dir'));
  const keyFile = requiredString('node', p, 'key-file');
  const app = enumOption('node', p, 'app', ['bank', 'kv'] as const, 'bank');
  const me = peers[id - 1]!;
  const clientPort = intOption('node', p, 'client-port', { min: 0, max: 65_535 }, me.port + CLIENT_PORT_OFFSET <= 65_535 ? me.port + CLIENT_PORT_OFFSET : undefined);
  const runIdOption = stringOption(p, 'run-id');
  if (runIdOption !== undefined && checkRunId(runIdOption)) throw new UsageError(`node: --run-id: ${checkRunId(runIdOption)}`);
  const traceDir = stringOption(p, 'trace-dir');
  const listenHost = stringOption(p, 'listen');
  const timing = parseTiming('node', stringOption(p, 'timing'));
  const window = intOption('node', p, 'window', { min: 1, max: MAX_WINDOW }, PROCESS_WINDOW);
  const checkpointEvery = intOption('node', p, 'checkpoint-every', { min: 0, max: 1_000_000_000 }, DEFAULT_CHECKPOINT_EVERY);
  const batchMax = intOption('node', p, 'batch-max', { min: 1, max: MAX_BATCH }, DEFAULT_BATCH_MAX);

  const logger = new Logger({ node: id, verbose: p.values.verbose === true, write: io.log });
  const key = readClusterKey(keyFile, { warn: (message) => logger.warn('cluster-key', { message }) });
  const host = await NodeHost.start({
    id, peers, dataDir, key, app, isNew: p.values.new === true, runId: runIdOption ?? defaultRunId(key, peers), clientPort, logger,
    timing, window, checkpointEvery, batchMax,
    ...(traceDir !== undefined ? { traceDir: resolve(traceDir) } : {}),
    ...(listenHost !== undefined ? { listenHost } : {}),
  });
  const onSignal = (signal: NodeJS.Signals) => { void host.stop(signal); };
  io.onSignals(onSignal);
  return host.stopped;
}
