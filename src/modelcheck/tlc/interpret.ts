/**
 * Folds TLC's messages (from tlcOutput.ts's reader) into one outcome: the verdict, counts,
 * counterexample, coverage, and, for a run that failed, why.
 */
import { sanyLocation, sanyMessage } from './sanyReport.js';
import { parseStateText } from '../values/tlaValue.js';
import { exitCodeMeaning, failureKindOfMessage, failureKindOfText } from './exitCodes.js';
import { MSG, num, parseCounts, parseProgress, parseSimulationProgress, type TlcMessage } from './messages.js';
import type { Counterexample, CounterexampleState, ErrorKind, SourceLocation, Verdict } from '../shared/types.js';

/** What TLC's output says, before it is tied to a model and engine. */
export interface TlcOutcome {
  verdict: Verdict;
  violated?: string;
  distinctStates?: number;
  statesGenerated?: number;
  /** The counts come from TLC's last progress report: it was cut off before its final counts. */
  countsFromProgress?: boolean;
  depth?: number;
  /** TLC's own "Finished in" time, when it printed one in milliseconds. */
  reportedMs?: number;
  version?: string;
  counterexample?: Counterexample;
  /**
   * TLC printed a behaviour ("The behavior up to this point is") without saying what it
   * violates: distributed TLC does that. The verdict is `error` until the caller names it.
   */
  unnamedCounterexample?: boolean;
  message?: string;
  errorKind?: ErrorKind;
  location?: SourceLocation;
  coverage?: Record<string, number>;
  /** TLC ran a random simulation (-simulate). */
  simulation?: boolean;
  /** Simulation: traces generated. */
  traces?: number;
  /** Distributed TLC: workers that registered with the server. */
  workersRegistered?: number;
  /** Files SANY parsed ("Parsing file ..."), to turn a module name into a path. */
  parsedFiles: string[];
}

/** Parses the head of a 2217 state: `2: <Write(p1,1,v1) line 16, col 3 ... of module Slots>`. */
function parseState(body: string): CounterexampleState | undefined {
  const nl = body.indexOf('\n');
  const head = nl < 0 ? body : body.slice(0, nl);
  const rest = nl < 0 ? '' : body.slice(nl + 1);
  const m = /^(\d+): <(.*)>\s*$/.exec(head.trim());
  if (!m) return undefined;
  const label = m[2]!;
  const state: CounterexampleState = { vars: parseStateText(rest) };
  // The first state's label is the initial predicate ("Initial predicate", or "Init line ..." in a simulation).
  if (Number(m[1]) > 1 && !/^Initial predicate/.test(label)) {
    const name = /^([A-Za-z_][A-Za-z0-9_!]*)/.exec(label);
    if (name && name[1] !== 'Action' && name[1] !== 'line') state.action = name[1]!;
    const span = /line (\d+), col (\d+) to line (\d+), col (\d+) of module (\w+)$/.exec(label);
    if (span) state.actionSpan = { module: span[5]!, line: Number(span[1]), column: Number(span[2]), endLine: Number(span[3]), endColumn: Number(span[4]) };
  }
  return state;
}

/**
 * Coverage lines, e.g. "<Write line 16, col 3 to line 18, col 27 of module Slots>: 8:24"
 * (distinct:generated). An action called inside a quantifier of Next is reported as a part of
 * Next, with its span: "<Next line 533, col 1 to line 533, col 4 of module M (534 8 534 78)>:
 * 51:30802"; it is kept as "Next@M:534:8-534:78" for the caller to name from the module's text.
 */
function addCoverage(coverage: Record<string, number>, body: string): void {
  for (const l of body.split('\n')) {
    const c = /^<(\w+) line \d+, col \d+ to line \d+, col \d+ of module (\w+)(?: \((\d+) (\d+) (\d+) (\d+)\))?>: ([\d,]+)(?::([\d,]+))?/.exec(l.trim());
    if (!c) continue;
    const key = c[3] !== undefined ? `${c[1]}@${c[2]}:${c[3]}:${c[4]}-${c[5]}:${c[6]}` : c[1]!;
    // TLC reports coverage again every -coverage minutes, cumulatively: keep the largest.
    coverage[key] = Math.max(coverage[key] ?? 0, num(c[7]!));
  }
}

/** Folds TLC's messages into one outcome; `exitCode` and `stderr` settle what the messages leave open. */
export function interpret(messages: readonly TlcMessage[], loose: readonly string[], exitCode?: number, stderr = ''): TlcOutcome {
  const parsedFiles = loose.map((l) => /^Parsing file (\S+)/.exec(l)?.[1]).filter((f): f is string => f !== undefined);
  const out: TlcOutcome = { verdict: 'error', parsedFiles };
  let success = false;
  let violation: Verdict | undefined;
  const states: CounterexampleState[] = [];
  let loopTo: number | undefined;
  let behaviorShown = false;
  const errors: string[] = [];
  let failure: ErrorKind | undefined;
  const coverage: Record<string, number> = {};
  let finalCounts: { statesGenerated: number; distinctStates: number } | undefined;
  let lastProgress: { statesGenerated: number; distinctStates: number } | undefined;
  let simulatedStates: number | undefined;
  let workers = 0;
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
      case MSG.behaviorUpTo: behaviorShown = true; break;
      case MSG.state: {
        const s = parseState(m.body);
        if (s) states.push(s);
        break;
      }
      case MSG.lassoEnd:
      case MSG.backToState: {
        const back = /Back to state (\d+)/.exec(m.body);
        loopTo = back ? Number(back[1]) - 1 : states.length - 1;
        break;
      }
      case MSG.finalCounts: finalCounts = parseCounts(m.body) ?? finalCounts; break;
      // The last progress report stands in for the final counts if TLC was cut off.
      case MSG.progress: lastProgress = parseProgress(m.body) ?? lastProgress; break;
      case MSG.simulationMode: out.simulation = true; break;
      case MSG.simulationProgress: {
        const p = parseSimulationProgress(m.body);
        out.simulation = true;
        if (p) { out.traces = p.traces; simulatedStates = p.statesGenerated; }
        break;
      }
      case MSG.simulationCounts: {
        out.simulation = true;
        const n = /states generated: ([\d,]+)/.exec(m.body);
        if (n) simulatedStates = num(n[1]!);
        break;
      }
      case MSG.distributedWorkerRegistered: workers++; break;
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
      case MSG.coverageValue: addCoverage(coverage, m.body); break;
      default: {
        // Violations reported under codes not listed above (e.g. a property violated by the initial state).
        const inv = /Invariant (\S+) is violated/.exec(m.body);
        const prop = /[Pp]ropert(?:y|ies) (\S+) (?:is|was) violated/.exec(m.body);
        if (m.severity === 1 && inv) { violation ??= 'invariant'; out.violated ??= inv[1]; }
        else if (m.severity === 1 && prop) { violation ??= 'property'; out.violated ??= prop[1]; }
        else if (m.severity === 1 || m.severity === 2) {
          errors.push(m.body.trim());
          failure ??= failureKindOfMessage(m.code) ?? failureKindOfText(m.body);
        }
      }
    }
  }
  if (out.simulation) {
    if (simulatedStates !== undefined) out.statesGenerated = simulatedStates;
  } else if (finalCounts) {
    out.statesGenerated = finalCounts.statesGenerated;
    out.distinctStates = finalCounts.distinctStates;
  } else if (lastProgress) {
    out.statesGenerated = lastProgress.statesGenerated;
    out.distinctStates = lastProgress.distinctStates;
    out.countsFromProgress = true;
  }
  if (workers > 0) out.workersRegistered = workers;
  if (states.length > 0) {
    out.counterexample = { states };
    if (loopTo !== undefined) out.counterexample.loopTo = loopTo;
  }
  if (Object.keys(coverage).length > 0) out.coverage = coverage;
  const meaning = exitCodeMeaning(exitCode);
  // SANY prints its report outside any frame; find it among the loose lines.
  const sanyStart = loose.findIndex((l) => /^(Semantic errors:|\*\*\* ?Parse Error|\*\*\*Parse Error)/.test(l.trim()));
  const sanyReport = sanyStart >= 0 ? loose.slice(sanyStart).join('\n').trim() : '';
  if (violation === 'parse-error' || (violation === undefined && meaning?.verdict === 'parse-error')) {
    out.verdict = 'parse-error';
    out.errorKind = meaning?.kind === 'cfg' ? 'cfg' : 'spec';
    const report = sanyReport || errors.join('\n');
    const loc = sanyLocation(report, parsedFiles);
    if (loc) out.location = loc;
    out.message = out.errorKind === 'cfg' && !sanyReport ? (errors.join('\n') || meaning!.text) : sanyMessage(report);
    return out;
  }
  if (violation !== undefined) {
    out.verdict = violation;
    return out;
  }
  if (success && (exitCode === undefined || exitCode === 0)) {
    out.verdict = 'pass';
    return out;
  }
  if (out.simulation && exitCode === 0 && errors.length === 0 && out.statesGenerated !== undefined) {
    // A simulation that ran its traces without finding anything prints no "completed" message.
    out.verdict = 'pass';
    return out;
  }
  if (behaviorShown && states.length > 0 && errors.length === 0) {
    out.unnamedCounterexample = true;
    out.message = 'TLC printed a counterexample without saying what it violates';
    return out;
  }
  failure ??= failureKindOfText(stderr);
  if (meaning !== undefined && meaning.verdict !== 'error' && failure === undefined) {
    // The messages were lost but the exit code says which kind of violation.
    out.verdict = meaning.verdict;
    return out;
  }
  out.verdict = 'error';
  const kind = failure ?? meaning?.kind;
  if (kind !== undefined) out.errorKind = kind;
  const javaSaid = stderr.trim().split('\n').filter((l) => /Exception|Error/.test(l)).slice(0, 2).join(' | ');
  out.message = errors.join('\n')
    || (failure !== undefined && javaSaid ? javaSaid : undefined)
    || meaning?.text
    || (exitCode !== undefined ? `TLC exited with code ${exitCode} without a verdict` : 'TLC gave no verdict');
  return out;
}
