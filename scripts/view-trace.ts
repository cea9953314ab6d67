/** npm run view-trace: draws a trace or a counterexample as one HTML page (see src/viewer/index.ts). */
import { runViewTraceCli } from '../src/viewer/cli.js';

runViewTraceCli(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    // Bad input is reported by the CLI itself; anything reaching here is a bug in the viewer.
    process.stderr.write(`view-trace: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
