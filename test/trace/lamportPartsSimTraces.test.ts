/**
 * A simulated run's trace split into one part per node and merged back by Lamport clock (what
 * check-traces does with the parts real processes write) must still pass: that holds only if
 * every node raised its clock past the clock of each message it received, so that a receive
 * sorts after its send. The simulator's single-file traces are written in real order and never
 * test the clocks; a node that stops following its peers' clocks (on the in-process path the
 * simulator uses, say) would go unnoticed there and break every multi-process trace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTraceSync, formatVerdict } from '../../src/trace/replay/check.js';
import { faultScenario } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';
import { perNodeParts } from './perNodeParts.js';

const dir = mkdtempSync(join(tmpdir(), 'lamport-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a simulated trace split into per-node parts and merged by Lamport clock', () => {
  it.each([2, 9])('seed %i: passes the checker, every receive after its send', (seed) => {
    const path = join(dir, `sim-${seed}.ndjson`);
    traceScenario(faultScenario(seed), path, { eventLog: false }, 'test/trace/lamportPartsSimTraces.test.ts', true);
    const { files, events } = perNodeParts(path, dir, `sim-${seed}`);
    const verdict = checkTraceSync({ name: `sim-${seed} parts`, files });
    expect(verdict.failure, formatVerdict(verdict)).toBeUndefined();
    expect(verdict.events).toBe(events);
  });
});
