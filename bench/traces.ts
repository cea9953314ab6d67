/**
 * npm run bench:traces -- [--events 1000000] [--corpus DIR] [--embedded-events 600]
 *
 * Validates a corpus of simulator traces (seeded fault-injected runs, compact events) of at
 * least --events events and prints events/s for: schema validation alone; schema + replay
 * through the fast TypeScript encoding; the embedded spec (tla-checker) on a subset, with the
 * time 1M events would take at that rate; and the peak memory while checking. The corpus is
 * generated once (two processes) and kept in --corpus for the next run.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTrace } from '../src/trace/check.js';
import { faultScenario } from '../src/trace/faultScenarios.js';
import { loadTraceSchemas } from '../src/trace/schemas.js';
import { traceScenario } from '../src/trace/simTrace.js';

const args = process.argv.slice(2);
const arg = (name: string, def: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : def;
};
const TARGET = Number(arg('--events', '1000000'));
const CORPUS = arg('--corpus', join(tmpdir(), 'paxos-trace-corpus'));
const EMBEDDED_EVENTS = Number(arg('--embedded-events', '600'));
const WORKERS = 2;

/** Child process: write compact traces for seeds worker, worker+WORKERS, ... until its share is reached. */
function generatePart(worker: number, share: number): void {
  let events = 0;
  for (let seed = 1_000_000 + worker; events < share; seed += WORKERS) {
    const { events: n } = traceScenario(faultScenario(seed), join(CORPUS, `bench-${seed}.ndjson`), { eventLog: false }, 'bench/traces.ts', true);
    events += n;
  }
  process.send?.({ events });
}

function corpusEvents(): number {
  const f = join(CORPUS, 'events.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { events: number }).events : 0;
}

async function ensureCorpus(): Promise<void> {
  if (corpusEvents() >= TARGET) return;
  mkdirSync(CORPUS, { recursive: true });
  const t0 = performance.now();
  process.stderr.write(`bench: generating a corpus of ${TARGET} events in ${CORPUS} (${WORKERS} processes)...\n`);
  const self = fileURLToPath(import.meta.url);
  const parts = await Promise.all(Array.from({ length: WORKERS }, (_, w) => new Promise<number>((resolve, reject) => {
    const child = fork(self, ['--generate-part', String(w), String(Math.ceil(TARGET / WORKERS)), '--corpus', CORPUS], { execArgv: ['--import', 'tsx'] });
    child.on('message', (m) => resolve((m as { events: number }).events));
    child.on('exit', (code) => { if (code !== 0) reject(new Error(`corpus worker ${w} exited with ${code}`)); });
  })));
  const events = parts.reduce((a, b) => a + b, 0);
  writeFileSync(join(CORPUS, 'events.json'), JSON.stringify({ events }));
  process.stderr.write(`bench: corpus of ${events} events generated in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}

async function main(): Promise<void> {
  await ensureCorpus();
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.ndjson')).sort().map((f) => join(CORPUS, f));
  const bytes = files.reduce((a, f) => a + statSync(f).size, 0);
  const schemas = loadTraceSchemas();
  let peakRss = 0; let peakHeap = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 50);

  const pass = async (name: string, opts: Parameters<typeof checkTrace>[1]): Promise<{ events: number; secs: number; cpu: number }> => {
    const t = performance.now();
    const c0 = process.cpuUsage();
    let events = 0;
    for (const f of files) {
      const v = await checkTrace({ name: f, files: [f] }, { schemas, ...opts });
      if (!v.ok) throw new Error(`${name}: ${f} failed at line ${v.failure?.line}: ${v.failure?.message}`);
      events += v.events;
      sample();
    }
    const c = process.cpuUsage(c0);
    return { events, secs: (performance.now() - t) / 1000, cpu: (c.user + c.system) / 1e6 };
  };

  const schema = await pass('schema', { schemaOnly: true });
  const fast = await pass('fast', {});
  const replayOnly = fast.secs - schema.secs;

  // The embedded spec costs tens of ms per event: a prefix of a few traces, extrapolated.
  let embEvents = 0; const tEmb = performance.now(); const cEmb = process.cpuUsage();
  for (const f of files) {
    if (embEvents >= EMBEDDED_EVENTS) break;
    const v = await checkTrace({ name: f, files: [f] }, { schemas, fast: false, embedded: true, embeddedMaxEvents: Math.min(200, EMBEDDED_EVENTS - embEvents) });
    if (!v.ok && v.failure) throw new Error(`embedded: ${f} failed at line ${v.failure.line}: ${v.failure.message}`);
    embEvents += v.embeddedEvents;
  }
  const embSecs = (performance.now() - tEmb) / 1000;
  const embCpu = ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cEmb));
  clearInterval(timer);
  sample();

  const rate = (n: number, s: number): string => `${Math.round(n / s).toLocaleString('en-US')} events/s`;
  // Wall time suffers when other processes share the cores; CPU time is this process's own.
  const both = (n: number, wall: number, cpu: number): string => `${rate(n, wall)} wall, ${rate(n, cpu)} per CPU-second  (${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU)`;
  const lines = [
    `corpus: ${files.length} traces, ${fast.events.toLocaleString('en-US')} events, ${(bytes / 1e6).toFixed(0)} MB (compact events; ${CORPUS})`,
    `schema validation alone (read + parse + ajv): ${both(schema.events, schema.secs, schema.cpu)}`,
    `schema + fast TypeScript replay:               ${both(fast.events, fast.secs, fast.cpu)}`,
    `  replay alone (difference of the two):        ${rate(fast.events, Math.max(replayOnly, 1e-3))} wall, ${rate(fast.events, Math.max(fast.cpu - schema.cpu, 1e-3))} per CPU-second`,
    `embedded spec (tla-checker), ${embEvents} events: ${both(embEvents, embSecs, embCpu)}; 1M events would take ~${(1e6 / (embEvents / embCpu) / 3600).toFixed(1)} CPU-hours`,
    `peak memory while checking: RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB, heap ${(peakHeap / 2 ** 20).toFixed(0)} MiB (one trace's spec state at a time: streaming)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

if (args[0] === '--generate-part') generatePart(Number(args[1]), Number(args[2]));
else await main();
