/** Command-line arguments of `npm run check-spec`. */
import type { Engine } from '../shared/types.js';

export type EngineChoice = Engine | 'both';

export interface CliOptions {
  models: string[];
  all: boolean;
  engine?: EngineChoice;
  json: boolean;
  progress: boolean;
  timeoutSec?: number;
  /** Action coverage (embedded: from the state graph; TLC: -coverage); on unless --no-coverage. */
  coverage: boolean;
  /** Save each embedded run's full state graph as <dir>/<model>.dot. */
  stateGraphDir?: string;
  /** Models checked at the same time. */
  jobs?: number;
  /** TLC's worker threads per model (distributed: per worker process); default: the cores shared among the jobs. */
  workers?: number | 'auto';
  /** TLC random simulation (-simulate) instead of exhaustive checking. */
  simulate?: { traces: number; depth: number; seed?: string };
  /** Distributed TLC: a TLCServer and TLCWorker processes. */
  distributed?: DistributedChoice;
  maxStates?: number;
  specDir?: string;
  outDir?: string;
  help: boolean;
}

export interface DistributedChoice {
  /** Worker processes started on this machine. */
  localWorkers: number;
  /** Hosts where a worker is started over ssh (`user@host` or `host`). */
  workerHosts: string[];
  /** The address workers use to reach the server (default: 127.0.0.1 with local workers only, else this machine's hostname). */
  serverHost?: string;
  /** The server's RMI registry port (default TLC's 10997). */
  port?: number;
  /** Each worker process also holds a part of the fingerprint set (tlc2.tool.distributed.fp). */
  fpSets: boolean;
}

/** TLC's own defaults (tlc2.TLC: -depth 100); the number of traces is ours, TLC's is unbounded. */
export const SIMULATE_DEFAULT_DEPTH = 100;
export const SIMULATE_DEFAULT_TRACES = 10_000;
export const DISTRIBUTED_DEFAULT_LOCAL_WORKERS = 2;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `usage: npm run check-spec -- [options]

  --model <name>       check spec/<name>.cfg (repeatable); default: every model with "ci: true"
  --all                check every model
  --engine <e>         tlc | embedded | both (default: tlc if java and a TLC jar are found, else embedded)
  --json               print the results as one JSON object on stdout (nothing else)
  --progress           print progress even when stderr is not a terminal
  --timeout <seconds>  stop a model's run after this long (verdict: error)
  --no-coverage        skip action coverage (embedded: do not build the state graph, for models
                       too large to hold it in memory; TLC: no -coverage)
  --state-graph <dir>  embedded engine: save each model's full state graph as <dir>/<model>.dot
                       (read by npm run conformance)
  --jobs <n>           models checked at the same time (default: 2, or 1 on a one-core machine)
  --workers <n|auto>   TLC worker threads per model (TLC's -workers; auto: one per core). Default:
                       the cores shared among the models checked at once (2 cores, 2 jobs: 1 each)
  --max-states <n>     embedded engine: give up after n distinct states
  --spec-dir <dir>     where the models live (default: spec/)
  --out-dir <dir>      where counterexamples go (default: out/counterexamples)
  -h, --help           this text

 TLC beyond one exhaustive run (--engine tlc; see docs/check-spec.md):
  --simulate           random simulation: TLC generates traces instead of every state
    --traces <n>       traces to generate (default ${SIMULATE_DEFAULT_TRACES})
    --depth <n>        states per trace at most (default ${SIMULATE_DEFAULT_DEPTH})
    --seed <n>         TLC's random seed, to repeat a simulation
  --distributed        distributed TLC: a TLCServer for the model and TLCWorker processes
    --local-workers <n>    worker processes on this machine (default ${DISTRIBUTED_DEFAULT_LOCAL_WORKERS}; 0: only remote ones)
    --worker-hosts <a,b>   also start one worker on each host over ssh (same jar path there)
    --server-host <host>   the address workers reach the server at (default: 127.0.0.1 with
                           local workers only, else this machine's hostname)
    --port <n>             the server's RMI port (default 10997, TLC's)
    --fp-sets              every worker process also holds part of the fingerprint set

exit status: 0 every model as expected, 1 a violation/error/engine disagreement, 2 bad usage or setup,
128+n stopped by signal n (TLC and the worker threads it started are stopped first)`;

const VALUE_FLAGS = new Set(['--model', '--engine', '--timeout', '--state-graph', '--jobs', '--max-states', '--spec-dir', '--out-dir',
  '--workers', '--traces', '--depth', '--seed', '--local-workers', '--worker-hosts', '--server-host', '--port']);

/** A host name or address as ssh and java's RMI take it (never a shell word). */
const HOST = /^(?:[A-Za-z0-9_.-]+@)?[A-Za-z0-9_.-]+$/;

function positiveInt(flag: string, v: string, allowZero = false): number {
  if (!/^\d+$/.test(v) || (!allowZero && Number(v) === 0)) throw new UsageError(`${flag} needs a ${allowZero ? 'non-negative' : 'positive'} integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

export function parseCliArgs(argv: string[]): CliOptions {
  const o: CliOptions = { models: [], all: false, json: false, progress: false, coverage: true, help: false };
  const sim: { simulate: boolean; traces?: number; depth?: number; seed?: string } = { simulate: false };
  const dist: { distributed: boolean; localWorkers?: number; workerHosts?: string[]; serverHost?: string; port?: number; fpSets: boolean } = { distributed: false, fpSets: false };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (VALUE_FLAGS.has(arg)) {
      if (value === undefined) {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value`);
        value = next;
        i++;
      }
    } else if (value !== undefined) {
      throw new UsageError(`${arg} takes no value`);
    }
    switch (arg) {
      case '--model': o.models.push(value!); break;
      case '--all': o.all = true; break;
      case '--engine':
        if (value !== 'tlc' && value !== 'embedded' && value !== 'both') throw new UsageError(`--engine must be tlc, embedded or both, got ${JSON.stringify(value)}`);
        o.engine = value;
        break;
      case '--json': o.json = true; break;
      case '--progress': o.progress = true; break;
      case '--timeout': o.timeoutSec = positiveInt(arg, value!); break;
      case '--no-coverage': o.coverage = false; break;
      case '--state-graph': o.stateGraphDir = value!; break;
      case '--jobs': o.jobs = positiveInt(arg, value!); break;
      case '--max-states': o.maxStates = positiveInt(arg, value!); break;
      case '--spec-dir': o.specDir = value!; break;
      case '--out-dir': o.outDir = value!; break;
      case '--workers':
        o.workers = value === 'auto' ? 'auto' : positiveInt(arg, value!);
        break;
      case '--simulate': sim.simulate = true; break;
      case '--traces': sim.traces = positiveInt(arg, value!); break;
      case '--depth': sim.depth = positiveInt(arg, value!); break;
      case '--seed':
        if (!/^-?\d{1,19}$/.test(value!)) throw new UsageError(`--seed needs an integer, got ${JSON.stringify(value)}`);
        sim.seed = value!;
        break;
      case '--distributed': dist.distributed = true; break;
      case '--local-workers': dist.localWorkers = positiveInt(arg, value!, true); break;
      case '--worker-hosts': {
        const hosts = value!.split(',').map((h) => h.trim());
        const bad = hosts.find((h) => !HOST.test(h));
        if (bad !== undefined) throw new UsageError(`--worker-hosts needs host names separated by commas, got ${JSON.stringify(bad)}`);
        dist.workerHosts = hosts;
        break;
      }
      case '--server-host':
        if (!HOST.test(value!) || value!.includes('@')) throw new UsageError(`--server-host needs a host name or address, got ${JSON.stringify(value)}`);
        dist.serverHost = value!;
        break;
      case '--port': {
        const port = positiveInt(arg, value!);
        if (port > 65535) throw new UsageError(`--port needs a port number (1-65535), got ${value}`);
        dist.port = port;
        break;
      }
      case '--fp-sets': dist.fpSets = true; break;
      case '-h': case '--help': o.help = true; break;
      default: throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}`);
    }
  }
  if (o.all && o.models.length > 0) throw new UsageError('--all and --model exclude each other');
  if (o.stateGraphDir !== undefined && !o.coverage) throw new UsageError('--state-graph needs the state graph that --no-coverage turns off');
  if (sim.simulate && dist.distributed) throw new UsageError('--simulate and --distributed exclude each other (distributed TLC only checks exhaustively)');
  const tlcOnly = sim.simulate ? '--simulate' : dist.distributed ? '--distributed' : undefined;
  if (tlcOnly !== undefined && o.engine !== undefined && o.engine !== 'tlc') throw new UsageError(`${tlcOnly} runs TLC: it needs --engine tlc (or no --engine), not ${o.engine}`);
  if (!sim.simulate && (sim.traces !== undefined || sim.depth !== undefined || sim.seed !== undefined)) {
    throw new UsageError('--traces, --depth and --seed are options of --simulate');
  }
  if (!dist.distributed && (dist.localWorkers !== undefined || dist.workerHosts !== undefined || dist.serverHost !== undefined || dist.port !== undefined || dist.fpSets)) {
    throw new UsageError('--local-workers, --worker-hosts, --server-host, --port and --fp-sets are options of --distributed');
  }
  if (sim.simulate) {
    o.simulate = { traces: sim.traces ?? SIMULATE_DEFAULT_TRACES, depth: sim.depth ?? SIMULATE_DEFAULT_DEPTH };
    if (sim.seed !== undefined) o.simulate.seed = sim.seed;
  }
  if (dist.distributed) {
    o.distributed = { localWorkers: dist.localWorkers ?? DISTRIBUTED_DEFAULT_LOCAL_WORKERS, workerHosts: dist.workerHosts ?? [], fpSets: dist.fpSets };
    if (dist.serverHost !== undefined) o.distributed.serverHost = dist.serverHost;
    if (dist.port !== undefined) o.distributed.port = dist.port;
    if (o.distributed.fpSets && o.distributed.localWorkers + o.distributed.workerHosts.length === 0) {
      throw new UsageError('--fp-sets needs worker processes check-spec starts (--local-workers or --worker-hosts): the server waits for each of their fingerprint sets');
    }
  }
  return o;
}
