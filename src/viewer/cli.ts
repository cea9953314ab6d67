/** The view-trace command line (scripts/view-trace.ts), as a function tests can call. */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { collectInputs } from '../trace/replay/cli.js';
import { matchArrows } from './arrows.js';
import { renderHtml } from './html.js';
import { buildPage } from './pageData.js';
import { readItf } from './readItf.js';
import { MAX_EVENTS, readTrace } from './readTrace.js';
import { checkForRejection, highlightFromFailure, highlightFromLine } from './rejection.js';
import { type ViewRun, ViewerInputError } from './types.js';

export const USAGE = `usage: npm run view-trace -- <input> [options]

  <input>  a trace (.ndjson/.jsonl), a folder holding one run's per-node part files, a run's
           name (<run> for <run>.node<k>.ndjson), several part files, or a check-spec
           counterexample (.itf.json)

  --out FILE           where to write the page (default: out/viewer/<name>.html)
  --reject-line N      point at line N of the trace (FILE:N for a part file) instead of running
                       the checker to find the rejected event
  --difference TEXT    the explanation shown with --reject-line (e.g. the checker's difference)
  --no-check           do not run the trace checker (no rejected event is highlighted)
  --max-events K       draw at most K events (default ${MAX_EVENTS.toLocaleString('en')})
  -h, --help           this text

Writes one self-contained HTML page (no network needed to open it) and prints its path.`;

export interface ViewTraceIo { out: (s: string) => void; err: (s: string) => void; cwd: string }

const defaultIo = (): ViewTraceIo => ({ out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n'), cwd: process.cwd() });

class UsageError extends Error {}

interface Options { inputs: string[]; out?: string; rejectLine?: string; difference?: string; check: boolean; maxEvents: number }

function parseArgs(argv: readonly string[]): Options | 'help' {
  const o: Options = { inputs: [], check: true, maxEvents: MAX_EVENTS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--help' || a === '-h') return 'help';
    else if (a === '--out') o.out = value();
    else if (a === '--reject-line') o.rejectLine = value();
    else if (a === '--difference') o.difference = value();
    else if (a === '--no-check') o.check = false;
    else if (a === '--max-events') {
      const k = Number(value());
      if (!Number.isSafeInteger(k) || k < 1) throw new UsageError('--max-events needs a whole number of at least 1');
      o.maxEvents = k;
    } else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else o.inputs.push(a);
  }
  if (o.inputs.length === 0) throw new UsageError('no input given');
  if (o.difference !== undefined && o.rejectLine === undefined) throw new UsageError('--difference goes with --reject-line');
  return o;
}

type Input = { kind: 'itf'; file: string } | { kind: 'trace'; name: string; files: string[] };

const isItfName = (p: string): boolean => p.endsWith('.json') && !p.endsWith('.ndjson');

/** What the arguments name: one counterexample, or one trace (a file, or the part files of one run). */
export function resolveInput(paths: readonly string[]): Input {
  if (paths.length === 1) {
    const p = paths[0]!;
    if (!existsSync(p)) {
      // A run's name, as check-traces prints it for part files: <run> for <run>.node<k>.ndjson.
      const dir = dirname(p); const base = basename(p);
      const parts = existsSync(dir) && statSync(dir).isDirectory()
        ? readdirSync(dir).filter((f) => f.startsWith(base + '.node') && /\.node\d+\.(ndjson|jsonl)$/.test(f)).sort().map((f) => join(dir, f))
        : [];
      if (parts.length === 0) throw new ViewerInputError(`no such file or folder: ${p}`);
      return { kind: 'trace', name: p, files: parts };
    }
    if (statSync(p).isDirectory()) {
      const inputs = collectInputs([p]);
      if (inputs.length === 0) throw new ViewerInputError(`no .ndjson or .jsonl trace under ${p}`);
      if (inputs.length > 1) {
        throw new ViewerInputError(`${p} holds ${inputs.length} traces; name one of them:\n${inputs.slice(0, 20).map((x) => '  ' + x.name).join('\n')}`);
      }
      return { kind: 'trace', name: inputs[0]!.name, files: inputs[0]!.files };
    }
    return isItfName(p) ? { kind: 'itf', file: p } : { kind: 'trace', name: p, files: [p] };
  }
  for (const p of paths) {
    if (!existsSync(p) || !statSync(p).isFile()) throw new ViewerInputError(`no such file: ${p} (several inputs must be the part files of one run)`);
  }
  const inputs = collectInputs([...paths]);
  if (inputs.length !== 1) throw new ViewerInputError(`several inputs must be the part files of one run (<run>.node<k>.ndjson); these are ${inputs.length} traces`);
  return { kind: 'trace', name: inputs[0]!.name, files: inputs[0]!.files };
}

/** A counterexample is one JSON document; 256 MiB is far beyond what a model checker writes. */
const MAX_ITF_BYTES = 256 * 1024 * 1024;

function readItfFile(file: string): ViewRun {
  if (statSync(file).size > MAX_ITF_BYTES) throw new ViewerInputError(`${file}: larger than ${MAX_ITF_BYTES} bytes; not a counterexample this viewer can hold`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ViewerInputError(`${file}: not JSON: ${(e as Error).message}`);
  }
  return readItf(doc, file);
}

export function defaultOutPath(name: string, cwd: string): string {
  const stem = basename(name).replace(/\.(itf\.json|json|ndjson|jsonl)$/, '') || 'trace';
  return join(cwd, 'out', 'viewer', `${stem}.html`);
}

export async function runViewTraceCli(argv: readonly string[], io: ViewTraceIo = defaultIo()): Promise<number> {
  let opts: Options | 'help';
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`view-trace: ${e.message}\n${USAGE}`);
    return 2;
  }
  if (opts === 'help') { io.out(USAGE); return 0; }
  try {
    const started = performance.now();
    // Paths stay as given (the page and the checker name files by them) unless relative to another folder.
    const input = resolveInput(opts.inputs.map((p) => (io.cwd === process.cwd() ? p : resolve(io.cwd, p))));
    let run: ViewRun;
    if (input.kind === 'itf') {
      if (opts.rejectLine !== undefined) throw new ViewerInputError('--reject-line is for traces; a counterexample highlights its last state');
      run = readItfFile(input.file);
    } else {
      run = readTrace(input.name, input.files, opts.maxEvents);
      if (opts.rejectLine !== undefined) {
        try {
          run.highlight = highlightFromLine(run, opts.rejectLine, opts.difference);
        } catch (e) {
          if (!(e instanceof RangeError)) throw e;
          io.err(`view-trace: ${e.message}`);
          return 2;
        }
      } else if (opts.check) {
        const verdict = checkForRejection(input.name, input.files);
        if (verdict.ok === false) run.highlight = highlightFromFailure(run, verdict.failure);
        else if (verdict.ok === null) run.notes.push(`the trace checker could not run: ${verdict.error}`);
      }
    }
    const match = matchArrows(run.events);
    const page = buildPage(run, match);
    const html = renderHtml(page);
    const out = opts.out !== undefined ? resolve(io.cwd, opts.out) : defaultOutPath(input.kind === 'itf' ? input.file : input.name, io.cwd);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, html);
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    io.out(`view-trace: wrote ${out} (${run.events.length} ${run.kind === 'counterexample' ? 'steps' : 'events'}, ${match.arrows.length} arrows, ${Buffer.byteLength(html)} bytes, ${secs} s)`);
    if (run.highlight !== undefined) io.out(`  highlighted: ${run.highlight.title}`);
    if (run.notes.length > 0) io.out(`  ${run.notes.length} problem(s) reading it, listed on the page`);
    io.out(`  open ${pathToFileURL(out).href}`);
    return 0;
  } catch (e) {
    if (e instanceof ViewerInputError) { io.err(`view-trace: ${e.message}`); return 2; }
    throw e;
  }
}

