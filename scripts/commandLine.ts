/**
 * What the npm scripts and benches do with their command line: it is parsed as the paxos
 * commands' is (src/cli/args.ts: strict, no stray arguments); --help (-h) prints the usage line;
 * an unknown option, a stray argument or a value the script refuses (an OptionError) is one line
 * naming it, then the usage, exit 2, instead of a stack trace, or of a script that ignores what
 * it was given and does its whole job (`npm start -- --fast` did).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseCommand, UsageError } from '../src/cli/args.js';

/** A value a script refuses: thrown while reading its options, reported by runScript. */
export class OptionError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<typeof parseArgs<{ options: O }>>['values'];

function refuse(usage: string, line: string): never {
  console.error(`${line}\n${usage}`);
  process.exit(2);
}

/** The script's option values; --help prints `usage` and exits 0. */
export function scriptOptions<O extends Options>(name: string, usage: string, options: O): Values<O> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseCommand(name, process.argv.slice(2), options, { min: 0, max: 0 }));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    refuse(usage, e.message);
  }
  if (values.help === true) {
    console.log(usage);
    process.exit(0);
  }
  return values as Values<O>;
}

/**
 * Runs a script's main (or its reading of the options), giving back what it returns: an
 * OptionError it throws is reported with the usage, exit 2; anything else is a bug and propagates.
 */
export async function runScript<T>(name: string, usage: string, main: () => T | Promise<T>): Promise<T> {
  try {
    return await main();
  } catch (e) {
    if (!(e instanceof OptionError)) throw e;
    refuse(usage, `${name}: ${e.message}`);
  }
}

/**
 * A whole number written in digits, as the paxos commands read one (args.ts intOption): not
 * `Number(text)`, which takes "" for 0 and "1e3" or "0x10" for numbers. `fallback` when absent.
 */
export function wholeNumber(name: string, text: string | undefined, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (text === undefined) return fallback;
  const n = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new OptionError(`--${name} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `in ${min}..${max}`}, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** For a script that takes no arguments: only --help. */
export function noArguments(command: string, usage: string): void {
  scriptOptions(command, usage, {});
}
