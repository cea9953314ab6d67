/** The check-traces command line (scripts/check-traces.ts), as a function tests can call. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type TraceVerdict, formatVerdict, type TraceInput } from './check.js';
import { CheckerError, checkTraces, defaultWorkers } from './pool.js';
import { loadTraceSchemas } from '../format/schemas.js';
import { runTlc, tlcJar } from './tlc.js';

const USAGE = 'usage: check-traces [--embedded] [--embedded-max K] [--tlc] [--schema-only] [--whole-history] [--quiet] [--jobs J] <trace files or folders>\n' +
  '  --jobs J: check J traces at a time in worker threads (default: the number of cores; 1: in this thread)\n' +
  '  --whole-history: keep every request each history executed (without it the replay forgets what no later step reads)';
const TRACE_EXTENSIONS = ['.ndjson', '.jsonl'];

/** Files under the given paths; part files `<run>.node<k>.ndjson` of one run become one input. */
export function collectInputs(paths: readonly string[]): TraceInput[] {
  const files: string[] = [];
  const walk = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) for (const name of readdirSync(p).sort()) walk(join(p, name));
    // Whatever the case of the extension: a folder's `RUN.NDJSON` was skipped without a word.
    else if (TRACE_EXTENSIONS.some((e) => p.toLowerCase().endsWith(e))) files.push(p);
  };
  for (const p of paths) {
    try {
      if (statSync(p).isFile()) files.push(p); else walk(p);
    } catch {
      throw new UsageError(`no such file or folder: ${p}`);
    }
  }
  const groups = new Map<string, string[]>();
  const inputs: TraceInput[] = [];
  for (const f of files) {
    const m = /^(.*)\.node\d+\.(ndjson|jsonl)$/i.exec(f);
    if (m) {
      const g = groups.get(m[1]!) ?? [];
      if (g.length === 0) { groups.set(m[1]!, g); inputs.push({ name: m[1]!, files: g }); }
      g.push(f);
    } else inputs.push({ name: f, files: [f] });
  }
  return inputs;
}

class UsageError extends Error {}

export async function runCheckTracesCli(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n'),
  err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  let embedded = false; let tlc = false; let schemaOnly = false; let quiet = false; let wholeHistory = false;
  let embeddedMaxEvents: number | undefined;
  let jobs = defaultWorkers();
  const paths: string[] = [];
  try {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === '--embedded') embedded = true;
      else if (a === '--tlc') tlc = true;
      else if (a === '--schema-only') schemaOnly = true;
      else if (a === '--quiet') quiet = true;
      else if (a === '--whole-history') wholeHistory = true;
      else if (a === '--embedded-max') {
        const k = Number(argv[++i]);
        if (!Number.isSafeInteger(k) || k < 0) throw new UsageError('--embedded-max needs a whole number');
        embeddedMaxEvents = k; embedded = true;
      } else if (a === '--jobs') {
        const j = Number(argv[++i]);
        if (!Number.isSafeInteger(j) || j < 1) throw new UsageError('--jobs needs a whole number of at least 1');
        jobs = j;
      } else if (a === '--help' || a === '-h') { out(USAGE); return 0; }
      else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
      else paths.push(a);
    }
    if (paths.length === 0) throw new UsageError('no trace given');
    const inputs = collectInputs(paths);
    if (inputs.length === 0) throw new UsageError(`no ${TRACE_EXTENSIONS.join(' or ')} files under ${paths.join(', ')}`);
    // Workers load their own; this thread needs them only when it checks itself.
    try {
      if (jobs <= 1 || inputs.length === 1) loadTraceSchemas();
    } catch (e) {
      err(`check-traces: cannot load the trace schemas: ${(e as Error).message}\n`);
      return 2;
    }
    if (tlc && !tlcJar()) err('check-traces: --tlc: TLA2TOOLS_JAR is not set to a readable tla2tools.jar; TLC replay skipped\n');
    const started = performance.now();
    let events = 0; let done = 0; let failed = 0; let lastReport = started;
    const progress = (n: number): void => {
      events += n;
      const now = performance.now();
      if (now - lastReport > 1000) {
        lastReport = now;
        err(`check-traces: ${done}/${inputs.length} traces, ${events} events, ${Math.round(events / ((now - started) / 1000))} events/s\n`);
      }
    };
    const passed: TraceInput[] = [];
    const onVerdict = (v: TraceVerdict, input: TraceInput): void => {
      done++;
      if (!v.ok) failed++;
      else passed.push(input);
      if (!v.ok || !quiet) out(formatVerdict(v));
      if (!v.ok) out(`  picture: npm run view-trace -- ${v.name}  (draws the run with the rejected event highlighted)`);
    };
    try {
      await checkTraces(inputs, { embedded, ...(embeddedMaxEvents !== undefined ? { embeddedMaxEvents } : {}), schemaOnly, ...(wholeHistory ? { historyWindow: false } : {}) },
        { workers: jobs, onVerdict, onEvents: progress });
    } catch (e) {
      // Not a verdict on a trace: the checker itself could not run (e.g. the spec is unreadable).
      if (!(e instanceof CheckerError)) throw e;
      err(`check-traces: ${e.message}\n`);
      return 2;
    }
    // TLC runs after the in-process checks, on the traces that passed them, in input order.
    if (tlc && tlcJar()) {
      for (const input of passed) {
        const r = await runTlc(input.files);
        if (!r.ok) failed++;
        out(`${r.ok ? 'PASS' : 'FAIL'} ${input.name} (TLC: ${r.message})`);
      }
    }
    const secs = (performance.now() - started) / 1000;
    err(`check-traces: ${done} traces, ${events} events in ${secs.toFixed(1)} s (${Math.round(events / Math.max(secs, 1e-3))} events/s), ${failed} failed\n`);
    return failed > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`check-traces: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}

