/**
 * Streaming reader of TLC's output. In `-tool` mode every message is framed by
 * `@!@!@STARTMSG code:severity @!@!@` ... `@!@!@ENDMSG code @!@!@`; without `-tool` the same
 * messages come unframed and are recognised by their wording. Either way the reader turns
 * them into messages, reports progress as it goes, and folds them into one result.
 */
import { parseStateText } from './tlaValue.js';
import type { Counterexample, CounterexampleState, SourceLocation, Verdict } from './types.js';

export interface TlcMessage {
  code: number;
  /** 0 info, 1 error, 2 TLC bug, 3 warning, 4 state printout (TLC's own numbering). */
  severity: number;
  body: string;
}

export interface TlcProgress {
  depth: number;
  statesGenerated: number;
  distinctStates: number;
  queue: number;
}

/** What TLC's output says, before it is tied to a model and engine. */
export interface TlcOutcome {
  verdict: Verdict;
  violated?: string;
  distinctStates?: number;
  statesGenerated?: number;
  depth?: number;
  /** TLC's own "Finished in" time, when it printed one in milliseconds. */
  reportedMs?: number;
  version?: string;
  counterexample?: Counterexample;
  message?: string;
  location?: SourceLocation;
  coverage?: Record<string, number>;
  /** Files SANY parsed ("Parsing file ..."), to turn a module name into a path. */
  parsedFiles: string[];
}

/** Codes used below (TLC's EC/MP numbering). */
const MSG = {
  version: 2262,
  invariantViolated: 2110,
  invariantViolatedInitial: 2107,
  deadlock: 2114,
  temporalViolated: 2116,
  actionPropertyViolated: 2112,
  state: 2217,
  lassoEnd: 2218,
  backToState: 2122,
  success: 2193,
  progress: 2200,
  finalCounts: 2199,
  depth: 2194,
  finished: 2186,
  parseFailed: 3002,
  coverageValue: 2221,
  coverageInit: 2772,
  coverageNext: 2773,
} as const;

const START = /^@!@!@STARTMSG (\d+):(\d+) @!@!@$/;
const END = /^@!@!@ENDMSG (\d+) @!@!@$/;

function num(s: string): number {
  return Number(s.replace(/,/g, ''));
}

/** Parses "N states generated, M distinct states found, Q states left on queue." */
export function parseCounts(text: string): { statesGenerated: number; distinctStates: number; queue: number } | undefined {
  const m = /([\d,]+) states generated.*?([\d,]+) distinct states found.*?([\d,]+) states left on queue/s.exec(text);
  if (!m) return undefined;
  return { statesGenerated: num(m[1]!), distinctStates: num(m[2]!), queue: num(m[3]!) };
}

export function parseProgress(text: string): TlcProgress | undefined {
  const d = /Progress\((\d+)\)/.exec(text);
  const c = parseCounts(text);
  if (!d || !c) return undefined;
  return { depth: num(d[1]!), ...c };
}

/** Recognises unframed (non `-tool`) output lines as the message TLC would have framed. */
function classifyPlainLine(line: string): number | undefined {
  if (/^TLC2 Version /.test(line)) return MSG.version;
  if (/^(Error: )?Invariant \S+ is violated( by the initial state)?\.?$/.test(line)) return MSG.invariantViolated;
  if (/^(Error: )?Deadlock reached\.?$/.test(line)) return MSG.deadlock;
  if (/^(Error: )?Temporal properties? \S+ (was|were|is) violated/.test(line)) return MSG.temporalViolated;
  if (/^(Error: )?Action property \S+ (of the next-state relation )?is violated/.test(line)) return MSG.actionPropertyViolated;
  if (/^Model checking completed\. No error has been found\./.test(line)) return MSG.success;
  if (/^Progress\(\d+\)/.test(line)) return MSG.progress;
  if (/^[\d,]+ states generated, /.test(line)) return MSG.finalCounts;
  if (/^The depth of the complete state graph search is \d+/.test(line)) return MSG.depth;
  if (/^Finished in /.test(line)) return MSG.finished;
  if (/^(State )?\d+: (Stuttering|Back to state)/.test(line)) return MSG.lassoEnd;
  if (/^Parsing or semantic analysis failed/.test(line)) return MSG.parseFailed;
  return undefined;
}

export interface TlcOutputHandlers {
  onMessage?: (m: TlcMessage) => void;
  onProgress?: (p: TlcProgress) => void;
}

/** Feed TLC's stdout in chunks with push(); finish() returns the outcome. */
export class TlcOutputReader {
  private partial = '';
  private frame: { code: number; severity: number; lines: string[] } | undefined;
  private plainState: string[] | undefined;
  private readonly messages: TlcMessage[] = [];
  /** Lines outside any frame (SANY's error report, "Parsing file" lines, TLC's own asides). */
  private readonly loose: string[] = [];

  constructor(private readonly handlers: TlcOutputHandlers = {}) {}

  push(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split(/\r?\n/);
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  finish(exitCode?: number): TlcOutcome {
    if (this.partial !== '') {
      this.line(this.partial);
      this.partial = '';
    }
    this.flushPlainState();
    if (this.frame) {
      // TLC was cut off mid-message: keep what arrived.
      this.emit({ code: this.frame.code, severity: this.frame.severity, body: this.frame.lines.join('\n') });
      this.frame = undefined;
    }
    return interpret(this.messages, this.loose, exitCode);
  }

  allMessages(): readonly TlcMessage[] {
    return this.messages;
  }

  private emit(m: TlcMessage): void {
    this.messages.push(m);
    this.handlers.onMessage?.(m);
    if (m.code === MSG.progress) {
      const p = parseProgress(m.body);
      if (p) this.handlers.onProgress?.(p);
    }
  }

  private flushPlainState(): void {
    if (this.plainState) {
      this.emit({ code: MSG.state, severity: 4, body: this.plainState.join('\n') });
      this.plainState = undefined;
    }
  }

  private line(line: string): void {
    if (this.frame) {
      const end = END.exec(line);
      if (end) {
        this.emit({ code: this.frame.code, severity: this.frame.severity, body: this.frame.lines.join('\n').replace(/\n+$/, '') });
        this.frame = undefined;
      } else {
        this.frame.lines.push(line);
      }
      return;
    }
    const start = START.exec(line);
    if (start) {
      this.flushPlainState();
      this.frame = { code: Number(start[1]), severity: Number(start[2]), lines: [] };
      return;
    }
    // Unframed output: either a plain-mode run, or asides TLC prints even in -tool mode.
    if (this.plainState) {
      if (line.trim() === '') { this.flushPlainState(); return; }
      this.plainState.push(line);
      return;
    }
    const stateHead = /^State (\d+): (.*)$/.exec(line);
    if (stateHead && !/^State \d+: (Stuttering|Back to state)/.test(line)) {
      this.plainState = [`${stateHead[1]}: ${stateHead[2]}`];
      return;
    }
    const code = classifyPlainLine(line);
    if (code !== undefined) {
      const body = line.replace(/^Error: /, '').replace(/^State (\d+:)/, '$1');
      this.emit({ code, severity: code === MSG.success || code === MSG.progress || code === MSG.finalCounts ? 0 : 1, body });
      return;
    }
    this.loose.push(line);
  }
}

/** Parses the head of a 2217 state: `2: <Write(p1,1,v1) line 16, col 3 ... of module Slots>`. */
function parseState(body: string): { index: number; state: CounterexampleState } | undefined {
  const nl = body.indexOf('\n');
  const head = nl < 0 ? body : body.slice(0, nl);
  const rest = nl < 0 ? '' : body.slice(nl + 1);
  const m = /^(\d+): <(.*)>\s*$/.exec(head.trim());
  if (!m) return undefined;
  const label = m[2]!;
  const state: CounterexampleState = { vars: parseStateText(rest) };
  if (!/^Initial predicate/.test(label)) {
    const name = /^([A-Za-z_][A-Za-z0-9_!]*)/.exec(label);
    if (name && name[1] !== 'Action' && name[1] !== 'line') state.action = name[1]!;
  }
  return { index: Number(m[1]), state };
}

/** Pulls `line L, col C ... of module M` or `at line L, column C` out of SANY's report. */
function findLocation(text: string, parsedFiles: string[]): SourceLocation | undefined {
  const sem = /line (\d+), col (\d+) to line \d+, col \d+ of module (\w+)/.exec(text);
  const syn = /at line (\d+), column (\d+)/.exec(text);
  let loc: SourceLocation | undefined;
  if (sem) loc = { line: Number(sem[1]), column: Number(sem[2]), module: sem[3]! };
  else if (syn) loc = { line: Number(syn[1]), column: Number(syn[2]) };
  if (!loc) return undefined;
  const modName = loc.module ?? /(?:module|Module) (\w+)/.exec(text)?.[1];
  if (modName) {
    loc.module = modName;
    const file = parsedFiles.find((f) => f.endsWith(`/${modName}.tla`) || f === `${modName}.tla`);
    if (file) loc.file = file;
  }
  return loc;
}

/** Folds TLC's messages into one outcome; `exitCode` settles what the messages leave open. */
export function interpret(messages: readonly TlcMessage[], loose: readonly string[], exitCode?: number): TlcOutcome {
  const parsedFiles = loose.map((l) => /^Parsing file (\S+)/.exec(l)?.[1]).filter((f): f is string => f !== undefined);
  const out: TlcOutcome = { verdict: 'error', parsedFiles };
  let success = false;
  let violation: Verdict | undefined;
  const states: CounterexampleState[] = [];
  let loopTo: number | undefined;
  const errors: string[] = [];
  const coverage: Record<string, number> = {};
  for (const m of messages) {
    switch (m.code) {
      case MSG.version: out.version = m.body.trim(); break;
      case MSG.success: success = true; break;
      case MSG.invariantViolated:
      case MSG.invariantViolatedInitial: {
        violation ??= 'invariant';
        out.violated ??= /Invariant (\S+) is violated/.exec(m.body)?.[1];
        break;
      }
      case MSG.temporalViolated:
      case MSG.actionPropertyViolated: {
        violation ??= 'property';
        out.violated ??= /propert(?:y|ies) (\S+) /.exec(m.body)?.[1];
        break;
      }
      case MSG.deadlock: violation ??= 'deadlock'; break;
      case MSG.state: {
        const s = parseState(m.body);
        if (s) states.push(s.state);
        break;
      }
      case MSG.lassoEnd:
      case MSG.backToState: {
        const back = /Back to state (\d+)/.exec(m.body);
        loopTo = back ? Number(back[1]) - 1 : states.length - 1;
        break;
      }
      case MSG.finalCounts: {
        const c = parseCounts(m.body);
        if (c) { out.statesGenerated = c.statesGenerated; out.distinctStates = c.distinctStates; }
        break;
      }
      case MSG.progress: {
        // The last progress report stands in for final counts if TLC was cut off.
        const p = parseProgress(m.body);
        if (p && out.distinctStates === undefined) { out.statesGenerated = p.statesGenerated; out.distinctStates = p.distinctStates; }
        break;
      }
      case MSG.depth: {
        const d = /is (\d+)/.exec(m.body);
        if (d) out.depth = Number(d[1]);
        break;
      }
      case MSG.finished: {
        const ms = /Finished in (\d+)ms/.exec(m.body);
        if (ms) out.reportedMs = Number(ms[1]);
        break;
      }
      case MSG.parseFailed: violation ??= 'parse-error'; errors.push(m.body.trim()); break;
      case MSG.coverageInit:
      case MSG.coverageNext:
      case MSG.coverageValue: {
        // e.g. "<Write line 16, col 3 to line 18, col 27 of module Slots>: 8:24" (distinct:generated).
        // An action called inside a quantifier of Next is reported as a part of Next, with its
        // span: "<Next line 533, col 1 to line 533, col 4 of module M (534 8 534 78)>: 51:30802";
        // it is kept as "Next@M:534:8-534:78" for the caller to name from the module's text.
        for (const l of m.body.split('\n')) {
          const c = /^<(\w+) line \d+, col \d+ to line \d+, col \d+ of module (\w+)(?: \((\d+) (\d+) (\d+) (\d+)\))?>: ([\d,]+)(?::([\d,]+))?/.exec(l.trim());
          if (!c) continue;
          const key = c[3] !== undefined ? `${c[1]}@${c[2]}:${c[3]}:${c[4]}-${c[5]}:${c[6]}` : c[1]!;
          // TLC reports coverage again every -coverage minutes, cumulatively: keep the largest.
          coverage[key] = Math.max(coverage[key] ?? 0, num(c[7]!));
        }
        break;
      }
      default: {
        // Violations reported under codes not listed above (e.g. a property violated by the initial state).
        const inv = /Invariant (\S+) is violated/.exec(m.body);
        const prop = /[Pp]ropert(?:y|ies) (\S+) (?:is|was) violated/.exec(m.body);
        if (m.severity === 1 && inv) { violation ??= 'invariant'; out.violated ??= inv[1]; }
        else if (m.severity === 1 && prop) { violation ??= 'property'; out.violated ??= prop[1]; }
        else if (m.severity === 1 || m.severity === 2) errors.push(m.body.trim());
      }
    }
  }
  if (states.length > 0) {
    out.counterexample = { states };
    if (loopTo !== undefined) out.counterexample.loopTo = loopTo;
  }
  if (Object.keys(coverage).length > 0) out.coverage = coverage;
  // SANY prints its report outside any frame; find it among the loose lines.
  const sanyStart = loose.findIndex((l) => /^(Semantic errors:|\*\*\* ?Parse Error|\*\*\*Parse Error)/.test(l.trim()));
  const sanyReport = sanyStart >= 0 ? loose.slice(sanyStart).join('\n').trim() : '';
  if (violation === 'parse-error' || (violation === undefined && exitCode !== undefined && exitCode >= 150 && exitCode < 160)) {
    out.verdict = 'parse-error';
    const report = sanyReport || errors.join('\n');
    const loc = findLocation(report, parsedFiles);
    if (loc) out.location = loc;
    const why = /(Unknown operator[^\n]*|Encountered[^\n]*|Could not parse[^\n]*|Multiply-defined[^\n]*)/.exec(report)?.[1];
    out.message = why ?? (report || 'TLC could not parse the specification');
    return out;
  }
  if (violation !== undefined) {
    out.verdict = violation;
  } else if (success && (exitCode === undefined || exitCode === 0)) {
    out.verdict = 'pass';
  } else {
    out.verdict = exitCodeVerdict(exitCode) ?? 'error';
    if (out.verdict === 'error') {
      out.message = errors.join('\n') || (exitCode !== undefined ? `TLC exited with code ${exitCode} without a verdict` : 'TLC gave no verdict');
    }
  }
  return out;
}

/** TLC's exit codes (tlc2.output.EC.ExitStatus) for runs whose messages were lost. */
function exitCodeVerdict(code: number | undefined): Verdict | undefined {
  switch (code) {
    case 0: return undefined; // no "completed" message: treat as an error, not a pass
    case 11: return 'deadlock';
    case 12: return 'invariant';
    case 13: return 'property';
    default: return code !== undefined && code >= 150 ? 'parse-error' : undefined;
  }
}

/** Parses a whole recorded transcript (as in test/fixtures/tlc/*.out; a final `exit=N` line is the exit code). */
export function parseTlcTranscript(text: string): { outcome: TlcOutcome; messages: readonly TlcMessage[]; progress: TlcProgress[] } {
  const progress: TlcProgress[] = [];
  const reader = new TlcOutputReader({ onProgress: (p) => progress.push(p) });
  const m = /\nexit=(\d+)\s*$/.exec(text);
  reader.push(m ? text.slice(0, m.index + 1) : text);
  const outcome = reader.finish(m ? Number(m[1]) : undefined);
  return { outcome, messages: reader.allMessages(), progress };
}
