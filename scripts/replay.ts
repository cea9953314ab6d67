/**
 * Replays one simulated run from the seed and fault schedule a failing test printed, and
 * reports whether it is safe. Exit 0: safe and finished; 1: a violation or no progress;
 * 2: bad arguments.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplayUsageError, parseReplayArgs } from '../src/sim/replayCli.js';
import { describeFailure, runScenario } from '../src/sim/scenario.js';
import { traceScenario } from '../src/trace/runs/simTrace.js';

function main(): number {
  const { scenario, printLog, trace } = parseReplayArgs(process.argv.slice(2));
  let run;
  if (trace === undefined) {
    run = runScenario(scenario);
  } else {
    // Traced as the printed run was: the format changes what the nodes keep, hence what they send.
    const path = join(mkdtempSync(join(tmpdir(), 'replay-')), `sim-${scenario.seed}.ndjson`);
    run = traceScenario(scenario, path, {}, 'scripts/replay.ts', trace === 'compact').run;
    console.log(`trace (${trace}): ${path}  (check it: npm run check-traces -- ${path})`);
  }
  if (printLog) for (const line of run.result.log) console.log(line);
  const r = run.result;
  const ok = run.violations.length === 0 && r.completed && r.settled;
  console.log(ok ? 'run is safe and finished:' : 'run FAILED:');
  console.log(describeFailure(scenario, run, [], trace));
  return ok ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (e) {
  if (e instanceof ReplayUsageError) {
    console.error(`replay: ${e.message}`);
    process.exitCode = 2;
  } else {
    throw e;
  }
}
