/**
 * Regenerates the golden traces in traces/examples/ from the real simulator: a normal run,
 * a leader change (the leader is killed mid-stream), and a crash and restart of a follower.
 * Each is checked before it is written out for good.  Usage: npx tsx scripts/make-golden-traces.ts
 */
import { renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scheduleOf } from '../src/sim/schedule.js';
import type { Scenario } from '../src/sim/scenario.js';
import { checkTrace, formatVerdict } from '../src/trace/replay/check.js';
import { traceScenario } from '../src/trace/runs/simTrace.js';
import { noArguments } from './commandLine.js';

noArguments('make-golden-traces', 'usage: npx tsx scripts/make-golden-traces.ts (no options: rewrites traces/examples/)');

const OUT = fileURLToPath(new URL('../traces/examples/', import.meta.url));

export const GOLDEN: Record<string, Scenario> = {
  'normal': { seed: 11, nodes: 3, app: 'kv', workload: { clients: 1, ops: 3 }, schedule: scheduleOf() },
  'leader-change': {
    seed: 12, nodes: 3, app: 'kv', workload: { clients: 1, ops: 4 },
    schedule: scheduleOf({}, [{ kind: 'killLeader', at: 30, restart: 800 }]),
  },
  'crash-restart': {
    seed: 13, nodes: 3, app: 'kv', workload: { clients: 1, ops: 4 },
    schedule: scheduleOf({ duplicate: 0.1 }, [{ kind: 'crash', at: 25, node: 3, restart: 400 }]),
  },
};

let failed = 0;
for (const [name, scenario] of Object.entries(GOLDEN)) {
  const tmp = `${OUT}${name}.ndjson.tmp`;
  const { events } = traceScenario(scenario, tmp, { settleMs: 2000 }, 'scripts/make-golden-traces.ts');
  const v = await checkTrace({ name, files: [tmp] });
  process.stdout.write(`${formatVerdict(v)}\n`);
  if (!v.ok) { failed++; continue; }
  renameSync(tmp, `${OUT}${name}.ndjson`);
  process.stdout.write(`wrote traces/examples/${name}.ndjson (${events} events)\n`);
}
process.exitCode = failed > 0 ? 1 : 0;
