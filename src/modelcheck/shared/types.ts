/** Shared result types of the model-checking driver (both engines report in this shape). */

export type Engine = 'embedded' | 'tlc';

export type CoverageUnit = 'distinct states' | 'transitions';

export type Verdict = 'pass' | 'invariant' | 'property' | 'deadlock' | 'error' | 'parse-error';

/**
 * Why a run ended in `error` or `parse-error`, when that is known: the results table shows it
 * next to the verdict, so running out of memory is not mistaken for a bad spec.
 */
export type ErrorKind =
  | 'spec' // the spec does not parse (TLC exit 150)
  | 'cfg' // the model's cfg is wrong (TLC exit 151, tla-checker ConfigError)
  | 'out-of-memory'
  | 'disk' // TLC could not write its states or fingerprints
  | 'state-space' // the model is too large for the checker (TLC exit 152, the embedded state limit)
  | 'stack-overflow'
  | 'evaluation' // TLC could not evaluate the spec (exit 75-77)
  | 'assumption' // an ASSUME or POSTCONDITION is false (exit 10)
  | 'assert' // an Assert(...) failed (exit 14)
  | 'timeout'
  | 'killed' // stopped by a signal from outside
  | 'distributed' // distributed TLC could not run (workers lost, an unusable TLC build)
  | 'crash'; // anything else TLC or java reports as a failure

export const ERROR_KIND_LABEL: Record<ErrorKind, string> = {
  spec: 'spec',
  cfg: 'cfg',
  'out-of-memory': 'out of memory',
  disk: 'disk',
  'state-space': 'state space too large',
  'stack-overflow': 'stack overflow',
  evaluation: 'evaluation',
  assumption: 'assumption false',
  assert: 'Assert failed',
  timeout: 'timed out',
  killed: 'killed',
  distributed: 'distributed run failed',
  crash: 'crash',
};

/** How TLC explored: breadth-first over every state (default), random traces, or a server with workers. */
export type TlcMode = 'exhaustive' | 'simulate' | 'distributed';

/** One state of a counterexample; `action` is the name of the step that led to it (absent for the first state). */
export interface CounterexampleState {
  action?: string;
  /**
   * TLC: the source span TLC gave for the step. A step of an action called inside a quantifier
   * of Next is labelled "Next" with the span of that disjunct; check.ts names it from the span.
   */
  actionSpan?: { module: string; line: number; column: number; endLine: number; endColumn: number };
  /** Variable values as parsed TLA+ values (see tlaValue.ts), keyed by variable name. */
  vars: Record<string, unknown>;
}

export interface Counterexample {
  states: CounterexampleState[];
  /**
   * For a lasso (liveness counterexample): the 0-based index of the state the behaviour loops back to.
   * A stuttering lasso loops to its last state.
   */
  loopTo?: number;
}

export interface SourceLocation {
  file?: string;
  module?: string;
  line: number;
  column: number;
}

export interface ModelResult {
  model: string;
  engine: Engine;
  verdict: Verdict;
  /** Name of the violated invariant or property (when known). */
  violated?: string;
  distinctStates: number;
  /** Absent for the embedded engine: tla-checker does not count generated states. */
  statesGenerated?: number;
  /** Absent for the embedded engine: tla-checker does not report depth. */
  depth?: number;
  durationMs: number;
  counterexample?: Counterexample;
  /** Human-readable detail: error text, or why an engine could not check the model. */
  message?: string;
  /** For `error` and `parse-error`: what kind of failure, when known. */
  errorKind?: ErrorKind;
  /** TLC only: how it explored (absent means exhaustive). */
  mode?: TlcMode;
  /** Simulation: the number of random traces TLC generated. */
  traces?: number;
  /** Where a parse error was found (TLC reports line/column; tla-checker a source offset). */
  location?: SourceLocation;
  /**
   * Action coverage: action name -> count. TLC (-coverage): distinct states the action found;
   * embedded: transitions of the action in the full state graph. `coverageUnit` says which.
   */
  coverage?: Record<string, number>;
  coverageUnit?: CoverageUnit;
}

/** A progress report while a run is going on; fields TLC does not send are absent. */
export interface Progress {
  engine: Engine;
  elapsedMs: number;
  distinctStates?: number;
  statesGenerated?: number;
  queue?: number;
  /** Simulation: traces generated so far. */
  traces?: number;
}

/** "timed out after 0.3 s" / "after 120 s": enough precision to recognise the limit that was set. */
export function timeoutMessage(ms: number): string {
  return `timed out after ${ms < 10_000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)} s`;
}
