/**
 * Compact events built from what each step changed (the roles' journals, src/node/
 * incrementalTrace.ts) must be byte for byte the events a diff of whole states writes (the
 * reference path: every event's specState() diffed by DeltaEncoder), over fault-injected runs
 * with crashes, restarts, Welcomes (state transfer) and a cluster formed from a Seed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MUTANTS } from '../../../src/mutants/catalogue.js';
import { Acceptor } from '../../../src/roles/acceptor.js';
import { defaultNodeFactory } from '../../../src/sim/nodeFactory.js';
import { runScenario, type RunExtras, type Scenario } from '../../../src/sim/scenario.js';
import { faultScenario } from '../../../src/trace/runs/faultScenarios.js';
import { headerFor } from '../../../src/trace/runs/simTrace.js';
import { DeltaDecoder } from '../../../src/trace/format/deltaEncoder.js';
import { canonical } from '../../../src/trace/format/canonical.js';
import { NdjsonTraceFile } from '../../../src/trace/format/ndjsonWriter.js';
import type { FullTraceEvent, TraceEvent } from '../../../src/trace/format/types.js';
import type { TraceEvent as NodeTraceEvent } from '../../../src/node/api.js';

const dir = mkdtempSync(join(tmpdir(), 'incremental-delta-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Mode = 'incremental' | 'reference' | 'full';

/** Runs `s` with one trace file: compact from the nodes' deltas, compact by whole-state diffs, or full states. */
function trace(s: Scenario, mode: Mode, extras: RunExtras = {}): string {
  const path = join(dir, `${s.seed}-${mode}.ndjson`);
  const file = new NdjsonTraceFile(path, headerFor(s, 3, 'test'), { compact: mode !== 'full', fullDiff: mode === 'reference' });
  try {
    runScenario(s, { eventLog: false, ...extras, trace: () => (ev: NodeTraceEvent) => file.emit(ev as unknown as FullTraceEvent) });
  } finally {
    file.close();
  }
  return readFileSync(path, 'utf8');
}

const actions = (text: string): string[] => text.trim().split('\n').slice(1).map((l) => (JSON.parse(l) as { action: string }).action);

// Seeds whose runs restart nodes and transfer state by Welcome; 9, 44 and 51 form the cluster from a Seed.
const SEEDS = [2, 9, 18, 29, 44, 51];

describe('compact events from the nodes\' journals', () => {
  it.each(SEEDS)('seed %i: the same bytes as diffing whole states', (seed) => {
    const s = faultScenario(seed);
    const incremental = trace(s, 'incremental');
    expect(incremental).toBe(trace(s, 'reference'));
    const steps = actions(incremental);
    expect(steps).toContain('NodeRestart');
    expect(steps).toContain('ReplicaReceiveWelcome');
  });

  // Checkpoints on: snapshots (rSnap by length), forgotten decisions, compactions (aMark, lMark)
  // and restarts from a snapshot (rExecuted truncate) are written alike by the nodes' journals
  // and by the diff.
  it.each([5001, 5004, 5007])('seed %i with checkpoints: the same bytes as diffing whole states', (seed) => {
    const s = faultScenario(seed);
    const extras: RunExtras = { checkpointEvery: 3 };
    const incremental = trace(s, 'incremental', extras);
    expect(incremental).toBe(trace(s, 'reference', extras));
    expect(incremental).toContain('"rSnap":{"slot":');
    expect(incremental).toContain('"aMark":');
    // 5001 and 5004 restart a node that executed past its snapshot (5002 did before replicas kept
    // a tail of decisions: it no longer rejoins), and forget decisions below an earlier snapshot.
    if (seed !== 5007) {
      expect(incremental).toMatch(/"truncate":[1-9]/);
      expect(actions(incremental)).toContain('ReplicaForget');
    }
  });

  it('decodes to the states of a full-state trace of the same run', () => {
    const s = faultScenario(9);
    const compact = trace(s, 'incremental').trim().split('\n').slice(1).map((l) => JSON.parse(l) as TraceEvent);
    const full = trace(s, 'full').trim().split('\n').slice(1).map((l) => JSON.parse(l) as TraceEvent);
    const decoder = new DeltaDecoder(s.nodes);
    expect(compact.length).toBe(full.length);
    compact.forEach((ev, i) => {
      expect(ev.state).toBeUndefined();
      // Sets compared as sets: the decoder appends what a delta adds.
      expect(canonical(decoder.decode(ev).state)).toBe(canonical(full[i]!.state));
    });
  });

  // Broken roles change their sets and scalars behind the real roles' backs (a cleared map, an
  // executed log appended to twice): their traces must still be what the reference writes.
  it.each(MUTANTS.map((m) => [m.name, m] as const))('mutant %s: the same bytes as diffing whole states', (_name, mutant) => {
    const s = mutant.scenarios[0]!;
    const extras: RunExtras = { createNode: mutant.createNode };
    expect(trace(s, 'incremental', extras)).toBe(trace(s, 'reference', extras));
  });

  it('a node whose role class has no traceChanges falls back to whole states, with the same bytes', () => {
    class PlainAcceptor extends Acceptor {}
    Object.defineProperty(PlainAcceptor.prototype, 'traceChanges', { value: undefined });
    const s = faultScenario(29);
    // Node 2 diffs whole states, the others send deltas: one writer takes both.
    const extras: RunExtras = {
      createNode: (id, peers, options, env) => defaultNodeFactory(id, peers, id === 2 ? { ...options, roles: { ...options.roles, Acceptor: PlainAcceptor } } : options, env),
    };
    expect(trace(s, 'incremental', extras)).toBe(trace(s, 'reference'));
  });
});
