/**
 * The `paxos` command line: dispatches to a command and turns its failures into exit codes.
 * A bad argument is one line on stderr and exit code 2; any other expected failure (a key
 * file, a data directory) is one line and exit code 1; an address already in use is exit code
 * 3, so a supervisor can tell "try again" from "give up" without reading the message.
 * bin/paxos.mjs calls `main`.
 */
import { generateClusterKey } from '../transport/clusterKey.js';
import { type CommandHelp, helpText, parseCommand, UsageError } from './args.js';
import { chaosCommand, CHAOS_HELP } from './commands/chaos.js';
import { CLUSTER_HELP, clusterCommand } from './commands/cluster.js';
import { INVOKE_HELP, invokeCommand } from './commands/invoke.js';
import { type CommandIo, processIo } from './commands/io.js';
import { addressInUse, EXIT_ADDRESS_IN_USE } from './exitCodes.js';
import { NODE_HELP, nodeCommand } from './commands/node.js';
import { SOAK_HELP, soakCommand } from './commands/soak.js';
import { STATUS_HELP, statusCommand } from './commands/status.js';

const KEYGEN_HELP: CommandHelp = {
  usage: 'paxos keygen FILE',
  summary: 'Writes a new random cluster key to FILE (hex, mode 0600); refuses to overwrite one. Copy it to every node.',
  options: [['-h, --help', 'this text']],
};

async function keygenCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const p = parseCommand('keygen', argv, {}, { min: 1, max: 1, name: 'key file' });
  if (p.values.help) { io.out(helpText(KEYGEN_HELP)); return 0; }
  generateClusterKey(p.positionals[0]!);
  io.err(`paxos keygen: wrote a new cluster key to ${p.positionals[0]}`);
  return 0;
}

type Command = (argv: readonly string[], io: CommandIo) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: CommandHelp }> = {
  node: { run: nodeCommand, help: NODE_HELP },
  cluster: { run: clusterCommand, help: CLUSTER_HELP },
  invoke: { run: invokeCommand, help: INVOKE_HELP },
  status: { run: statusCommand, help: STATUS_HELP },
  keygen: { run: keygenCommand, help: KEYGEN_HELP },
  chaos: { run: chaosCommand, help: CHAOS_HELP },
  soak: { run: soakCommand, help: SOAK_HELP },
};

export const USAGE = [
  'usage: paxos <command> [options]   (paxos <command> --help for its options)',
  '',
  ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)}  ${c.help.summary}`),
  '',
  'See docs/cli.md.',
].join('\n');

export async function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.err(`paxos: unknown command ${JSON.stringify(name)} (commands: ${Object.keys(COMMANDS).join(', ')}; paxos --help)`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`paxos ${e.message} (paxos ${name} --help)`);
      return 2;
    }
    // Expected failures (key, storage, ports, traces) carry a message that says it all.
    io.err(`paxos ${name}: ${e instanceof Error ? e.message : String(e)}`);
    return addressInUse(e) ? EXIT_ADDRESS_IN_USE : 1;
  }
}
