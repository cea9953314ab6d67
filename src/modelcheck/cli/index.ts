/** `npm run check-spec`: cliArgs.ts parses its arguments, cli.ts runs the models and prints the report. */
export { defaultIo, defaultTlcWorkers, runCli, type CliIo } from './cli.js';
export { parseCliArgs, USAGE, UsageError, type CliOptions } from './cliArgs.js';
