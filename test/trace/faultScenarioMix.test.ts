/**
 * The fault mix validate-sim-traces runs: every fault kind the schedule language has must be
 * drawn, in the seeds CI runs (validate-traces: seeds 1..200, --runs 40: seeds 1..40), and no
 * kind may be drawn far less often than the others (each of the five is drawn uniformly).
 */
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, type FaultKind } from '../../src/sim/schedule.js';
import { faultScenario, isLongRun } from '../../src/trace/runs/faultScenarios.js';

function kindCounts(from: number, to: number): Record<FaultKind, number> {
  const counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  for (let seed = from; seed <= to; seed++) for (const f of faultScenario(seed).schedule.faults) counts[f.kind]++;
  return counts;
}

describe('faultScenario', () => {
  it('draws every fault kind within the first 40 seeds (what validate-sim-traces --runs 40 runs)', () => {
    const counts = kindCounts(1, 40);
    for (const k of FAULT_KINDS) expect({ kind: k, drawn: counts[k] > 0 }).toEqual({ kind: k, drawn: true });
  });

  it('draws each timed fault kind in at least a tenth of the draws over seeds 1..200', () => {
    const counts = kindCounts(1, 200);
    // The seeded-formation crash is extra; the rest are drawn uniformly over the five kinds.
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    for (const k of FAULT_KINDS) expect({ kind: k, share: counts[k] / total > 0.1 }).toEqual({ kind: k, share: true });
  });

  it('with a size, draws the same scenario for that many nodes, faults within them, and refuses fewer than 3', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const drawn = faultScenario(seed);
      const nine = faultScenario(seed, 9);
      expect(nine.nodes).toBe(9);
      // Draws over the node count change (which node crashes, where a partition cuts); the rest stay.
      expect({ ...nine, nodes: drawn.nodes, schedule: drawn.schedule, workload: drawn.workload }).toEqual(drawn);
      expect(nine.schedule.network).toEqual(drawn.schedule.network);
      expect(nine.schedule.faults.map((f) => [f.kind, f.at])).toEqual(drawn.schedule.faults.map((f) => [f.kind, f.at]));
      for (const f of nine.schedule.faults) {
        if (f.kind === 'crash') expect(f.node).toBeLessThanOrEqual(9);
        if (f.kind === 'partition') expect(f.groups[0]!.length).toBeLessThan(9);
      }
      if (drawn.formation === 'seed' && !isLongRun(drawn)) expect(nine.workload.clients).toBe(9);
      if (drawn.nodes === 5 || drawn.nodes === 3) expect(faultScenario(seed, drawn.nodes)).toEqual(drawn);
    }
    for (const bad of [0, 2, 3.5, Number.NaN]) expect(() => faultScenario(1, bad)).toThrow(/at least 3 nodes/);
  });

  it('restarts every crash and killed leader it schedules, heals every partition and ends every burst after it starts', () => {
    for (let seed = 1; seed <= 200; seed++) {
      for (const f of faultScenario(seed).schedule.faults) {
        const end = f.kind === 'partition' || f.kind === 'isolateLeader' ? f.heal : f.kind === 'lossBurst' ? f.until : f.restart;
        expect(end, `seed ${seed} ${f.kind}`).not.toBeNull();
        expect(end!, `seed ${seed} ${f.kind}`).toBeGreaterThan(f.at);
      }
    }
  });
});
