/**
 * Trace validation of the real implementation: seeded fault-injected simulations (loss,
 * duplication, reordering, partitions, crashes, leader kills) are traced and every trace must
 * pass, in both the full and the compact form; one is also replayed through the embedded spec.
 * The 200-run version is scripts/validate-sim-traces.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTrace, formatVerdict } from '../../src/trace/replay/check.js';
import { faultScenario } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';
import { replayCommand } from '../../src/sim/scenario.js';

const RUNS = 12;

describe('traces of fault-injected simulations pass the checker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-traces-test-'));
  let events = 0;
  let faults = 0;
  for (let r = 0; r < RUNS; r++) {
    const compact = r % 2 === 1;
    // From 5001: 5000 is one of validate-traces' long runs (1,000 commands), too slow here.
    it(`seed ${5001 + r} (${compact ? 'compact' : 'full'} events)`, async () => {
      const s = faultScenario(5001 + r);
      faults += s.schedule.faults.length;
      const path = join(dir, `sim-${s.seed}.ndjson`);
      const traced = traceScenario(s, path, { eventLog: false }, 'test/trace/simTraces.test.ts', compact);
      expect(traced.run.violations).toEqual([]);
      const v = await checkTrace({ name: path, files: [path] }, r === 0 ? { embedded: true, embeddedMaxEvents: 80 } : {});
      expect(v.ok, `${formatVerdict(v)}\n${replayCommand(s)}`).toBe(true);
      expect(v.events).toBe(traced.events);
      events += v.events;
    }, 300_000);
  }
  it('validated a meaningful volume', () => {
    console.log(`sim traces: ${RUNS} traces, ${events} events, ${faults} timed faults`);
    expect(events).toBeGreaterThan(RUNS * 100);
    expect(faults).toBeGreaterThan(RUNS);
  });
});
