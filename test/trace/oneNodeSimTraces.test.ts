/**
 * A cluster of one node, crashed and restarted twice (with and without checkpoints, full and
 * compact traces): every run finishes its clients, is safe, and its trace passes the checker.
 * Before session 36 the restarted node waited for a Welcome nobody could send (every later
 * request timed out), and its NodeRestart event showed no Join sent, which the spec's
 * NodeRestart always sends (to nobody, in a cluster of one).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/sim/scenario.js';
import { checkTraceSync, formatVerdict } from '../../src/trace/replay/check.js';
import { faultScenario } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';

const dir = mkdtempSync(join(tmpdir(), 'one-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The seed's network and workload on one node, with two crashes that restart. */
function oneNode(seed: number, checkpointEvery: number): Scenario {
  const s = faultScenario(seed);
  return {
    ...s, nodes: 1, checkpointEvery, formation: 'members', workload: { clients: 2, ops: 12 },
    schedule: { network: s.schedule.network, faults: [{ kind: 'crash', at: 60, node: 1, restart: 400 }, { kind: 'crash', at: 900, node: 1, restart: 1300 }] },
  };
}

describe('a one-node cluster that restarts', () => {
  for (const checkpointEvery of [0, 3]) {
    for (const seed of [1, 2, 3]) {
      it(`finishes, is safe and its trace passes (seed ${seed}, checkpointEvery ${checkpointEvery})`, () => {
        const path = join(dir, `s${seed}-c${checkpointEvery}.ndjson`);
        const { run } = traceScenario(oneNode(seed, checkpointEvery), path, {}, 'test', seed % 2 === 0);
        expect(run.violations).toEqual([]);
        expect(run.result.nodeError).toBeUndefined();
        expect(run.result.completed).toBe(true);
        const v = checkTraceSync({ name: path, files: [path] });
        expect(v.ok, formatVerdict(v)).toBe(true);
        // Both restarts are in the trace, each with the Join the spec's NodeRestart sends.
        const restarts = readFileSync(path, 'utf8').split('\n').filter((l) => l.includes('"action":"NodeRestart"'));
        expect(restarts).toHaveLength(2);
        for (const l of restarts) expect((JSON.parse(l) as { sent: unknown[] }).sent).toEqual([{ type: 'Join', node: 1 }]);
      });
    }
  }
});
