/**
 * For a script that takes no arguments: --help (-h) prints its usage line, exit 0; anything
 * else is refused in one line with the usage, exit 2, rather than ignored (`npm start -- --fast`
 * ran the whole main job as if it had understood).
 */
import { parseCommand, UsageError } from '../src/cli/args.js';

export function noArguments(command: string, usage: string): void {
  try {
    if (parseCommand(command, process.argv.slice(2), {}, { min: 0, max: 0 }).values.help !== true) return;
    console.log(usage);
    process.exit(0);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${e.message}\n${usage}`);
    process.exit(2);
  }
}
