/**
 * withRacingLeaders, the shape validate-traces runs so that leaders adopt two values for one
 * slot: what it keeps and replaces, what it refuses, and that its runs get there (checked on a
 * known seed: the coverage count the script requires over its racing runs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTrace, formatVerdict } from '../../src/trace/replay/check.js';
import { RACE_NODES, faultScenario, isLongRun, withRacingLeaders } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import type { Scenario } from '../../src/sim/scenario.js';

const formedAtStart = (from: number): Scenario => {
  for (let seed = from; ; seed++) {
    const s = faultScenario(seed);
    if (s.formation !== 'seed' && !isLongRun(s)) return s;
  }
};

describe('withRacingLeaders', () => {
  it('keeps the seed, app and node options; gives five nodes a client each, 40% loss and the leader isolated eight times', () => {
    const drawn = { ...formedAtStart(1), checkpointEvery: 4, maxPromiseBytes: 400 };
    const r = withRacingLeaders(drawn);
    expect({ seed: r.seed, app: r.app, checkpointEvery: r.checkpointEvery, maxPromiseBytes: r.maxPromiseBytes })
      .toEqual({ seed: drawn.seed, app: drawn.app, checkpointEvery: 4, maxPromiseBytes: 400 });
    expect(r.nodes).toBe(RACE_NODES);
    expect(r.workload.clients).toBe(RACE_NODES);
    expect(r.schedule.network.loss).toBe(0.4);
    const faults = r.schedule.faults;
    expect(faults).toHaveLength(8);
    for (const [i, f] of faults.entries()) {
      expect(f.kind).toBe('isolateLeader');
      if (f.kind !== 'isolateLeader') continue;
      expect(f.heal).toBeGreaterThan(f.at);
      // Healed before the next one starts: each isolation cuts off the leader of that moment.
      if (i > 0) expect(f.at).toBeGreaterThan((faults[i - 1] as typeof f).heal);
    }
    expect(withRacingLeaders(drawn, 3).nodes).toBe(3);
    expect(withRacingLeaders(drawn, 3).workload.clients).toBe(3);
  });

  it('forms its cluster at start, and refuses a long run and fewer than three nodes', () => {
    const base: Scenario = { seed: 9, nodes: 3, app: 'kv', workload: { clients: 2, ops: 4 }, schedule: scheduleOf() };
    // A Seed's hand-over would wait out the isolations: the racing run starts formed.
    expect(withRacingLeaders({ ...base, formation: 'seed' })).toEqual(withRacingLeaders(base));
    expect('formation' in withRacingLeaders({ ...base, formation: 'seed' })).toBe(false);
    expect(() => withRacingLeaders({ ...base, workload: { clients: 5, ops: 200 } })).toThrow(/long run/);
    for (const bad of [2, 3.5, Number.NaN]) expect(() => withRacingLeaders(base, bad)).toThrow(/at least 3 nodes/);
  });

  describe('its runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'racing-leaders-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('adopt two values for one slot at one ballot number (seed 25, whose run kills TieBreakPValueLeader), and pass the checker', async () => {
      const base: Scenario = { seed: 25, nodes: 3, app: 'kv', workload: { clients: 2, ops: 4 }, schedule: scheduleOf() };
      const path = join(dir, 'race-25.ndjson');
      traceScenario(withRacingLeaders(base), path, { eventLog: false }, 'test/trace/racingLeaders.test.ts', true);
      const v = await checkTrace({ name: path, files: [path] }, { coverage: true });
      expect(v.ok, formatVerdict(v)).toBe(true);
      expect(v.coverage!.rivalTies).toBeGreaterThan(0);
      expect(v.coverage!.rivalAdoptions).toBeGreaterThanOrEqual(v.coverage!.rivalTies);
    }, 60_000);
  });
});
