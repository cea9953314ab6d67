/**
 * A Scenario is everything that fixes a simulated run, as JSON-serialisable data: seed,
 * cluster size, application, workload shape and fault schedule. `runScenario` runs it and
 * checks safety; `replayCommand` prints the command line that runs it again.
 */
import type { NodeId, TraceSink } from '../node/api.js';
import type { Limits } from '../protocol/limits.js';
import { bank, sumBalances, type BankState } from '../statemachines/bank.js';
import { decodeInput, toNodeStateMachine } from '../statemachines/codec.js';
import { kv } from '../statemachines/kv.js';
import { type Replayer, checkAll, checkLinearizability } from './checks.js';
import { defaultNodeFactory } from './nodeFactory.js';
import { Prng } from './prng.js';
import type { FaultSchedule } from './schedule.js';
import { type NodeFactory, type SimConfig, type SimResult, Simulator } from './simulator.js';
import type { Formation } from './types.js';
import { type AppName, type WorkloadShape, generateWorkload } from './workload.js';

export interface Scenario {
  readonly seed: number;
  readonly nodes: number;
  readonly app: AppName;
  readonly workload: WorkloadShape;
  readonly schedule: FaultSchedule;
  /** Every replica snapshots every this many slots and its node compacts (absent or 0: never). */
  readonly checkpointEvery?: number;
  /** 'seed': the cluster forms from a Seed (node 1) that the other nodes Join (default 'members'). */
  readonly formation?: Formation;
  /** Most requests a replica proposes for one slot (Limits.batchMaxRequests, spec BatchMax; absent: 1). */
  readonly batchMax?: number;
  /** Limits.deferProposals (with batchMax > 1): 'turn' or 'decision'; absent: 'never'. */
  readonly deferProposals?: 'turn' | 'decision';
  /** Limits.batchMaxInput (with batchMax > 1): most input text a batch holds; absent: the default, 32,768. */
  readonly batchMaxInput?: number;
  /** Limits.maxPromiseBytes: a Promise whose JSON is longer goes in parts (absent: the default, 59,000). */
  readonly maxPromiseBytes?: number;
  /** Limits.maxWelcomeBytes: a Welcome whose JSON is longer goes in parts (absent: the default, 59,000). */
  readonly maxWelcomeBytes?: number;
  /** Limits.maxPendingRequests: what one node's Requester (and replica) holds at once (absent: the default, 1,000). */
  readonly maxPendingRequests?: number;
}

export interface RunExtras {
  readonly createNode?: NodeFactory;
  readonly trace?: (node: NodeId) => TraceSink | undefined;
  readonly eventLog?: boolean;
  readonly countActions?: boolean;
  readonly track?: boolean;
  readonly maxEvents?: number;
  readonly maxTimeMs?: number;
  readonly settleMs?: number;
  /** Every replica snapshots every this many slots and its node compacts (SimConfig.checkpointEvery). */
  readonly checkpointEvery?: number;
}

export interface ScenarioRun {
  readonly result: SimResult;
  /** Safety violations (empty when the run is safe). */
  readonly violations: string[];
}

/** Invoked by every live node while settling: an unknown op, so it changes no state. */
export const PROBE_INPUT = JSON.stringify({ op: 'probe' });

export function appStateMachine(app: AppName): Replayer {
  return (app === 'bank' ? toNodeStateMachine(bank) : toNodeStateMachine(kv)) as Replayer;
}

function depositedBy(input: string, output: unknown): number {
  const decoded = decodeInput(input);
  const ok = typeof output === 'object' && output !== null && (output as { ok?: unknown }).ok === true;
  if (!ok || !decoded.ok) return 0;
  const v = decoded.value as { op?: unknown; amount?: unknown };
  return v.op === 'deposit' && typeof v.amount === 'number' ? v.amount : 0;
}

export function simConfigOf(s: Scenario, extras: RunExtras = {}): SimConfig {
  const clients = generateWorkload(s.app, s.workload, s.nodes, Prng.stream(s.seed, 'workload'));
  return {
    seed: s.seed,
    nodes: s.nodes,
    stateMachine: appStateMachine(s.app),
    schedule: s.schedule,
    clients,
    createNode: extras.createNode ?? defaultNodeFactory,
    ...(s.formation !== undefined ? { formation: s.formation } : {}),
    probeInput: PROBE_INPUT,
    ...(extras.trace ? { trace: extras.trace } : {}),
    ...(extras.eventLog !== undefined ? { eventLog: extras.eventLog } : {}),
    ...(extras.countActions !== undefined ? { countActions: extras.countActions } : {}),
    ...(extras.track !== undefined ? { track: extras.track } : {}),
    ...(extras.maxEvents !== undefined ? { maxEvents: extras.maxEvents } : {}),
    ...(extras.maxTimeMs !== undefined ? { maxTimeMs: extras.maxTimeMs } : {}),
    ...(extras.settleMs !== undefined ? { settleMs: extras.settleMs } : {}),
    ...((extras.checkpointEvery ?? s.checkpointEvery) !== undefined ? { checkpointEvery: extras.checkpointEvery ?? s.checkpointEvery } : {}),
    ...(scenarioLimits(s) !== undefined ? { limits: scenarioLimits(s) } : {}),
  };
}

/** The Limits a scenario sets (batches, Promise and Welcome parts), or undefined when it keeps the defaults. */
function scenarioLimits(s: Scenario): Partial<Limits> | undefined {
  const batches = s.batchMax !== undefined && s.batchMax > 1;
  if (!batches && s.maxPromiseBytes === undefined && s.maxWelcomeBytes === undefined && s.maxPendingRequests === undefined) return undefined;
  return {
    ...(batches ? {
      batchMaxRequests: s.batchMax,
      ...(s.deferProposals ? { deferProposals: s.deferProposals } : {}),
      ...(s.batchMaxInput !== undefined ? { batchMaxInput: s.batchMaxInput } : {}),
    } : {}),
    ...(s.maxPromiseBytes !== undefined ? { maxPromiseBytes: s.maxPromiseBytes } : {}),
    ...(s.maxWelcomeBytes !== undefined ? { maxWelcomeBytes: s.maxWelcomeBytes } : {}),
    ...(s.maxPendingRequests !== undefined ? { maxPendingRequests: s.maxPendingRequests } : {}),
  };
}

export function runScenario(s: Scenario, extras: RunExtras = {}): ScenarioRun {
  const result = new Simulator(simConfigOf(s, extras)).run();
  if (extras.track === false) return { result, violations: [] };
  const sm = appStateMachine(s.app);
  const bankChecks = s.app === 'bank'
    ? { total: (app: unknown) => sumBalances(app as BankState), deposited: depositedBy }
    : undefined;
  return { result, violations: [...checkAll(result, sm, bankChecks), ...checkLinearizability(result, s.app)] };
}

/** Shell-quotes a JSON text for a POSIX shell (single quotes; embedded ones escaped). */
function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * How a run was traced, when it was: a full-format trace makes a checkpointing replica keep its
 * history (the trace lists it), so its Welcomes carry it and may go in more parts: another run.
 */
export type ReplayTrace = 'full' | 'compact';

export function replayCommand(s: Scenario, trace?: ReplayTrace): string {
  const formation = s.formation === 'seed' ? ' --formation seed' : '';
  const checkpoints = s.checkpointEvery ? ` --checkpoint-every ${s.checkpointEvery}` : '';
  const batches = s.batchMax !== undefined && s.batchMax > 1
    ? ` --batch-max ${s.batchMax}${s.deferProposals ? ` --defer-proposals ${s.deferProposals}` : ''}${s.batchMaxInput !== undefined ? ` --batch-max-input ${s.batchMaxInput}` : ''}`
    : '';
  const promises = s.maxPromiseBytes !== undefined ? ` --max-promise-bytes ${s.maxPromiseBytes}` : '';
  const welcomes = s.maxWelcomeBytes !== undefined ? ` --max-welcome-bytes ${s.maxWelcomeBytes}` : '';
  const pending = s.maxPendingRequests !== undefined ? ` --max-pending ${s.maxPendingRequests}` : '';
  return `npx tsx scripts/replay.ts --seed ${s.seed} --nodes ${s.nodes} --app ${s.app}${formation}${checkpoints}${batches}${promises}${welcomes}${pending} --workload ${quote(JSON.stringify(s.workload))} --schedule ${quote(JSON.stringify(s.schedule))}${trace ? ` --trace ${trace}` : ''}`;
}

/** One paragraph describing a run that went wrong, ending with the command that replays it. */
export function describeFailure(s: Scenario, run: ScenarioRun, extra: string[] = [], trace?: ReplayTrace): string {
  const r = run.result;
  return [
    `seed ${s.seed}, ${s.nodes} nodes, ${s.app}: stop=${r.stopReason} completed=${r.completed} settled=${r.settled} acks=${r.acks.length} t=${r.timeMs.toFixed(0)}ms`,
    ...run.violations.slice(0, 10).map((v) => `  violation: ${v}`),
    ...extra.map((v) => `  ${v}`),
    `  replay: ${replayCommand(s, trace)}`,
  ].join('\n');
}
