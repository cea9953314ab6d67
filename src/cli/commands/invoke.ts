/**
 * `paxos invoke`: one command through the cluster. It tries the nodes in turn until one
 * takes the request; once the request has left, it is only ever sent again to the SAME node,
 * marked as a retry (a node answers a copy from its request table, never runs it twice), so
 * a lost connection can cost an answer but never a second execution.
 *
 * Before it sends, it goes where the leader is: a node names its leader when the connection
 * opens (client/protocol.ts, leader hints), and the command goes to that node if it can be
 * reached (a follower would only forward it there). Nothing was sent yet, so the move cannot
 * run the command twice. `--no-redirect` keeps it on the node that answered first.
 */
import { type CommandHelp, helpText, intOption, parseCommand, UsageError } from '../args.js';
import { ClientConnection, ConnectionLostError } from '../client/connection.js';
import { MAX_REQUEST_ID } from '../client/protocol.js';
import type { InvokeOutcome } from '../node/requestTable.js';
import { CLIENT_OPTION_HELP, CLIENT_OPTIONS, type ClientSetup, clientSetup } from './clientOptions.js';
import type { CommandIo } from './io.js';

export const INVOKE_HELP: CommandHelp = {
  usage: "paxos invoke --peers LIST --key-file FILE [options] '<command as JSON>'",
  summary: 'Sends one command to the cluster and prints its output (JSON) on stdout.',
  options: [
    ...CLIENT_OPTION_HELP,
    ['--node K', 'ask node K first (default: node 1, then the others in turn)'],
    ['--request-id R', 'the request id (default 1); the same --client-id and --request-id sent again to the same node get the first answer, not a second execution'],
    ['--no-redirect', 'send to the first node that answers even when it names another node as the leader (default: go to the leader)'],
    ['-h, --help', 'this text'],
  ],
  notes: [
    'Bank commands: {"op":"open","account":"a"}, {"op":"deposit","account":"a","amount":100},',
    '{"op":"transfer","from":"a","to":"b","amount":5}, {"op":"balance","account":"a"}.',
    'KV commands: {"op":"set","key":"k","value":"v"}, {"op":"get","key":"k"}, {"op":"cas","key":"k","expected":"v","value":"w"}.',
    'Exit status: 0 with an output (the application\'s own errors, e.g. InsufficientFunds, are outputs), 1 when the',
    'cluster gave no output (the message says whether the command may have taken effect), 2 on bad arguments.',
  ],
};

const OPTIONS = { ...CLIENT_OPTIONS, node: { type: 'string' }, 'request-id': { type: 'string' }, 'no-redirect': { type: 'boolean' } } as const;

/** Attempts on the node that has the request, after its connection was lost. */
const SAME_NODE_RETRIES = 3;

export async function invokeCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const p = parseCommand('invoke', argv, OPTIONS, { min: 1, max: 1, name: 'command (JSON)' });
  if (p.values.help) { io.out(helpText(INVOKE_HELP)); return 0; }
  let command: unknown;
  try {
    command = JSON.parse(p.positionals[0]!);
  } catch (e) {
    throw new UsageError(`invoke: the command is not JSON (${(e as Error).message})`);
  }
  const setup = clientSetup('invoke', p);
  const first = intOption('invoke', p, 'node', { min: 1, max: setup.nodes.size }, 1);
  const request = intOption('invoke', p, 'request-id', { min: 1, max: MAX_REQUEST_ID }, 1);
  const order = [...setup.nodes.keys()].sort((a, b) => ((a - first + setup.nodes.size) % setup.nodes.size) - ((b - first + setup.nodes.size) % setup.nodes.size));
  const outcome = await invokeOnce(setup, order, request, command, (m) => io.err(`paxos invoke: ${m}`), p.values['no-redirect'] !== true);
  if (outcome.ok) {
    io.out(JSON.stringify(outcome.output));
    return 0;
  }
  io.err(`paxos invoke: ${outcome.error}: ${outcome.message}${outcome.indeterminate ? ' (indeterminate: it may have taken effect, once)' : ' (not executed)'}`);
  return 1;
}

/** Sends the request to the leader the first reachable node names, else to that node; see the module comment for retries. */
export async function invokeOnce(setup: ClientSetup, order: readonly number[], request: number, command: unknown,
  note: (message: string) => void, followLeader = true): Promise<InvokeOutcome> {
  const open = async (node: number): Promise<ClientConnection | undefined> => {
    try {
      return await ClientConnection.open({ address: setup.nodes.get(node)!, key: setup.key, clientId: setup.clientId, timeoutMs: Math.min(setup.timeoutMs, 5_000) });
    } catch (e) {
      note(`node ${node}: ${(e as Error).message}`);
      return undefined;
    }
  };
  for (const node of order) {
    const connection = await open(node);
    if (connection === undefined) continue;
    const leader = connection.leader;
    if (followLeader && leader !== undefined) {
      if (!setup.nodes.has(leader)) {
        note(`node ${node} names node ${leader} as its leader, which is not in the node list: asking node ${node}`);
      } else {
        const there = await open(leader);
        if (there !== undefined) {
          connection.close();
          return askUntilAnswered(leader, there);
        }
      }
    }
    return askUntilAnswered(node, connection);
  }
  return { ok: false, error: 'Unreachable', message: 'no node could be reached', indeterminate: false };

  /** From here the request belongs to `node`: it alone is asked again, marked as a retry once it was sent. */
  async function askUntilAnswered(node: number, first: ClientConnection): Promise<InvokeOutcome> {
    let connection: ClientConnection | undefined = first;
    let sent = false;
    let problem = '';
    for (let attempt = 0; attempt <= SAME_NODE_RETRIES; attempt++) {
      if (attempt > 0) {
        await new Promise((r) => setTimeout(r, 500 * attempt));
        connection = await open(node);
        if (connection === undefined) continue;
      }
      try {
        return await withTimeout(connection!.invoke(request, command, sent), setup.timeoutMs);
      } catch (e) {
        connection!.close();
        problem = (e as Error).message;
        if (!(e instanceof ConnectionLostError)) { sent = true; break; }
        sent ||= e.sent;
        note(`node ${node}: ${problem}; asking it again`);
      }
    }
    return sent
      ? { ok: false, error: 'NoAnswer', message: `no answer from node ${node} (${problem})`, indeterminate: true }
      : { ok: false, error: 'Unreachable', message: `node ${node} could not be reached again (${problem})`, indeterminate: false };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}
