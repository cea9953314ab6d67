/**
 * Trace validation in CI: runs seeded fault-injected simulations (loss, duplication,
 * reordering, partitions, crashes, leader kills and isolations), writes each run's trace,
 * and validates every trace (schema + replay through the fast spec encoding); every K-th
 * trace is also replayed through the embedded spec (tla-checker) for its first E events.
 *
 *   npx tsx scripts/validate-sim-traces.ts [--runs 200] [--seed 1] [--embedded-every 25]
 *     [--embedded-max 150] [--format mixed|full|compact] [--out DIR] [--keep]
 *
 * --format: traces with the full node state in every event, compact ones (state deltas), or
 * (default) both, alternating, so that both forms the checker reads are exercised.
 *
 * Exits 1 if any trace fails (the failing trace is kept and its path printed).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTrace, formatVerdict } from '../src/trace/check.js';
import { faultScenario } from '../src/trace/faultScenarios.js';
import { loadTraceSchemas } from '../src/trace/schemas.js';
import { traceScenario } from '../src/trace/simTrace.js';
import { replayCommand } from '../src/sim/scenario.js';

function usage(message: string): never {
  process.stderr.write(`validate-sim-traces: ${message}\nusage: validate-sim-traces [--runs N] [--seed S] [--embedded-every K] [--embedded-max E] [--format mixed|full|compact] [--out DIR] [--keep]\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const opt = { runs: 200, seed: 1, embeddedEvery: 25, embeddedMax: 150, out: '', keep: false, format: 'mixed' };
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  const num = (): number => {
    const v = Number(args[++i]);
    if (!Number.isSafeInteger(v) || v < 0) usage(`${a} needs a whole number`);
    return v;
  };
  if (a === '--runs') opt.runs = num();
  else if (a === '--seed') opt.seed = num();
  else if (a === '--embedded-every') opt.embeddedEvery = num();
  else if (a === '--embedded-max') opt.embeddedMax = num();
  else if (a === '--out') opt.out = args[++i] ?? usage('--out needs a folder');
  else if (a === '--keep') opt.keep = true;
  else if (a === '--format') {
    opt.format = args[++i] ?? '';
    if (!['mixed', 'full', 'compact'].includes(opt.format)) usage('--format is mixed, full or compact');
  }
  else usage(`unknown argument ${a}`);
}

const dir = opt.out || mkdtempSync(join(tmpdir(), 'sim-traces-'));
mkdirSync(dir, { recursive: true });
const schemas = loadTraceSchemas();
const started = performance.now();
let events = 0; let embeddedEvents = 0; let failed = 0; let unsafe = 0; let simMs = 0; let checkMs = 0;
let fastEvents = 0; let fastMs = 0;
for (let r = 0; r < opt.runs; r++) {
  const scenario = faultScenario(opt.seed + r);
  const path = join(dir, `sim-${scenario.seed}.ndjson`);
  const t0 = performance.now();
  const compact = opt.format === 'compact' || (opt.format === 'mixed' && r % 2 === 1);
  const traced = traceScenario(scenario, path, { eventLog: false }, 'scripts/validate-sim-traces.ts', compact);
  const t1 = performance.now();
  simMs += t1 - t0;
  if (traced.run.violations.length > 0) {
    unsafe++;
    process.stdout.write(`UNSAFE run seed ${scenario.seed}: ${traced.run.violations.slice(0, 3).join('; ')}\n  replay: ${replayCommand(scenario)}\n`);
  }
  const embedded = opt.embeddedEvery > 0 && r % opt.embeddedEvery === 0;
  const v = await checkTrace({ name: path, files: [path] }, { schemas, embedded, embeddedMaxEvents: opt.embeddedMax });
  checkMs += performance.now() - t1;
  if (!embedded) { fastEvents += v.events; fastMs += performance.now() - t1; }
  events += v.events;
  embeddedEvents += v.embeddedEvents;
  if (!v.ok) {
    failed++;
    process.stdout.write(`${formatVerdict(v)}\n  scenario: ${replayCommand(scenario)}\n`);
  } else if (!opt.keep && !opt.out) rmSync(path);
  if ((r + 1) % 20 === 0 || r + 1 === opt.runs) {
    const secs = (performance.now() - started) / 1000;
    process.stderr.write(`validate-sim-traces: ${r + 1}/${opt.runs} runs, ${events} events, ${secs.toFixed(1)} s\n`);
  }
}
const secs = (performance.now() - started) / 1000;
process.stdout.write(
  `validate-sim-traces: ${opt.runs} traces, ${events} events validated (schema + fast replay), ` +
  `${embeddedEvents} events also through the embedded spec; ${failed} traces failed, ${unsafe} unsafe runs; ` +
  `${secs.toFixed(1)} s (simulation ${(simMs / 1000).toFixed(1)} s, checking ${(checkMs / 1000).toFixed(1)} s; ` +
  `fast path ${Math.round(fastEvents / Math.max(fastMs / 1000, 1e-3))} events/s on the traces without the embedded sample)\n`,
);
if (!opt.out && failed === 0 && !opt.keep) rmSync(dir, { recursive: true, force: true });
else process.stdout.write(`traces in ${dir}\n`);
process.exitCode = failed > 0 || unsafe > 0 ? 1 : 0;
