/**
 * Traces of the real code with batching on (Scenario.batchMax): sixteen clients keep the
 * replicas' windows full, so they propose batches of up to four requests, under message loss,
 * duplication, a crash and a restart. Each trace, full and compact, passes schema, replay
 * against the spec and the client-level checks; the runs do batch (long batches proposed,
 * decided and executed with one output per request).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTraceSync, formatVerdict } from '../../../src/trace/replay/check.js';
import { faultScenario } from '../../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../../src/trace/runs/simTrace.js';
import type { Scenario } from '../../../src/sim/scenario.js';
import { isLongBatch } from '../../../src/protocol/values.js';
import { REPLICA_PROPOSE_TIMER } from '../../../src/roles/replica.js';
import type { TraceEvent, TraceHeader } from '../../../src/trace/format/types.js';

const dir = mkdtempSync(join(tmpdir(), 'batch-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Seed 2: the key-value store, a cluster formed from a seed node, node 2 crashes and restarts.
const SCENARIO: Scenario = { ...faultScenario(2), batchMax: 4, workload: { clients: 16, ops: 8 } };

describe('simulated runs with batching on', () => {
  for (const compact of [false, true]) {
    it(`write ${compact ? 'compact' : 'full'} traces that batch and pass every check`, () => {
      const path = join(dir, `sim-${compact ? 'compact' : 'full'}.ndjson`);
      const traced = traceScenario(SCENARIO, path, { eventLog: false, track: true }, 'test/trace/batch/batchSimTraces.test.ts', compact);
      expect(traced.run.violations).toEqual([]);
      const [header, ...events] = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
      expect((header as TraceHeader).spec.constants.BatchMax).toBe(4);
      const v = checkTraceSync({ name: path, files: [path] });
      expect(v.ok, formatVerdict(v)).toBe(true);
      const executions = (events as TraceEvent[]).filter((e) => e.action === 'ReplicaExecute' && e.params.outputs !== undefined);
      expect(executions.length, 'executions of long batches that ran requests').toBeGreaterThan(10);
      for (const e of executions) expect(e.params.outputs!.length).toBe(e.sent.filter((m) => m.type === 'Invoked').length);
      expect(v.client!.operations).toBeGreaterThanOrEqual(16 * 8);
      expect(v.client!.held.operations, 'every operation returned').toBe(0);
    }, 120_000);
  }

  it("write traces that pass every check with deferProposals 'turn', where timer-driven ReplicaPropose steps carry batches", () => {
    const path = join(dir, 'sim-deferred-turn.ndjson');
    const traced = traceScenario({ ...SCENARIO, deferProposals: 'turn' }, path, { eventLog: false, track: true }, 'test/trace/batch/batchSimTraces.test.ts', true);
    expect(traced.run.violations).toEqual([]);
    expect(traced.run.result.completed).toBe(true);
    const v = checkTraceSync({ name: path, files: [path] });
    expect(v.ok, formatVerdict(v)).toBe(true);
    const [, ...events] = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TraceEvent);
    const deferred = events.filter((e) => e.action === 'ReplicaPropose' && e.params.timer === REPLICA_PROPOSE_TIMER);
    expect(deferred.length, 'proposals made when the turn-end timer fired').toBeGreaterThan(5);
    expect(deferred.some((e) => isLongBatch(e.params.proposal!)), 'a deferred proposal of two or more requests').toBe(true);
    expect(v.client!.operations).toBeGreaterThanOrEqual(16 * 8);
  }, 120_000);

  it("write traces that pass every check with deferProposals 'decision', and batch more than without it", () => {
    const longBatches = (deferProposals: 'decision' | undefined) => {
      const path = join(dir, `sim-deferred-${deferProposals ?? 'never'}.ndjson`);
      const traced = traceScenario({ ...SCENARIO, ...(deferProposals ? { deferProposals } : {}) }, path, { eventLog: false, track: true }, 'test/trace/batch/batchSimTraces.test.ts', true);
      expect(traced.run.violations).toEqual([]);
      expect(traced.run.result.completed).toBe(true);
      const v = checkTraceSync({ name: path, files: [path] });
      expect(v.ok, formatVerdict(v)).toBe(true);
      expect(v.client!.operations).toBeGreaterThanOrEqual(16 * 8);
      const [, ...events] = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TraceEvent);
      const proposals = events.filter((e) => e.action === 'ReplicaPropose');
      return proposals.filter((e) => isLongBatch(e.params.proposal!)).length / proposals.length;
    };
    // Catches a 'decision' mode that proposes at once anyway (the share would be the same).
    expect(longBatches('decision')).toBeGreaterThan(longBatches(undefined));
  }, 120_000);
});
