/**
 * The bank demo: a simulated 5-node cluster runs a workload of transfers while the network
 * loses messages, a partition cuts two nodes off, the leader is killed and a node crashes
 * and restarts. It prints, and returns, what happened and whether every replica ended
 * with the same balances.
 */
import { sumBalances, type BankState } from '../statemachines/bank.js';
import { checkAll } from './checks.js';
import { defaultNodeFactory } from './nodeFactory.js';
import { Prng } from './prng.js';
import { PROBE_INPUT, appStateMachine } from './scenario.js';
import { type FaultKind, type FaultSchedule, scheduleOf } from './schedule.js';
import { Simulator } from './simulator.js';
import { BANK_ACCOUNTS, BANK_OPENING_DEPOSIT, transferWorkload } from './workload.js';

export interface BankDemoOptions {
  readonly seed?: number;
  readonly transfers?: number;
  /** Where the summary goes (default console.log); pass () => {} for silence. */
  readonly print?: (line: string) => void;
}

export interface BankDemoSummary {
  readonly seed: number;
  readonly nodes: number;
  readonly commandsDecided: number;
  readonly leaderElections: number;
  readonly leaderChanges: number;
  readonly faults: Record<FaultKind, number>;
  readonly messages: { readonly sent: number; readonly lost: number; readonly partitioned: number; readonly duplicated: number };
  readonly balances: Record<number, Record<string, number>>;
  readonly balancesEqual: boolean;
  /** Every replica's total equals the money deposited (nothing created or destroyed). */
  readonly totalsConserved: boolean;
  readonly violations: readonly string[];
  readonly virtualMs: number;
}

const NODES = 5;
const CLIENTS = 5;
/** Virtual time over which the workload is spread (the faults happen inside it). */
const WORKLOAD_SPAN_MS = 9000;

/** The faults of the demo: 3% loss throughout, plus one of each scripted fault. */
export function demoSchedule(): FaultSchedule {
  return scheduleOf({ loss: 0.03, duplicate: 0.02, reorder: 0.05, reorderMs: 20 }, [
    { kind: 'partition', at: 800, heal: 2500, groups: [[4, 5]] },
    { kind: 'killLeader', at: 3000, restart: 6000 },
    { kind: 'crash', at: 7000, node: 2, restart: 8500 },
  ]);
}

export function runBankDemo(options: BankDemoOptions = {}): BankDemoSummary {
  const seed = options.seed ?? 2026;
  const transfers = options.transfers ?? 300;
  const print = options.print ?? ((line: string) => console.log(line));
  const schedule = demoSchedule();
  const sim = new Simulator({
    seed, nodes: NODES, stateMachine: appStateMachine('bank'), schedule,
    // Spread the transfers over the faults' time span, so every fault hits mid-stream.
    clients: transferWorkload(transfers, CLIENTS, NODES, Prng.stream(seed, 'workload'), 200, Math.floor(WORKLOAD_SPAN_MS / Math.max(1, transfers / CLIENTS))),
    createNode: defaultNodeFactory, probeInput: PROBE_INPUT, eventLog: false,
  });
  const r = sim.run();
  const violations = checkAll(r, appStateMachine('bank'));
  const balances: Record<number, Record<string, number>> = {};
  for (const [node, state] of [...r.finalStates].sort((a, b) => a[0] - b[0])) balances[node] = (state.app as BankState).accounts.toJSON();
  const texts = Object.values(balances).map((b) => JSON.stringify(b));
  const balancesEqual = texts.length === NODES && texts.every((t) => t === texts[0]);
  const deposited = BANK_ACCOUNTS.length * BANK_OPENING_DEPOSIT;
  const totalsConserved = [...r.finalStates.values()].every((s) => sumBalances(s.app as BankState) === deposited);
  const summary: BankDemoSummary = {
    seed,
    nodes: NODES,
    commandsDecided: r.acks.filter((a) => !a.rid.startsWith('probe:')).length,
    leaderElections: r.stats.leaderElections,
    leaderChanges: r.stats.leaderChanges,
    faults: { ...r.stats.faults },
    messages: { sent: r.stats.messagesSent, lost: r.stats.dropped.loss, partitioned: r.stats.dropped.partition, duplicated: r.stats.duplicated },
    balances,
    balancesEqual,
    totalsConserved,
    violations,
    virtualMs: r.timeMs,
  };
  for (const line of formatSummary(summary)) print(line);
  return summary;
}

export function formatSummary(s: BankDemoSummary): string[] {
  const faults = Object.entries(s.faults).filter(([, n]) => n > 0).map(([k, n]) => `${k} x${n}`).join(', ');
  return [
    `Bank demo: ${s.nodes}-node simulated cluster, seed ${s.seed}, ${(s.virtualMs / 1000).toFixed(1)} s of virtual time`,
    `  commands decided:  ${s.commandsDecided}`,
    `  leader elections:  ${s.leaderElections} (${s.leaderChanges} changes of leader node)`,
    `  faults injected:   ${faults || 'none'}; messages sent ${s.messages.sent}, lost ${s.messages.lost}, cut by partition ${s.messages.partitioned}, duplicated ${s.messages.duplicated}`,
    '  final balances per replica:',
    ...Object.entries(s.balances).map(([node, b]) => `    node ${node}: ${Object.entries(b).map(([a, v]) => `${a}=${v}`).join(' ')}`),
    `  all replicas equal: ${s.balancesEqual ? 'yes' : 'NO'}; money conserved: ${s.totalsConserved ? 'yes' : 'NO'}; safety violations: ${s.violations.length}`,
    ...s.violations.slice(0, 5).map((v) => `    ${v}`),
  ];
}
