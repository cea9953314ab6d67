/** `paxos chaos`: a kill -9 chaos run on a local bank cluster, checked end to end (chaos/run.ts). */
import { type CommandHelp, helpText, intOption, parseCommand, stringOption } from '../args.js';
import { type ChaosOptions, type ChaosReport, runChaos } from '../chaos/run.js';
import type { CommandIo } from './io.js';

export const CHAOS_HELP: CommandHelp = {
  usage: 'paxos chaos [--nodes N] [--clients C] [--duration S] [--rounds R] [options]',
  summary: 'Runs a bank cluster as real processes, kills the leader and a follower with SIGKILL mid-workload, restarts them, and checks histories, money and traces.',
  options: [
    ['--nodes N', 'cluster size, 3..9 (default 5)'],
    ['--clients C', 'concurrent clients sending transfers (default 6)'],
    ['--rate R', 'transfers per second, all clients together, at most (default 10: a short run that stays light on a shared machine)'],
    ['--duration S', 'seconds of workload; the kills happen inside it (default 30)'],
    ['--rounds R', 'kill rounds, each the leader then a follower (default 1)'],
    ['--down S', 'seconds a killed node stays down at least (default 2; a killed leader stays down until another leads)'],
    ['--two-down', 'kill each round\'s follower while its leader is still down, and restart the two together (two nodes down at once: a majority stays up with 5 nodes or more)'],
    ['--base-port P', 'node k listens on P+k-1 and P+k-1+1000 (default: free ports found at start)'],
    ['--dir DIR', 'keep data and traces in DIR (default: a temporary directory, removed when the run passes)'],
    ['--seed N', 'seed of the workload\'s choices (default 1)'],
    ['--checkpoint-every K', 'every node snapshots every K executed slots and compacts (default 25, so that a short run restarts nodes from snapshots; 0: never)'],
    ['--verbose', 'print the nodes\' log lines'],
    ['-h, --help', 'this text'],
  ],
  notes: ['Exit status: 0 when every check held, 1 otherwise (the report says which), 2 on bad arguments.'],
};

const OPTIONS = {
  nodes: { type: 'string' }, clients: { type: 'string' }, rate: { type: 'string' }, duration: { type: 'string' }, rounds: { type: 'string' }, down: { type: 'string' },
  'base-port': { type: 'string' }, dir: { type: 'string' }, seed: { type: 'string' }, verbose: { type: 'boolean' },
  'checkpoint-every': { type: 'string' }, 'two-down': { type: 'boolean' },
} as const;

/** `run`: the chaos run itself (a test passes its own, to see the options and the exit status without processes). */
export async function chaosCommand(argv: readonly string[], io: CommandIo, run: (o: ChaosOptions) => Promise<ChaosReport> = runChaos): Promise<number> {
  const p = parseCommand('chaos', argv, OPTIONS, { min: 0, max: 0 });
  if (p.values.help) { io.out(helpText(CHAOS_HELP)); return 0; }
  const nodes = intOption('chaos', p, 'nodes', { min: 3, max: 9 }, 5);
  const dir = stringOption(p, 'dir');
  const report = await run({
    nodes,
    clients: intOption('chaos', p, 'clients', { min: 1, max: 64 }, 6),
    rate: intOption('chaos', p, 'rate', { min: 1, max: 100_000 }, 10),
    durationMs: intOption('chaos', p, 'duration', { min: 5, max: 3600 }, 30) * 1000,
    rounds: intOption('chaos', p, 'rounds', { min: 1, max: 20 }, 1),
    downMs: intOption('chaos', p, 'down', { min: 0, max: 600 }, 2) * 1000,
    ...(p.values['two-down'] === true ? { twoDown: true } : {}),
    basePort: intOption('chaos', p, 'base-port', { min: 1024, max: 64_000 }, 0),
    seed: intOption('chaos', p, 'seed', { min: 0, max: 2 ** 31 }, 1),
    checkpointEvery: intOption('chaos', p, 'checkpoint-every', { min: 0, max: 1_000_000_000 }, 25),
    ...(dir !== undefined ? { dir } : {}),
    progress: (line) => io.out(line),
    ...(p.values.verbose ? { onNodeLine: (_n: number, line: string) => io.log(line) } : {}),
  });
  for (const line of chaosReportLines(report)) io.out(line);
  return report.ok ? 0 : 1;
}

export function chaosReportLines(r: ChaosReport): string[] {
  const h = r.history;
  const lines = [
    '',
    `chaos run: ${r.ok ? 'PASSED' : 'FAILED'} in ${(r.wallMs / 1000).toFixed(1)} s`,
    `  kills (SIGKILL):        ${r.kills.length} (${r.kills.map((k) => `node ${k.node} as ${k.role}${k.newLeader != null ? `, node ${k.newLeader} took over` : ''}${k.alsoDown !== undefined ? `, while node ${k.alsoDown} was down` : ''}`).join('; ')})`,
    // A run with no history to count (stopped before its final reads, or traces that did not
    // pass: the history is read from them) says why, not zeros.
    h === undefined
      ? `  transfers acknowledged: not counted (${r.finalReads ? 'the traces did not pass, and the history is read from them' : 'the run stopped before its final reads'})`
      : `  transfers acknowledged: ${h.acknowledged} of ${h.total} sent (${h.indeterminate} indeterminate, of which ${h.indeterminateExecuted} ran once; ${h.failed} refused)`,
    `  transfers lost:         ${h?.lost ?? '?'}   run twice: ${h?.duplicated ?? '?'}`,
    !r.finalReads
      ? `  replicas:               not compared (the run stopped before its final reads)`
      : `  replicas:               ${r.replicasEqual ? 'one history' : 'DIFFER'} (${r.executed} requests executed), money ${h === undefined ? 'not checked' : h.problems.some((p) => p.startsWith('money')) ? 'NOT conserved' : 'conserved'}`,
    `  traces:                 ${r.traces.ok ? 'valid' : 'INVALID'} (${r.traces.parts} parts, ${r.traces.events} events replayed against the spec, ${r.traces.clientOperations} client operations linearizable)`,
    `  node warnings logged:   ${r.nodeWarnings}`,
  ];
  if (!r.ok) lines.push('  problems:', ...r.problems.map((p) => `    - ${p}`), `  data and traces kept in ${r.dir}`);
  return lines;
}
