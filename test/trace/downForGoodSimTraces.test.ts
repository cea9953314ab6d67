/**
 * Trace validation of runs that lose a node for good (scripts/validate-sim-traces.ts,
 * --down-for-good-every): the fault scenarios of validate-traces with one crash or leader kill
 * that never restarts. Their traces must pass the checker although some clients never finish
 * (those hosted on the dead node), and the majority left up must answer every other client.
 * That liveness check is what these runs add: a commander that never falls back from its
 * leader's recent quorum (NoFallbackCommander) only waits out a fault that heals, so the old
 * runs let it through, and a node down for good stops it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NoFallbackCommander } from '../../src/mutants/liveness.js';
import { checkLivenessWithNodesDown } from '../../src/sim/liveness.js';
import { defaultNodeFactory } from '../../src/sim/nodeFactory.js';
import { replayCommand, runScenario, type Scenario } from '../../src/sim/scenario.js';
import type { NodeFactory } from '../../src/sim/types.js';
import { checkTrace, formatVerdict } from '../../src/trace/replay/check.js';
import { faultScenario, isLongRun, withNodeDownForGood } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';

/** The scenarios validate-traces may give a node down for good: formed at start, not long. */
const eligible = (from: number, count: number): Scenario[] => {
  const out: Scenario[] = [];
  for (let seed = from; out.length < count; seed++) {
    const s = faultScenario(seed);
    if (s.formation !== 'seed' && !isLongRun(s)) out.push(s);
  }
  return out;
};

describe('withNodeDownForGood', () => {
  it('adds one fault that never heals to the scenario, the same for the same seed, and refuses a cluster formed from a Seed', () => {
    for (const s of eligible(1, 100)) {
      const d = withNodeDownForGood(s);
      expect(d.schedule.faults.slice(0, -1)).toEqual(s.schedule.faults);
      const added = d.schedule.faults.at(-1)!;
      expect(added.kind === 'crash' || added.kind === 'killLeader').toBe(true);
      expect('restart' in added && added.restart).toBeNull();
      expect(withNodeDownForGood(s)).toEqual(d);
    }
    const seeded = Array.from({ length: 50 }, (_, i) => faultScenario(i + 1)).find((s) => s.formation === 'seed')!;
    expect(() => withNodeDownForGood(seeded)).toThrow(/forms its cluster from a Seed/);
  });
});

describe('traces of runs with a node down for good pass the checker, and the nodes left up finish', () => {
  const dir = mkdtempSync(join(tmpdir(), 'down-for-good-traces-'));
  it('8 scenarios: safe, live for the clients of the nodes left up, every trace valid', async () => {
    let stranded = 0; let kills = 0; let events = 0;
    for (const [i, base] of eligible(7001, 8).entries()) {
      const s = withNodeDownForGood(base);
      const path = join(dir, `sim-${s.seed}.ndjson`);
      const traced = traceScenario(s, path, { eventLog: false }, 'test/trace/downForGoodSimTraces.test.ts', i % 2 === 1);
      const r = traced.run.result;
      expect(traced.run.violations, replayCommand(s)).toEqual([]);
      expect(checkLivenessWithNodesDown(r, s.nodes), replayCommand(s)).toEqual([]);
      expect(r.settled, replayCommand(s)).toBe(true);
      if (!r.completed) stranded++;
      if (s.schedule.faults.at(-1)!.kind === 'killLeader') kills++;
      const v = await checkTrace({ name: path, files: [path] });
      expect(v.ok, `${formatVerdict(v)}\n${replayCommand(s)}`).toBe(true);
      events += v.events;
    }
    // The sample holds what makes these runs different: clients left unanswered on a dead node,
    // and a leader that never comes back.
    expect(stranded).toBeGreaterThan(0);
    expect(kills).toBeGreaterThan(0);
    expect(events).toBeGreaterThan(8 * 50);
  }, 120_000);
});

describe('the liveness check of these runs kills a mutant the runs whose faults all heal let through', () => {
  const withMutant: NodeFactory = (id, peers, options, env) =>
    defaultNodeFactory(id, peers, { ...options, roles: { ...options.roles, Commander: NoFallbackCommander } }, env);
  it('NoFallbackCommander: a node of its leader\'s quorum down for good, and the clients left up never finish', () => {
    let killed = 0;
    for (const base of eligible(201, 160)) {
      const down = withNodeDownForGood(base);
      const problems = checkLivenessWithNodesDown(runScenario(down, { eventLog: false, createNode: withMutant }).result, down.nodes);
      if (problems.length === 0) continue;
      killed++;
      expect(problems[0]).toMatch(/stayed up .* yet these clients did not finish/);
      // The real commander keeps those clients going, and the mutant finishes once every fault heals.
      expect(checkLivenessWithNodesDown(runScenario(down, { eventLog: false }).result, down.nodes)).toEqual([]);
      expect(runScenario(base, { eventLog: false, createNode: withMutant }).result.completed, replayCommand(base)).toBe(true);
    }
    console.log(`NoFallbackCommander killed in ${killed} of 160 down-for-good runs`);
    expect(killed).toBeGreaterThan(0);
  });
});
