/** npm run check-spec: see docs/check-spec.md. */
import { runCli } from '../src/modelcheck/cli/cli.js';
import { stopAllOnSignals } from '../src/modelcheck/shared/processes.js';

// Stopped from outside (Ctrl-C, `timeout`, a cancelled CI job): stop TLC and the worker threads too.
stopAllOnSignals();

runCli(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    // Anything reaching here is a bug in the driver, not a user error: say so briefly.
    process.stderr.write(`check-spec: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
