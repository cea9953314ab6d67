/**
 * npm run check-traces -- [--embedded] [--embedded-max K] [--tlc] [--schema-only] <files or folders>
 *
 * Per trace: the header against the spec, JSON Schema validation of every line, then replay
 * against the spec (fast TypeScript encoding by default; --embedded also through tla-checker;
 * --tlc also through TLC when TLA2TOOLS_JAR is set). Prints PASS or FAIL per trace, exits 1
 * if any trace fails, 2 on a usage error. Progress goes to stderr.
 */
import { runCheckTracesCli } from '../src/trace/replay/cli.js';

process.exitCode = await runCheckTracesCli(process.argv.slice(2));
