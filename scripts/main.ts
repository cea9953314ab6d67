/**
 * `npm start`: the main job, in about two minutes on two cores, on a fresh clone after
 * `npm install` (no Java, no network).
 *   1. model-checks one CI model of the spec, ci-restart (a node crashes and restarts: its
 *      leader comes back under a new ballot, Join and Welcome), on the embedded engine, or
 *      TLC when it is installed;
 *   2. runs a 5-node bank cluster as real processes on loopback (`paxos node` each), with
 *      concurrent transfers from several clients, and kills the leader and then a follower
 *      with SIGKILL mid-workload, restarting each from its data directory;
 *   3. checks the run: one history on every replica, every acknowledged transfer in it once,
 *      money conserved, and every node's trace part replayed against the spec with the
 *      client-level checks (check-traces);
 *   4. prints a short report; the exit status is 0 only if everything held.
 */
import { spawn } from 'node:child_process';
import { chaosReportLines } from '../src/cli/commands/chaos.js';
import { runChaos } from '../src/cli/chaos/run.js';
import { noArguments } from './commandLine.js';

noArguments('npm start', 'usage: npm start (no options: the main job on its embedded defaults; npx paxos chaos --help for a chaos run of your own)');

const MODEL = 'ci-restart';
const started = performance.now();
const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(1);
const out = (line: string) => process.stdout.write(line + '\n');

/** check-spec on one model, its output passed through (with progress even when piped). */
function checkModel(): Promise<{ ok: boolean; seconds: string }> {
  const t = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/check-spec.ts', '--model', MODEL, '--progress', '--no-coverage'], { stdio: 'inherit' });
    child.on('exit', (code) => resolve({ ok: code === 0, seconds: seconds(t) }));
  });
}

out(`== 1/3 Model-checking ${MODEL} (a crash and restart: the leader returns under a new ballot; Join, Welcome)`);
const model = await checkModel();
out(model.ok
  ? `model ${MODEL}: every invariant holds (${model.seconds} s). All CI models: npm run check-spec (about 6 minutes embedded); the larger ones with TLC: npm run check-spec -- --engine tlc --all`
  : `model ${MODEL}: FAILED (see above)`);

out('\n== 2/3 A 5-node bank cluster of real processes: transfers, the leader and a follower killed with SIGKILL, restarted');
const seed = Date.now() % 1_000_000;
out(`workload seed ${seed} (the same run again: npm run chaos -- --seed ${seed})`);
const chaos = await runChaos({ nodes: 5, clients: 6, rate: 10, durationMs: 30_000, rounds: 1, downMs: 2_000, basePort: 0, seed, progress: out });

out('\n== 3/3 Report');
for (const line of chaosReportLines(chaos)) if (line !== '') out(line);
out(`  model check (${MODEL}):  ${model.ok ? 'passed' : 'FAILED'}`);
const ok = model.ok && chaos.ok;
out(`\nnpm start: ${ok ? 'everything held' : 'FAILED'} (${seconds(started)} s)`);
process.exit(ok ? 0 : 1);
