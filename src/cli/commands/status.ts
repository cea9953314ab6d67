/** `paxos status`: asks every node how it is, in parallel, and prints one line per node. */
import { type CommandHelp, helpText, parseCommand } from '../args.js';
import { ClientConnection } from '../client/connection.js';
import type { NodeStatus } from '../client/protocol.js';
import { CLIENT_OPTION_HELP, CLIENT_OPTIONS, type ClientSetup, clientSetup } from './clientOptions.js';
import type { CommandIo } from './io.js';

export const STATUS_HELP: CommandHelp = {
  usage: 'paxos status --peers LIST --key-file FILE [--json]',
  summary: "Prints each node's roles, ballot, leader, slot_out and health (or why it cannot be reached).",
  options: [...CLIENT_OPTION_HELP, ['--json', 'one JSON array instead of the table'], ['-h, --help', 'this text']],
  notes: ['Exit status: 0 when every node answered, 1 when some did not, 2 on bad arguments.'],
};

const OPTIONS = { ...CLIENT_OPTIONS, json: { type: 'boolean' } } as const;

export type NodeAnswer = { node: number; up: true; status: NodeStatus } | { node: number; up: false; error: string };

export async function statusCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const p = parseCommand('status', argv, OPTIONS, { min: 0, max: 0 });
  if (p.values.help) { io.out(helpText(STATUS_HELP)); return 0; }
  const setup = clientSetup('status', p);
  const answers = await askAll(setup);
  if (p.values.json) io.out(JSON.stringify(answers));
  else for (const line of statusTable(answers)) io.out(line);
  return answers.every((a) => a.up) ? 0 : 1;
}

export async function askAll(setup: ClientSetup): Promise<NodeAnswer[]> {
  const timeoutMs = Math.min(setup.timeoutMs, 5_000);
  return Promise.all([...setup.nodes].map(async ([node, address]): Promise<NodeAnswer> => {
    let c: ClientConnection | undefined;
    try {
      c = await ClientConnection.open({ address, key: setup.key, clientId: setup.clientId, timeoutMs });
      const status = await Promise.race([c.status(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer')), timeoutMs).unref())]);
      return { node, up: true, status };
    } catch (e) {
      return { node, up: false, error: (e as Error).message };
    } finally {
      c?.close();
    }
  }));
}

const ballot = (b: { num: number; leader: number }): string => `(${b.num},${b.leader})`;

export function statusTable(answers: readonly NodeAnswer[]): string[] {
  const rows = [['node', 'roles', 'ballot', 'leader', 'slot_out', 'executed', 'health']];
  for (const a of answers) {
    if (!a.up) { rows.push([String(a.node), 'down', '-', '-', '-', '-', a.error]); continue; }
    const s = a.status;
    rows.push([
      String(s.node), s.roles.filter((r) => r !== 'Requester').join(',') || '-', `${ballot(s.ballot)}${s.active ? ' active' : ''}`,
      s.leader === null ? '-' : String(s.leader), String(s.slotOut), String(s.executed),
      s.problem === null ? s.health : `${s.health}: ${s.problem}`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
}
