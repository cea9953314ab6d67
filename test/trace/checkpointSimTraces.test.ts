/**
 * Traces of the real implementation with checkpoints on (SimConfig.checkpointEvery): seeded
 * fault-injected simulations whose replicas snapshot and whose acceptors compact (their
 * leaders leaving the slots below the new mark in the same step), traced in full and compact
 * form (the header names every node in CheckpointNodes), pass the spec replay and the
 * client-level checks; one is also replayed through the embedded spec.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTraceSync, formatVerdict } from '../../src/trace/replay/check.js';
import { faultScenario } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';
import { replayCommand } from '../../src/sim/scenario.js';

type Json = Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), 'checkpoint-sim-traces-'));
const CHECKPOINT_EVERY = 3;
// 5002 and 5007 compact and answer Prepares with marks; 5004 restarts nodes from their
// snapshots and then welcomes a peer (the client check replays from the snapshot's history).
// A leader's mark is volatile: only 5004's restarted leaders take LeaderCompact, catching up
// with their acceptors' durable marks; elsewhere AcceptorCompact moves the leader itself.
const SEEDS = [5002, 5004, 5007];
const RESTARTED_LEADER_COMPACTS = new Set([5004]);

describe('traces of simulations with checkpoints pass the checker', () => {
  let marks = 0;
  SEEDS.forEach((seed, r) => {
    const compact = r % 2 === 0;
    it(`seed ${seed} (${compact ? 'compact' : 'full'} events)`, () => {
      const s = faultScenario(seed);
      const path = join(dir, `sim-${seed}.ndjson`);
      // The run's own end checks are not this test's subject (the trace checker is).
      const traced = traceScenario(s, path, { eventLog: false, checkpointEvery: CHECKPOINT_EVERY }, 'test/trace/checkpointSimTraces.test.ts', compact);
      const text = readFileSync(path, 'utf8');
      const [header, ...events] = text.trim().split('\n').map((l) => JSON.parse(l) as Json);
      expect((header!.spec as { constants: Json }).constants.CheckpointNodes).toEqual(Array.from({ length: s.nodes }, (_, i) => i + 1));
      const actions = new Set(events.map((e) => e.action));
      for (const a of ['ReplicaSnapshot', 'AcceptorCompact']) expect(actions).toContain(a);
      if (RESTARTED_LEADER_COMPACTS.has(seed)) expect(actions).toContain('LeaderCompact');
      // Some AcceptorCompact raises its leader's mark with its own, in its one event.
      const leaderMoved = events.some((e) => {
        if (e.action !== 'AcceptorCompact') return false;
        const marks = (compact ? e.delta : e.state) as { aMark?: number; lMark?: number };
        return marks.aMark !== undefined && marks.lMark === marks.aMark;
      });
      expect(leaderMoved, 'an AcceptorCompact that carries lMark').toBe(true);
      for (const e of events) marks += (e.sent as Json[] | undefined ?? []).filter((m) => m.type === 'Promise' && (m.mark as number) >= 2).length;
      const v = checkTraceSync({ name: path, files: [path] }, r === 0 ? { embedded: true, embeddedMaxEvents: 120 } : {});
      expect(v.ok, `${formatVerdict(v)}\n${replayCommand(s)}`).toBe(true);
      expect(v.events).toBe(traced.events);
      expect(v.client?.executed).toBeGreaterThan(0);
    }, 300_000);
  });
  it('saw Promises with marks (acceptors that compacted answered Prepares)', () => {
    expect(marks).toBeGreaterThan(0);
  });
});
