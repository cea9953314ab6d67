/**
 * npm run bench:traces -- [--events 1000000] [--corpus DIR] [--embedded-events 600] [--workers W] [--long-ops 2000] [--tlc-events 150]
 *
 * Validates a corpus of simulator traces (seeded fault-injected runs, compact events) of at
 * least --events events and prints events/s for: schema validation alone; schema + replay
 * through the fast TypeScript encoding, in this thread and with W worker threads (default:
 * the cores); the embedded spec (tla-checker) on a subset, with the time 1M events would take
 * at that rate; and the peak memory. Two reference lines bound what any checker of these
 * files can do in Node: reading the lines alone, and reading plus JSON.parse, each measured
 * before and after the checker's passes and the faster taken; the fast path's rate is printed
 * as a ratio to the second (issue 12's goal: at least 0.5), and the CPU per event is split into
 * reading, parsing, ajv, spec replay and client checks (each from passes run warm: a first pass
 * also pays for compiling ajv's generated code), with what the goal leaves for the replay once
 * ajv has taken its share, and the ratio a replay would reach that did no more than read every
 * value of each event once (a walk of the parsed event: any replay must read every field to
 * check it, so no replay does less). A paired pass gives the ratio again, trace by trace: each trace read
 * and parsed, then checked (every other trace the other way round), so a slower machine for a
 * while slows both sides of the ratio alike. The last passes
 * check one long run (--long-ops requests per client, default 2,000: long enough that a cost
 * growing with the history shows, as the tracked digest's did before 2026-12-05), twice: its
 * nodes without checkpoints, then with a Member's default (every 1,000 slots), and give the rate
 * over the first and last quarter, in events and in bytes. Replay costs what an event changes:
 * with checkpoints the two quarters should be about equal; without them the events grow with
 * the history (a Promise carries the whole accepted log), and so does their cost. With
 * TLA2TOOLS_JAR set, TLC's trace validation (src/trace/replay/tlc.ts) runs on the first corpus traces
 * until --tlc-events events. Rates are given per wall second and per CPU-second of
 * this process (all its threads): other jobs on the machine lower the first, not the second.
 * The corpus is generated once (two processes) and kept in --corpus for the next run; it is
 * generated again when the spec or any file under src/ changed since.
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CheckOptions, checkTrace, checkTraceSync } from '../src/trace/replay/check.js';
import { checkTraces } from '../src/trace/replay/pool.js';
import { DEFAULT_SPEC_PATH } from '../src/trace/replay/tlaEngine.js';
import { faultScenario } from '../src/trace/runs/faultScenarios.js';
import { LineReader } from '../src/trace/format/ndjsonReader.js';
import { loadTraceSchemas } from '../src/trace/format/schemas.js';
import { traceScenario } from '../src/trace/runs/simTrace.js';
import { DEFAULT_CHECKPOINT_EVERY } from '../src/node/node.js';
import { runTlc, tlcJar } from '../src/trace/replay/tlc.js';
import { scriptOptions, OptionError, runScript, wholeNumber } from '../scripts/commandLine.js';

/** Values the walks visited: summed so that no pass of them is optimized away. */
let walked = 0;

/** Visits every value of a parsed event once, and counts them. */
function walkValue(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 1;
  let n = 1;
  if (Array.isArray(v)) {
    for (const x of v) n += walkValue(x);
    return n;
  }
  for (const k in v) n += walkValue((v as Record<string, unknown>)[k]);
  return n;
}

const USAGE = 'usage: npm run bench:traces -- [--events N] [--corpus DIR] [--embedded-events N] [--workers W] [--long-ops N] [--tlc-events N]';

const NAME = 'bench:traces';

/** The options, refused with the usage line when unknown or not whole numbers (a typo ran the whole bench on defaults). */
function options(): { events: number; corpus: string; embeddedEvents: number; workers: number; longOps: number; tlcEvents: number } {
  const values: Record<string, string | boolean | undefined> = scriptOptions(NAME, USAGE, {
    events: { type: 'string' }, corpus: { type: 'string' }, 'embedded-events': { type: 'string' }, workers: { type: 'string' },
    'long-ops': { type: 'string' }, 'tlc-events': { type: 'string' },
  });
  const count = (name: string, def: number, min: number): number => {
    const text = values[name];
    return wholeNumber(name, typeof text === 'string' ? text : undefined, def, min);
  };
  return {
    events: count('events', 1_000_000, 1), corpus: typeof values.corpus === 'string' ? values.corpus : join(tmpdir(), 'paxos-trace-corpus'),
    embeddedEvents: count('embedded-events', 600, 0), workers: count('workers', availableParallelism(), 1),
    longOps: count('long-ops', 2000, 1), tlcEvents: count('tlc-events', 150, 0),
  };
}
// A corpus generator (a child process, below) is told its share and the corpus folder, and nothing else.
const child = process.argv[2] === '--generate-part' ? process.argv.slice(3) : undefined;
const OPTIONS = child === undefined ? await runScript(NAME, USAGE, options) : undefined;
const TARGET = OPTIONS?.events ?? 0;
const CORPUS = OPTIONS?.corpus ?? child![3]!;
const EMBEDDED_EVENTS = OPTIONS?.embeddedEvents ?? 0;
const WORKERS = 2;
const CHECK_WORKERS = OPTIONS?.workers ?? 1;
const LONG_OPS = OPTIONS?.longOps ?? 0;
const LONG_SEED = 7;
const TLC_EVENTS = OPTIONS?.tlcEvents ?? 0;

/** Child process: write compact traces for seeds worker, worker+WORKERS, ... until its share is reached. */
function generatePart(worker: number, share: number): void {
  let events = 0;
  for (let seed = 1_000_000 + worker; events < share; seed += WORKERS) {
    const { events: n } = traceScenario(faultScenario(seed), join(CORPUS, `bench-${seed}.ndjson`), { eventLog: false }, 'bench/traces.ts', true);
    events += n;
  }
  process.send?.({ events });
}

/**
 * The corpus is made by this implementation for this spec. Keyed by the spec and every source
 * file: a trace of an older spec may fail replay, and one of an older implementation passes but
 * measures a format the checker no longer sees (the corpus of 2026-12-07 carried whole-state
 * application digests a day after traces had switched to the O(1) one).
 */
const SRC = fileURLToPath(new URL('../src', import.meta.url));
let sourceHash: string | undefined;
const sourceKey = (): string => {
  if (sourceHash !== undefined) return sourceHash;
  const h = createHash('sha256').update(readFileSync(DEFAULT_SPEC_PATH));
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') || f.endsWith('.json')).sort();
  for (const f of files) h.update(`\0${f}\0`).update(readFileSync(join(SRC, f)));
  return (sourceHash = h.digest('hex').slice(0, 16));
};

function corpusEvents(): number {
  const f = join(CORPUS, 'events.json');
  if (!existsSync(f)) return 0;
  const meta = JSON.parse(readFileSync(f, 'utf8')) as { events: number; source?: string };
  return meta.source === sourceKey() ? meta.events : 0;
}

async function ensureCorpus(): Promise<void> {
  if (corpusEvents() >= TARGET) return;
  mkdirSync(CORPUS, { recursive: true });
  // An older corpus may hold more traces than this one will: none of them may be read with it.
  for (const f of readdirSync(CORPUS)) if (/^bench-\d+\.ndjson$/.test(f)) rmSync(join(CORPUS, f));
  const t0 = performance.now();
  process.stderr.write(`bench: generating a corpus of ${TARGET} events in ${CORPUS} (${WORKERS} processes)...\n`);
  const self = fileURLToPath(import.meta.url);
  const parts = await Promise.all(Array.from({ length: WORKERS }, (_, w) => new Promise<number>((resolve, reject) => {
    const child = fork(self, ['--generate-part', String(w), String(Math.ceil(TARGET / WORKERS)), '--corpus', CORPUS], { execArgv: ['--import', 'tsx'] });
    child.on('message', (m) => resolve((m as { events: number }).events));
    child.on('exit', (code) => { if (code !== 0) reject(new Error(`corpus worker ${w} exited with ${code}`)); });
  })));
  const events = parts.reduce((a, b) => a + b, 0);
  writeFileSync(join(CORPUS, 'events.json'), JSON.stringify({ events, source: sourceKey() }));
  process.stderr.write(`bench: corpus of ${events} events generated in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}

interface Pass { events: number; secs: number; cpu: number }

/**
 * One long run (3 nodes, 3 clients, LONG_OPS requests each, faults of seed 7), written once:
 * with replica checkpoints every `every` slots, or none (0). Without checkpoints the trace grows
 * with the run by design: every Promise carries the acceptor's whole accepted log, so a leader
 * change late in the run is a megabyte event.
 */
function ensureLongTrace(every: number): string {
  const dir = join(CORPUS, 'long');
  const name = every === 0 ? `long-${LONG_OPS}` : `long-${LONG_OPS}-checkpoints-${every}`;
  const path = join(dir, `${name}.ndjson`);
  const meta = join(dir, `${name}.json`);
  if (existsSync(meta) && (JSON.parse(readFileSync(meta, 'utf8')) as { source?: string }).source === sourceKey()) return path;
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  process.stderr.write(`bench: generating one long run (${LONG_OPS} requests per client, ${every === 0 ? 'no checkpoints' : `checkpoints every ${every} slots`}) in ${path}...\n`);
  const scenario = { ...faultScenario(LONG_SEED), nodes: 3, workload: { clients: 3, ops: LONG_OPS }, ...(every > 0 ? { checkpointEvery: every } : {}) };
  const { events } = traceScenario(scenario, path, { eventLog: false }, 'bench/traces.ts', true);
  writeFileSync(meta, JSON.stringify({ events, source: sourceKey() }));
  process.stderr.write(`bench: ${events} events generated in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  return path;
}

/** Bytes of a trace file up to the end of each of its lines (index 0: the header). */
function lineEnds(path: string): number[] {
  const text = readFileSync(path);
  const ends: number[] = [];
  for (let at = text.indexOf(10); at >= 0; at = text.indexOf(10, at + 1)) ends.push(at + 1);
  if (ends.length === 0 || ends[ends.length - 1] !== text.length) ends.push(text.length);
  return ends;
}

const cpuSeconds = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1e6;
const fail = (name: string, f: string, line: number | undefined, message: string | undefined): never => {
  throw new Error(`${name}: ${f} failed at line ${line}: ${message} (a corpus from an older implementation? delete ${CORPUS})`);
};

async function main(): Promise<void> {
  await ensureCorpus();
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.ndjson')).sort().map((f) => join(CORPUS, f));
  const inputs = files.map((f) => ({ name: f, files: [f] }));
  const bytes = files.reduce((a, f) => a + statSync(f).size, 0);
  const schemas = loadTraceSchemas();
  let peakHeap = 0;
  const sampleHeap = (): void => { peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed); };

  /** Every trace in this thread (synchronous checking: sampled every 1024 events). */
  const single = (name: string, opts: CheckOptions): Pass => {
    const t = performance.now(); const c0 = process.cpuUsage();
    let events = 0;
    for (const input of inputs) {
      const v = checkTraceSync(input, { schemas, ...opts, onEvents: sampleHeap });
      if (!v.ok) fail(name, input.name, v.failure?.line, v.failure?.message);
      events += v.events;
    }
    return { events, secs: (performance.now() - t) / 1000, cpu: cpuSeconds(process.cpuUsage(c0)) };
  };
  /** Every trace through the worker pool (CPU time of the whole process: every thread). */
  const parallel = async (name: string, opts: { schemaOnly?: boolean }): Promise<Pass> => {
    const t = performance.now(); const c0 = process.cpuUsage();
    const verdicts = await checkTraces(inputs, opts, { workers: CHECK_WORKERS });
    let events = 0;
    for (const v of verdicts) {
      if (!v.ok) fail(name, v.name, v.failure?.line, v.failure?.message);
      events += v.events;
    }
    return { events, secs: (performance.now() - t) / 1000, cpu: cpuSeconds(process.cpuUsage(c0)) };
  };

  /**
   * The floor under any checker of one file: reading its lines (and parsing them; and walking
   * each parsed value, `walk`); its events.
   */
  const readFile = (f: string, parse: boolean, walk = false): number => {
    let events = 0;
    const r = new LineReader(f);
    for (let l = r.next(); l !== null; l = r.next()) {
      if (walk) walked += walkValue(JSON.parse(l.text));
      else if (parse) JSON.parse(l.text);
      if (l.line > 1) events++;
    }
    return events;
  };
  /** The floor under any checker of these files: reading lines, then reading and parsing them. */
  const reading = (parse: boolean, walk = false): Pass => {
    const t = performance.now(); const c = process.cpuUsage();
    let events = 0;
    for (const f of files) events += readFile(f, parse, walk);
    return { events, secs: (performance.now() - t) / 1000, cpu: cpuSeconds(process.cpuUsage(c)) };
  };
  /**
   * The floor and the checker trace by trace, each trace read and parsed, then checked (or the
   * other way round, every other trace): both see the machine as it is during that trace, so a
   * neighbour slowing the cores for a while, which moves a whole pass by up to 1.4x, moves both.
   */
  const paired = (): { floor: Pass; check: Pass } => {
    const floor: Pass = { events: 0, secs: 0, cpu: 0 }; const check: Pass = { events: 0, secs: 0, cpu: 0 };
    const timed = (into: Pass, run: () => number): void => {
      const t = performance.now(); const c = process.cpuUsage();
      into.events += run();
      into.secs += (performance.now() - t) / 1000; into.cpu += cpuSeconds(process.cpuUsage(c));
    };
    inputs.forEach((input, i) => {
      const parse = (): number => readFile(input.name, true);
      const replay = (): number => {
        const v = checkTraceSync(input, { schemas });
        if (!v.ok) fail('paired', input.name, v.failure?.line, v.failure?.message);
        return v.events;
      };
      if (i % 2 === 0) { timed(floor, parse); timed(check, replay); } else { timed(check, replay); timed(floor, parse); }
    });
    return { floor, check };
  };
  const readCold = reading(false);
  const parseCold = reading(true);
  const schema = single('schema', { schemaOnly: true });
  const fast = single('fast', {});
  // The replay's cost split between the spec and the client-level checks (the application
  // replayed and digested): a pass without the client checks, then the full replay again.
  // Both run after the first replay pass, JIT-compiled: that pass's warm-up, counted in the
  // headline, would otherwise be charged to whichever of the two came first.
  const specOnly = single('fast, no client checks', { noClient: true });
  const fastWarm = single('fast, second pass', {});
  // Schema validation again, warm: the first pass also paid for compiling ajv's large
  // generated functions (on this process's compiler threads), which is not validation.
  const schemaWarm = single('schema, second pass', { schemaOnly: true });
  // The floor again, after the checker's passes: a single pass of it moved by up to 1.4x from
  // run to run (JSON.parse's garbage meets whatever heap the process has). Each ratio is taken
  // against the faster of the two passes, so a slow floor cannot flatter the checker.
  const readWarm = reading(false);
  const parseWarm = reading(true);
  // What any replay must do at least: read every value of each event once, to compare it with
  // the spec's step (a field no check reads could be anything). Parsed and walked, warm.
  const walkPass = reading(true, true);
  const pairs = paired();
  const faster = (a: Pass, b: Pass): Pass => (a.cpu / a.events <= b.cpu / b.events ? a : b);
  const readOnly = faster(readCold, readWarm);
  const parseOnly = faster(parseCold, parseWarm);
  const rssSingle = process.resourceUsage().maxRSS * 1024;
  const schemaPar = await parallel('schema, workers', { schemaOnly: true });
  const fastPar = await parallel('fast, workers', {});
  const rssAll = process.resourceUsage().maxRSS * 1024;

  // The embedded spec costs tens of ms per event: a prefix of a few traces, extrapolated. The
  // fast oracle runs beside it: a Welcome whose history is named by length is resolved from the
  // fast replay of its sender, so the embedded spec alone rejects such a trace (the corpus has
  // them since Welcomes are named by length). The fast replay of the rest of each trace, tens
  // of microseconds an event, is charged to the embedded rate: well under 1% of it.
  let embEvents = 0; const tEmb = performance.now(); const cEmb = process.cpuUsage();
  for (const f of files) {
    if (embEvents >= EMBEDDED_EVENTS) break;
    const v = await checkTrace({ name: f, files: [f] }, { schemas, fast: true, embedded: true, embeddedMaxEvents: Math.min(200, EMBEDDED_EVENTS - embEvents) });
    if (!v.ok && v.failure) fail('embedded', f, v.failure.line, v.failure.message);
    embEvents += v.embeddedEvents;
  }
  const embSecs = (performance.now() - tEmb) / 1000;
  const embCpu = cpuSeconds(process.cpuUsage(cEmb));

  // One long trace, with and without checkpoints: the rate over its first and last quarter
  // (sampled every 1024 events), in events and in bytes.
  const longRun = (every: number): string => {
    const longPath = ensureLongTrace(every);
    const ends = lineEnds(longPath);
    const tLong = performance.now();
    // The start is a mark too, so a short run's first quarter has two marks to measure between.
    const marks: Array<[number, number]> = [[0, tLong]];
    let longSeen = 0;
    const verdict = checkTraceSync({ name: longPath, files: [longPath] }, { schemas, onEvents: (k) => { longSeen += k; marks.push([longSeen, performance.now()]); } });
    const secs = (performance.now() - tLong) / 1000;
    if (!verdict.ok) fail('long', longPath, verdict.failure?.line, verdict.failure?.message);
    const ev = verdict.events;
    // Events and bytes per second between the first and last marks inside [from, to]; event k ends at ends[k].
    const quarter = (from: number, to: number): { events: number; bytes: number } => {
      const inside = marks.filter(([n]) => n >= from && n <= to);
      if (inside.length < 2) return { events: NaN, bytes: NaN };
      const [n0, t0] = inside[0]!; const [n1, t1] = inside[inside.length - 1]!;
      const s = (t1 - t0) / 1000;
      return { events: (n1 - n0) / s, bytes: (ends[Math.min(n1, ends.length - 1)]! - ends[Math.min(n0, ends.length - 1)]!) / s };
    };
    const first = quarter(0, ev / 4); const last = quarter(ev * 3 / 4, ev);
    // Progress comes every 1,024 events: a quarter with fewer than two marks has no rate.
    const quarterRate = (q: { events: number; bytes: number }): string => (Number.isNaN(q.events)
      ? 'too short to measure (--long-ops more)'
      : `${Math.round(q.events).toLocaleString('en-US')} events/s (${(q.bytes / 1e6).toFixed(1)} MB/s)`);
    // Last quarter over first: about 1 when an event costs what it changes, falling when a cost grows with the history.
    const over = (f: number, l: number): string => (Number.isNaN(f) || Number.isNaN(l) ? '?' : (l / f).toFixed(2));
    const mean = (from: number, to: number): string => `${Math.round((ends[Math.min(to, ends.length - 1)]! - ends[Math.min(from, ends.length - 1)]!) / Math.max(1, to - from)).toLocaleString('en-US')}`;
    return `one long run ${every === 0 ? 'without checkpoints' : `with checkpoints every ${every.toLocaleString('en-US')} slots`}, ${ev.toLocaleString('en-US')} events, schema + fast replay, 1 thread: `
      + `${rate(ev, secs)}; first quarter ${quarterRate(first)}, last quarter ${quarterRate(last)} (last / first ${over(first.events, last.events)} in events, ${over(first.bytes, last.bytes)} in bytes; `
      + `bytes per event ${mean(0, Math.floor(ev / 4))} and ${mean(Math.floor(ev * 3 / 4), ev)})`;
  };
  // TLC: a JVM and a model check per trace; whole traces until TLC_EVENTS events.
  let tlcLine = 'TLC trace validation: not run (TLA2TOOLS_JAR is not set; npm run tlc:install downloads tla2tools.jar)';
  if (tlcJar() !== null && TLC_EVENTS > 0) {
    let tlcEvents = 0; let tlcTraces = 0;
    const tTlc = performance.now();
    for (const f of files) {
      if (tlcEvents >= TLC_EVENTS) break;
      const r = await runTlc([f]);
      if (!r.ok) fail('TLC', f, r.rejected?.line, r.message);
      tlcEvents += Number(/all (\d+) events/.exec(r.message)?.[1] ?? 0);
      tlcTraces++;
    }
    const tlcSecs = (performance.now() - tTlc) / 1000;
    tlcLine = `TLC trace validation (tla2tools.jar, one JVM per trace), ${tlcTraces} traces, ${tlcEvents} events: ${(tlcEvents / tlcSecs).toFixed(1)} events/s wall (${tlcSecs.toFixed(0)} s); 1M events would take ~${(1e6 / (tlcEvents / tlcSecs) / 86400).toFixed(1)} days`;
  }

  const rate = (n: number, s: number): string => `${Math.round(n / s).toLocaleString('en-US')} events/s`;
  // Wall time suffers when other processes share the cores; CPU time is this process's own.
  const both = (p: Pass): string => `${rate(p.events, p.secs)} wall, ${rate(p.events, p.cpu)} per CPU-second  (${p.secs.toFixed(1)} s wall, ${p.cpu.toFixed(1)} s CPU)`;
  const ratio = (p: Pass, floor: Pass): string =>
    `${((p.events / p.secs) / (floor.events / floor.secs)).toFixed(2)} wall, ${((p.events / p.cpu) / (floor.events / floor.cpu)).toFixed(2)} per CPU-second`;
  // Microseconds of CPU per event of a pass, or of what it adds to a cheaper one.
  const perEvent = (p: Pass, under?: Pass): string =>
    `${(((p.cpu / p.events) - (under === undefined ? 0 : under.cpu / under.events)) * 1e6).toFixed(1)} µs`;
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
  // What the goal (half the floor's rate: as much CPU again as read + parse) leaves for replay
  // and client checks once ajv, kept on every event, has taken its share.
  const us = (p: Pass): number => (p.cpu / p.events) * 1e6;
  const floorUs = us(parseOnly); const ajvUs = us(schemaWarm) - floorUs; const checksUs = us(fastWarm) - us(schemaWarm);
  const budgetUs = floorUs - ajvUs;
  const walkUs = Math.max(us(walkPass) - floorUs, 0);
  const budget = `  the goal's budget: at a ratio of 0.50 all but read + parse may take ${floorUs.toFixed(1)} µs per event; after ajv's ${ajvUs.toFixed(1)} µs, `
    + `${budgetUs.toFixed(1)} µs for spec replay and client checks, which take ${checksUs.toFixed(1)} µs (${(checksUs / budgetUs).toFixed(1)}x); `
    + `with both costing nothing the ratio would be ${(floorUs / (floorUs + ajvUs)).toFixed(2)}, `
    + `and with both costing no more than reading every value of each event once (a walk of the parsed event: ${Math.round(walked / walkPass.events)} values, ${walkUs.toFixed(1)} µs) ${(floorUs / (floorUs + ajvUs + walkUs)).toFixed(2)}`;
  const lines = [
    `corpus: ${files.length} traces, ${fast.events.toLocaleString('en-US')} events, ${(bytes / 1e6).toFixed(0)} MB (compact events; ${CORPUS})`,
    `read lines alone (no parsing), 1 thread:                ${both(readOnly)}`,
    `read + JSON.parse alone (no schema, no replay), 1 thread: ${both(parseOnly)}`,
    `  (the faster of two passes, before and after the checker's; per CPU-second: read ${rate(readCold.events, readCold.cpu)} and ${rate(readWarm.events, readWarm.cpu)}, read + parse ${rate(parseCold.events, parseCold.cpu)} and ${rate(parseWarm.events, parseWarm.cpu)})`,
    `schema validation alone (read + parse + ajv), 1 thread:  ${both(schema)}`,
    `schema + fast TypeScript replay, 1 thread:              ${both(fast)}`,
    `  ratio to read + JSON.parse (fast path / parse floor; goal >= 0.50): ${ratio(fast, parseOnly)}`,
    `  replay alone (difference of the two):                 ${rate(fast.events, Math.max(fast.secs - schema.secs, 1e-3))} wall, ${rate(fast.events, Math.max(fast.cpu - schema.cpu, 1e-3))} per CPU-second`,
    `  second pass (JIT warm):                              ${both(fastWarm)}; ratio ${ratio(fastWarm, parseOnly)}`,
    `  second pass without the client-level checks:         ${both(specOnly)}; ratio ${ratio(specOnly, parseOnly)}`,
    `  paired, trace by trace (warm; each trace parsed and checked, in turns first): ratio ${ratio(pairs.check, pairs.floor)} (floor ${rate(pairs.floor.events, pairs.floor.cpu)}, checker ${rate(pairs.check.events, pairs.check.cpu)} per CPU-second)`,
    `  schema validation alone, second pass (JIT warm):     ${both(schemaWarm)}`,
    `  CPU per event: ${perEvent(readOnly)} read, ${perEvent(parseOnly, readOnly)} JSON.parse, ${perEvent(schemaWarm, parseOnly)} ajv, ${perEvent(specOnly, schemaWarm)} spec replay, ${perEvent(fastWarm, specOnly)} client checks (differences of warm passes; ajv's first pass: ${perEvent(schema, parseOnly)})`,
    budget,
    `schema validation alone, ${CHECK_WORKERS} worker threads:           ${both(schemaPar)}`,
    `schema + fast TypeScript replay, ${CHECK_WORKERS} worker threads:   ${both(fastPar)}`,
    embEvents === 0
      ? 'embedded spec (tla-checker): not run (--embedded-events 0)'
      : `embedded spec (tla-checker), ${embEvents} events: ${both({ events: embEvents, secs: embSecs, cpu: embCpu })}; 1M events would take ~${(1e6 / (embEvents / embCpu) / 3600).toFixed(1)} CPU-hours`,
    tlcLine,
    longRun(0),
    longRun(DEFAULT_CHECKPOINT_EVERY),
    `peak memory: RSS ${mib(rssSingle)} checking in one thread (heap ${mib(peakHeap)}; one trace's spec state at a time: streaming), ${mib(rssAll)} with ${CHECK_WORKERS} workers`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

if (child !== undefined) generatePart(Number(child[0]), Number(child[1]));
else await main();
