/** A TLC outcome (tlcInterpret.ts) tied to a model: the ModelResult every engine reports. */
import { existsSync, readFileSync } from 'node:fs';
import { tlcJsonToItf } from '../values/itf.js';
import type { TlcOutcome } from './interpret.js';
import type { JavaRun } from './javaProcess.js';
import { timeoutMessage, type CounterexampleState, type ModelResult, type TlcMode } from '../shared/types.js';

interface TlcDump {
  vars?: string[];
  counterexample?: {
    state?: Array<[number, Record<string, unknown>]>;
    action?: Array<[unknown, { name?: string }, unknown]>;
  };
}

/** States from TLC's -dumpTrace json file: used when its printout had none, and to name actions. */
export function statesFromDump(dump: TlcDump): CounterexampleState[] {
  const states = dump.counterexample?.state ?? [];
  const actions = dump.counterexample?.action ?? [];
  return states.map(([, vars], i) => {
    const s: CounterexampleState = { vars: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, tlcJsonToItf(v)])) };
    const a = i > 0 ? actions[i - 1]?.[1]?.name : undefined;
    if (a !== undefined) s.action = a;
    return s;
  });
}

/** Fills in the counterexample from the -dumpTrace json file: the states if the printout had none, else the action names it left out. */
function mergeDump(result: ModelResult, dumpFile: string): void {
  if (!existsSync(dumpFile)) return;
  try {
    const fromDump = statesFromDump(JSON.parse(readFileSync(dumpFile, 'utf8')) as TlcDump);
    if (!result.counterexample && fromDump.length > 0) {
      result.counterexample = { states: fromDump };
    } else if (result.counterexample) {
      result.counterexample.states.forEach((s, i) => { if (s.action === undefined && fromDump[i]?.action) s.action = fromDump[i]!.action; });
    }
  } catch {
    // An unreadable dump leaves the printed counterexample as it is.
  }
}

export interface ResultContext {
  model: string;
  mode: TlcMode;
  java: string;
  startedAt: number;
  timeoutMs?: number;
  /** Maps a path inside the scratch copy to the spec's own file. */
  realPath: (file: string) => string;
  dumpFile?: string;
}

export function tlcResult(outcome: TlcOutcome, run: JavaRun, ctx: ResultContext): ModelResult {
  const result: ModelResult = {
    model: ctx.model,
    engine: 'tlc',
    verdict: outcome.verdict,
    distinctStates: outcome.distinctStates ?? 0,
    durationMs: 0,
  };
  if (ctx.mode !== 'exhaustive') result.mode = ctx.mode;
  if (outcome.statesGenerated !== undefined) result.statesGenerated = outcome.statesGenerated;
  if (outcome.traces !== undefined) result.traces = outcome.traces;
  if (outcome.depth !== undefined) result.depth = outcome.depth;
  if (outcome.violated !== undefined) result.violated = outcome.violated;
  if (outcome.location !== undefined) {
    result.location = { ...outcome.location };
    // Report the spec's own path, not the scratch copy TLC read.
    if (outcome.location.file !== undefined) result.location.file = ctx.realPath(outcome.location.file);
  }
  if (outcome.coverage !== undefined) result.coverage = outcome.coverage;
  if (outcome.message !== undefined) result.message = outcome.message;
  if (outcome.errorKind !== undefined) result.errorKind = outcome.errorKind;
  if (outcome.counterexample) result.counterexample = outcome.counterexample;
  if (ctx.dumpFile !== undefined) mergeDump(result, ctx.dumpFile);
  if (run.spawnError) {
    result.verdict = 'error';
    result.errorKind = 'crash';
    result.message = `could not start ${ctx.java}: ${run.spawnError}`;
  } else if (run.timedOut) {
    result.verdict = 'error';
    result.errorKind = 'timeout';
    result.message = timeoutMessage(ctx.timeoutMs ?? 0) + (outcome.countsFromProgress ? '; counts from TLC\'s last progress report' : '');
  } else if (result.verdict === 'error' && outcome.version === undefined && (result.errorKind === undefined || result.errorKind === 'crash')) {
    // TLC never started (bad jar, old java): java's own complaint says why.
    result.errorKind = 'crash';
    const tail = run.stderr.trim().split('\n').slice(-3).join(' | ');
    result.message = `TLC did not run (exit ${run.code})${tail ? `: ${tail}` : ''}`;
  }
  result.durationMs = Date.now() - ctx.startedAt;
  return result;
}
