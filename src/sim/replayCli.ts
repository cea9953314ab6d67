/**
 * The replay command line: `--seed N --nodes N --app bank|kv --workload '<json>'
 * --schedule '<json>' [--log]`. Parsing is separate from running so it can be tested, and
 * every user error is a ReplayUsageError with one clear message (the script prints it
 * without a stack trace).
 */
import { parseArgs } from 'node:util';
import type { ReplayTrace, Scenario } from './scenario.js';
import { ScheduleError, parseSchedule } from './schedule.js';
import { MAX_CLIENTS, MAX_OPS } from './workload.js';
import { MAX_BATCH_INPUT } from '../protocol/limits.js';

export class ReplayUsageError extends Error {
  override readonly name = 'ReplayUsageError';
}

export const REPLAY_USAGE =
  "usage: npx tsx scripts/replay.ts --seed <int> --nodes <1..64> --app bank|kv --workload '{\"clients\":C,\"ops\":K}' --schedule '<FaultSchedule JSON>' [--formation members|seed] [--checkpoint-every K] [--batch-max B [--defer-proposals turn|decision] [--batch-max-input L]] [--max-promise-bytes N] [--max-welcome-bytes N] [--max-pending N] [--trace full|compact] [--log]";

export interface ReplayRequest {
  readonly scenario: Scenario;
  readonly printLog: boolean;
  /** Run traced in this format, as the printed run was (replayCommand's `trace`); absent: untraced. */
  readonly trace?: ReplayTrace;
}

function int(name: string, text: string | undefined, lo: number, hi: number): number {
  if (text === undefined) throw new ReplayUsageError(`missing --${name}\n${REPLAY_USAGE}`);
  const v = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(v) || v < lo || v > hi) throw new ReplayUsageError(`--${name} must be an integer in ${lo}..${hi}, got ${JSON.stringify(text)}`);
  return v;
}

function json(name: string, text: string | undefined): unknown {
  if (text === undefined) throw new ReplayUsageError(`missing --${name}\n${REPLAY_USAGE}`);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ReplayUsageError(`--${name} is not valid JSON: ${(e as Error).message}`);
  }
}

export function parseReplayArgs(argv: readonly string[]): ReplayRequest {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        seed: { type: 'string' }, nodes: { type: 'string' }, app: { type: 'string' },
        workload: { type: 'string' }, schedule: { type: 'string' }, log: { type: 'boolean' }, formation: { type: 'string' },
        'checkpoint-every': { type: 'string' },
        'batch-max': { type: 'string' }, 'defer-proposals': { type: 'string' }, 'batch-max-input': { type: 'string' }, 'max-promise-bytes': { type: 'string' },
        'max-welcome-bytes': { type: 'string' },
        'max-pending': { type: 'string' },
        trace: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new ReplayUsageError(`${(e as Error).message}\n${REPLAY_USAGE}`);
  }
  const str = (k: string) => values[k] as string | undefined;
  const seed = int('seed', str('seed'), -(2 ** 53 - 1), 2 ** 53 - 1);
  const nodes = int('nodes', str('nodes'), 1, 64);
  const app = str('app');
  if (app !== 'bank' && app !== 'kv') throw new ReplayUsageError(`--app must be bank or kv, got ${JSON.stringify(app)}`);
  const w = json('workload', str('workload')) as { clients?: unknown; ops?: unknown } | null;
  if (typeof w !== 'object' || w === null) throw new ReplayUsageError('--workload must be a JSON object {"clients":C,"ops":K}');
  const clients = int('workload clients', String(w.clients), 1, MAX_CLIENTS);
  const ops = int('workload ops', String(w.ops), 0, MAX_OPS);
  let schedule;
  try {
    schedule = parseSchedule(json('schedule', str('schedule')), nodes);
  } catch (e) {
    if (e instanceof ScheduleError) throw new ReplayUsageError(`--schedule: ${e.message}`);
    throw e;
  }
  const formation = str('formation');
  if (formation !== undefined && formation !== 'members' && formation !== 'seed') {
    throw new ReplayUsageError(`--formation must be members or seed, got ${JSON.stringify(formation)}`);
  }
  const every = str('checkpoint-every');
  const checkpointEvery = every === undefined ? 0 : int('checkpoint-every', every, 0, 1_000_000);
  const batch = str('batch-max');
  const batchMax = batch === undefined ? 1 : int('batch-max', batch, 1, 10_000);
  const defer = str('defer-proposals');
  if (defer !== undefined && defer !== 'turn' && defer !== 'decision') throw new ReplayUsageError(`--defer-proposals must be turn or decision, got ${JSON.stringify(defer)}`);
  const input = str('batch-max-input');
  const batchMaxInput = input === undefined ? undefined : int('batch-max-input', input, 0, MAX_BATCH_INPUT);
  const promiseBytes = str('max-promise-bytes');
  const maxPromiseBytes = promiseBytes === undefined ? undefined : int('max-promise-bytes', promiseBytes, 1, 1_000_000_000);
  const welcomeBytes = str('max-welcome-bytes');
  const maxWelcomeBytes = welcomeBytes === undefined ? undefined : int('max-welcome-bytes', welcomeBytes, 1, 1_000_000_000);
  const pending = str('max-pending');
  const maxPendingRequests = pending === undefined ? undefined : int('max-pending', pending, 1, 1_000_000);
  const trace = str('trace');
  if (trace !== undefined && trace !== 'full' && trace !== 'compact') throw new ReplayUsageError(`--trace must be full or compact, got ${JSON.stringify(trace)}`);
  return {
    scenario: {
      seed, nodes, app, workload: { clients, ops }, schedule, ...(formation === 'seed' ? { formation } : {}),
      ...(checkpointEvery > 0 ? { checkpointEvery } : {}),
      ...(batchMax > 1 ? { batchMax } : {}),
      ...(batchMax > 1 && defer !== undefined ? { deferProposals: defer } : {}),
      ...(batchMax > 1 && batchMaxInput !== undefined ? { batchMaxInput } : {}),
      ...(maxPromiseBytes !== undefined ? { maxPromiseBytes } : {}),
      ...(maxWelcomeBytes !== undefined ? { maxWelcomeBytes } : {}),
      ...(maxPendingRequests !== undefined ? { maxPendingRequests } : {}),
    },
    printLog: values.log === true,
    ...(trace !== undefined ? { trace } : {}),
  };
}
