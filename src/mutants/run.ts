/**
 * Runs each implementation mutant in the simulator with tracing on and feeds its traces to
 * the checker: a mutant is killed when the checker rejects one of its traces.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTrace, type Failure, type FailureKind } from '../trace/replay/check.js';
import { traceScenario } from '../trace/runs/simTrace.js';
import type { Mutant } from './catalogue.js';

export interface MutantOutcome {
  name: string;
  killed: boolean;
  /** Seed of the scenario whose trace the checker rejected. */
  seed?: number;
  failure?: Failure;
  /**
   * For a kill by a client-level check: whether the spec replay alone (client checks off)
   * also rejects that trace. False means only the client-level checks see the bug.
   */
  specAloneRejects?: boolean;
  /**
   * A run that stopped early (the last such, when several did), and why: one of the
   * implementation's own assertions (a broken run may trip one), or the harness itself failing.
   * Its trace holds only the steps before, and is checked as it is.
   */
  crashed?: string;
  tracesChecked: number;
}

/** Which part of the checker a failure kind belongs to, in the words of the kill report. */
const CHECK_NAMES: Readonly<Partial<Record<FailureKind, string>>> = {
  order: 'event order', spec: 'spec replay', 'oracles-disagree': 'oracle disagreement', client: 'AppReplay',
};

export async function runMutant(m: Mutant, keepDir?: string): Promise<MutantOutcome> {
  const dir = keepDir ?? mkdtempSync(join(tmpdir(), `mutant-${m.name}-`));
  const outcome: MutantOutcome = { name: m.name, killed: false, tracesChecked: 0 };
  try {
    for (const s of m.scenarios) {
      const path = join(dir, `${m.name}-${s.seed}.ndjson`);
      try {
        const traced = traceScenario(s, path, { createNode: m.createNode, eventLog: false, track: false }, `src/mutants/run.ts (${m.name})`);
        // A node that failed its own assertion stops the run: its trace ends before the bug's
        // step, and passes. Said in the outcome, so such a survival is not read as the checker's miss.
        const stopped = traced.run.result.nodeError;
        if (stopped !== undefined) outcome.crashed = `a node failed its own assertion, ${stopped.split('\n')[0]}`;
      } catch (e) {
        // The trace file is closed on the way out; what it holds up to the crash is checked.
        outcome.crashed = `the harness failed: ${(e as Error).message.split('\n')[0]}`;
      }
      const input = { name: path, files: [path] };
      const v = await checkTrace(input);
      outcome.tracesChecked++;
      // No verdict is no kill (the embedded engine failed; the default check does not use it).
      if (v.failure?.kind === 'engine') throw new Error(`${m.name}: ${v.failure.message}`);
      if (!v.ok) {
        outcome.killed = true;
        outcome.seed = s.seed;
        if (v.failure) outcome.failure = v.failure;
        if (v.failure?.kind === 'client' || v.failure?.kind === 'linearizability') {
          outcome.specAloneRejects = !(await checkTrace(input, { noClient: true })).ok;
        }
        return outcome;
      }
    }
    return outcome;
  } finally {
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
  }
}

/** One line of the kill report: the mutant, and the check, event and seed that killed it. */
export function describeOutcome(o: MutantOutcome): string {
  if (!o.killed || o.failure === undefined) {
    return `SURVIVED ${o.name} (${o.tracesChecked} traces checked${o.crashed === undefined ? '' : `; a run stopped before its trace could show the bug: ${o.crashed}`})`;
  }
  const f = o.failure;
  const alone = o.specAloneRejects === false ? '; the spec replay alone accepts this trace' : o.specAloneRejects ? '; the spec replay alone rejects it too' : '';
  return `killed   ${o.name} by ${CHECK_NAMES[f.kind] ?? f.kind} at line ${f.line}${f.action ? ` (${f.action})` : ''}, seed ${o.seed}${alone}`;
}
