/**
 * `npm start`: the main job, on the embedded defaults (no Java, no network).
 *   1. model-checks the CI models of the spec and prints the results table;
 *   2. runs a simulated 5-node bank cluster under faults and prints what happened;
 *   3. runs seeded fault-injected simulations and validates every trace they write against the spec.
 * Each step is its own script (see package.json); this runs them in order and stops at the first failure.
 */
import { spawnSync } from 'node:child_process';

interface Step { title: string; script: string; args: string[] }

const STEPS: Step[] = [
  { title: 'Model-checking the CI models of spec/MultiPaxos.tla (embedded engine)', script: 'scripts/check-spec.ts', args: ['--engine', 'embedded'] },
  { title: 'A simulated 5-node bank cluster under faults', script: 'scripts/demo-bank.ts', args: [] },
  { title: 'Trace validation of 20 seeded fault-injected simulations', script: 'scripts/validate-sim-traces.ts', args: ['--runs', '20'] },
];

for (const step of STEPS) {
  process.stdout.write(`\n== ${step.title}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', step.script, ...step.args], { stdio: 'inherit' });
  if (run.status !== 0) {
    process.stderr.write(`npm start: "${step.title}" failed (exit ${run.status ?? run.signal})\n`);
    process.exit(run.status ?? 1);
  }
}
process.stdout.write('\nAll steps passed.\n');
