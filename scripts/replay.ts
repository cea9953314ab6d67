/**
 * Replays one simulated run from the seed and fault schedule a failing test printed, and
 * reports whether it is safe. Exit 0: safe and finished; 1: a violation or no progress;
 * 2: bad arguments.
 */
import { ReplayUsageError, parseReplayArgs } from '../src/sim/replayCli.js';
import { describeFailure, runScenario } from '../src/sim/scenario.js';

function main(): number {
  const { scenario, printLog } = parseReplayArgs(process.argv.slice(2));
  const run = runScenario(scenario);
  if (printLog) for (const line of run.result.log) console.log(line);
  const r = run.result;
  const ok = run.violations.length === 0 && r.completed && r.settled;
  console.log(ok ? 'run is safe and finished:' : 'run FAILED:');
  console.log(describeFailure(scenario, run));
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
