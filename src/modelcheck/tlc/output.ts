/**
 * Streaming reader of TLC's output. In `-tool` mode every message is framed by
 * `@!@!@STARTMSG code:severity @!@!@` ... `@!@!@ENDMSG code @!@!@`; without `-tool` the same
 * messages come unframed and are recognised by their wording. Either way the reader turns
 * them into messages, reports progress as it goes, and folds them into one result.
 */
import { interpret, type TlcOutcome } from './interpret.js';
import { MSG, parseProgress, parseSimulationProgress, type TlcMessage, type TlcProgress } from './messages.js';

export type { TlcMessage, TlcProgress } from './messages.js';
export { parseCounts, parseProgress, parseSimulationProgress } from './messages.js';

const START = /^@!@!@STARTMSG (\d+):(\d+) @!@!@$/;
const END = /^@!@!@ENDMSG (\d+) @!@!@$/;

/** Recognises unframed (non `-tool`) output lines as the message TLC would have framed. */
function classifyPlainLine(line: string): number | undefined {
  if (/^TLC2 (TLC Server )?Version /.test(line)) return MSG.version;
  if (/^(Error: )?Invariant \S+ is violated( by the initial state)?\.?$/.test(line)) return MSG.invariantViolated;
  if (/^(Error: )?Deadlock reached\.?$/.test(line)) return MSG.deadlock;
  if (/^(Error: )?Temporal properties? \S+ (was|were|is) violated/.test(line)) return MSG.temporalViolated;
  if (/^(Error: )?Action property \S+ (of the next-state relation )?is violated/.test(line)) return MSG.actionPropertyViolated;
  if (/^Model checking completed\. No error has been found\./.test(line)) return MSG.success;
  if (/^Progress\(\d+\).*: -1 distinct states found/.test(line)) return MSG.simulationProgress;
  if (/^Progress: [\d,]+ states checked, [\d,]+ traces generated/.test(line)) return MSG.simulationProgress;
  if (/^Progress\(\d+\)/.test(line)) return MSG.progress;
  if (/^The number of states generated: [\d,]+/.test(line)) return MSG.simulationCounts;
  if (/^Running Random Simulation /.test(line)) return MSG.simulationMode;
  if (/^The behavior up to this point is:?$/.test(line)) return MSG.behaviorUpTo;
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

  /** `stderr`: what java printed there (an OutOfMemoryError on the main thread shows only there). */
  finish(exitCode?: number, stderr = ''): TlcOutcome {
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
    return interpret(this.messages, this.loose, exitCode, stderr);
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
    } else if (m.code === MSG.simulationProgress) {
      const p = parseSimulationProgress(m.body);
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
      const info: number[] = [MSG.success, MSG.progress, MSG.finalCounts, MSG.simulationProgress, MSG.simulationCounts, MSG.simulationMode, MSG.version, MSG.depth, MSG.finished];
      this.emit({ code, severity: info.includes(code) ? 0 : 1, body });
      return;
    }
    this.loose.push(line);
  }
}

/** Parses a whole recorded transcript (as in test/fixtures/tlc/*.out; a final `exit=N` line is the exit code). */
export function parseTlcTranscript(text: string, stderr = ''): { outcome: TlcOutcome; messages: readonly TlcMessage[]; progress: TlcProgress[] } {
  const progress: TlcProgress[] = [];
  const reader = new TlcOutputReader({ onProgress: (p) => progress.push(p) });
  const m = /\nexit=(\d+)\s*$/.exec(text);
  reader.push(m ? text.slice(0, m.index + 1) : text);
  const outcome = reader.finish(m ? Number(m[1]) : undefined, stderr);
  return { outcome, messages: reader.allMessages(), progress };
}
