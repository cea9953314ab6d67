/**
 * Runs each implementation mutant in the simulator with tracing on and feeds its traces to
 * the checker: a mutant is killed when the checker rejects one of its traces.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTrace, type Failure } from '../trace/replay/check.js';
import { traceScenario } from '../trace/runs/simTrace.js';
import type { Mutant } from './catalogue.js';

export interface MutantOutcome {
  name: string;
  killed: boolean;
  /** Seed of the scenario whose trace the checker rejected. */
  seed?: number;
  failure?: Failure;
  /** A broken run may also trip one of the implementation's own assertions. */
  crashed?: string;
  tracesChecked: number;
}

export async function runMutant(m: Mutant, keepDir?: string): Promise<MutantOutcome> {
  const dir = keepDir ?? mkdtempSync(join(tmpdir(), `mutant-${m.name}-`));
  const outcome: MutantOutcome = { name: m.name, killed: false, tracesChecked: 0 };
  try {
    for (const s of m.scenarios) {
      const path = join(dir, `${m.name}-${s.seed}.ndjson`);
      try {
        traceScenario(s, path, { createNode: m.createNode, eventLog: false, track: false }, `src/mutants/run.ts (${m.name})`);
      } catch (e) {
        // The trace file is closed on the way out; what it holds up to the crash is checked.
        outcome.crashed = (e as Error).message.split('\n')[0];
      }
      const v = await checkTrace({ name: path, files: [path] });
      outcome.tracesChecked++;
      if (!v.ok) {
        outcome.killed = true;
        outcome.seed = s.seed;
        if (v.failure) outcome.failure = v.failure;
        return outcome;
      }
    }
    return outcome;
  } finally {
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
  }
}
