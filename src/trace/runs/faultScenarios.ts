/**
 * Seeded fault-injected scenarios for trace validation in CI: every run mixes message loss,
 * duplication, reordering and some timed faults (partitions, crashes with restart, leader
 * kills and isolations, loss bursts). The seed fixes everything, so a failing trace can be
 * regenerated from its seed alone.
 */
import { Prng } from '../../sim/prng.js';
import type { Scenario } from '../../sim/scenario.js';
import type { Fault } from '../../sim/schedule.js';
import { scheduleOf } from '../../sim/schedule.js';

/** Faults one scenario may schedule: enough to mix several kinds, few enough for runs to finish. */
export const MAX_SCENARIO_FAULTS = 4;

export function faultScenario(seed: number): Scenario {
  const rng = Prng.fromSeed(seed * 7919 + 17);
  const nodes = rng.chance(0.7) ? 3 : 5;
  const faults: Fault[] = [];
  const count = rng.int(1, MAX_SCENARIO_FAULTS);
  let t = rng.int(20, 200);
  for (let i = 0; i < count; i++) {
    const kind = rng.int(0, 4);
    if (kind === 0) {
      const cut = rng.int(1, nodes - 1);
      faults.push({ kind: 'partition', at: t, heal: t + rng.int(300, 2000), groups: [Array.from({ length: cut }, (_, j) => j + 1)] });
    } else if (kind === 1) {
      faults.push({ kind: 'crash', at: t, node: rng.int(1, nodes), restart: t + rng.int(200, 1500) });
    } else if (kind === 2) {
      faults.push({ kind: 'killLeader', at: t, restart: t + rng.int(300, 2000) });
    } else if (kind === 3) {
      faults.push({ kind: 'isolateLeader', at: t, heal: t + rng.int(300, 2000) });
    } else {
      faults.push({ kind: 'lossBurst', at: t, until: t + rng.int(100, 800), loss: 0.5 });
    }
    t += rng.int(200, 1500);
  }
  const network = {
    loss: rng.int(0, 15) / 100,
    duplicate: rng.int(0, 30) / 100,
    reorder: rng.int(0, 30) / 100,
    reorderMs: rng.int(5, 60),
  };
  return {
    seed,
    nodes,
    app: rng.chance(0.5) ? 'bank' : 'kv',
    workload: { clients: rng.int(1, 3), ops: rng.int(2, 6) },
    schedule: scheduleOf(network, faults),
  };
}
