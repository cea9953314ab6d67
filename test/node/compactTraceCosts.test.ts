/**
 * What tracing costs a node when the writer is compact (src/trace/format/deltaEncoder.ts with
 * a sink that takes deltas, TraceSink.takesDeltas): the node hands each event the delta its
 * step made, the writer takes it and marks it taken, and the node then never builds the event's
 * whole state (src/node/incrementalTrace.ts lazyState). A writer that takes the delta without
 * saying so leaves every event to build the node's whole state after the sink returned, O(the
 * node's state, which without checkpoints is the run's whole history) per event, for nothing:
 * the file is the same.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Node } from '../../src/node/node.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import type { Scenario } from '../../src/sim/scenario.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';

const dir = mkdtempSync(join(tmpdir(), 'compact-trace-costs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compact trace costs', () => {
  it("a compact traced run builds no node's whole state per event: at most one per node, not one per event", () => {
    // No checkpoints: every replica lists its whole history, so each build is O(the run so far).
    const s: Scenario = { seed: 7, nodes: 3, app: 'kv', workload: { clients: 3, ops: 30 }, schedule: scheduleOf() };
    const builds = vi.spyOn(Node.prototype, 'specState');
    let events = 0;
    let built = 0;
    try {
      const traced = traceScenario(s, join(dir, 'compact.ndjson'), { eventLog: false }, 'test/node/compactTraceCosts.test.ts', true);
      expect(traced.run.violations).toEqual([]);
      events = traced.events;
      built = builds.mock.calls.length; // read before mockRestore, which clears it
    } finally {
      builds.mockRestore();
    }
    expect(events).toBeGreaterThan(1_000);
    expect(built, `${built} whole states built over ${events} events`).toBeLessThanOrEqual(s.nodes);
  });
});
