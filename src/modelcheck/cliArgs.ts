/** Command-line arguments of `npm run check-spec`. */
import type { Engine } from './types.js';

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
  maxStates?: number;
  specDir?: string;
  outDir?: string;
  help: boolean;
}

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
  --max-states <n>     embedded engine: give up after n distinct states
  --spec-dir <dir>     where the models live (default: spec/)
  --out-dir <dir>      where counterexamples go (default: out/counterexamples)
  -h, --help           this text

exit status: 0 every model as expected, 1 a violation/error/engine disagreement, 2 bad usage or setup`;

const VALUE_FLAGS = new Set(['--model', '--engine', '--timeout', '--state-graph', '--jobs', '--max-states', '--spec-dir', '--out-dir']);

function positiveInt(flag: string, v: string, allowZero = false): number {
  if (!/^\d+$/.test(v) || (!allowZero && Number(v) === 0)) throw new UsageError(`${flag} needs a ${allowZero ? 'non-negative' : 'positive'} integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

export function parseCliArgs(argv: string[]): CliOptions {
  const o: CliOptions = { models: [], all: false, json: false, progress: false, coverage: true, help: false };
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
      case '-h': case '--help': o.help = true; break;
      default: throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}`);
    }
  }
  if (o.all && o.models.length > 0) throw new UsageError('--all and --model exclude each other');
  if (o.stateGraphDir !== undefined && !o.coverage) throw new UsageError('--state-graph needs the state graph that --no-coverage turns off');
  return o;
}
