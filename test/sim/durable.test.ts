/**
 * The simulator as a host of the incremental durable log: what the nodes write per command
 * stays constant as the log grows, and what they write is what they recover.
 */
import { describe, expect, it } from 'vitest';
import type { NodeApi, Output, StateMachine } from '../../src/node/api.js';
import { defaultNodeFactory } from '../../src/member/nodeFactory.js';
import { runScenario } from '../../src/sim/scenario.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import { Simulator, type NodeFactory } from '../../src/sim/simulator.js';
import { recordFileBytes } from '../../src/storage/record.js';

const COMMANDS = 1000;
const WINDOW = 100;

/** Every command has the same input, so any growth in bytes per command is the log's. */
const count: StateMachine<number> = { initial: () => 0, apply: (n) => [n + 1, n + 1] };

/** A node factory that adds up the file bytes of every record a node hands its host, and
 * notes the running total each time a client gets a result. */
function measuring(): { factory: NodeFactory; bytesAtResult: number[]; total: () => number } {
  let bytes = 0;
  const bytesAtResult: number[] = [];
  const seen = (out: Output): void => {
    for (const record of out.durable) bytes += recordFileBytes(record);
    for (let i = 0; i < out.results.length; i++) bytesAtResult.push(bytes);
  };
  const factory: NodeFactory = (id, peers, options, env) => {
    const node = defaultNodeFactory(id, peers, options, env);
    return new Proxy(node, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== 'start' && prop !== 'receive' && prop !== 'fireTimer' && prop !== 'invoke') return value;
        return (...args: unknown[]) => {
          const out = (value as (...a: unknown[]) => Output).apply(target, args);
          seen(out);
          return out;
        };
      },
    }) as NodeApi;
  };
  return { factory, bytesAtResult, total: () => bytes };
}

describe('durable writes in the simulator', () => {
  it(`cost the same bytes per command over ${COMMANDS} commands: the last hundred write about what the first hundred did`, () => {
    const m = measuring();
    const result = new Simulator({
      seed: 1, nodes: 3, stateMachine: count, schedule: scheduleOf(), createNode: m.factory, track: false, eventLog: false, measureDurableBytes: true,
      clients: [{ node: 1, inputs: Array.from({ length: COMMANDS }, () => 'x') }],
    }).run();

    expect(result.acks).toHaveLength(COMMANDS);
    const at = (commands: number) => (commands === 0 ? 0 : m.bytesAtResult[commands - 1]!);
    const first = at(WINDOW) - at(0);
    const last = at(COMMANDS) - at(COMMANDS - WINDOW);
    // Three acceptors accept each command: a few hundred bytes, not the whole log (the
    // interface this replaced wrote 25.6 MB for the last hundred commands, 19x the first).
    expect(last / WINDOW).toBeLessThan(500);
    expect(last).toBeLessThan(first * 1.1);
    expect(last).toBeGreaterThan(first * 0.9);
    // The simulator's own count is the same measure.
    expect(result.stats.durable.bytes).toBe(m.total());
  });

  it('syncs once per call that appended, and restarted nodes keep what they appended (crash scenario, tracked checks pass)', () => {
    const run = runScenario({
      seed: 5, nodes: 3, app: 'bank', workload: { clients: 2, ops: 6 },
      schedule: scheduleOf({ loss: 0.05 }, [{ kind: 'killLeader', at: 200, restart: 900 }, { kind: 'crash', at: 1200, node: 3, restart: 1800 }]),
    });

    expect(run.violations).toEqual([]);
    expect(run.result.stats.restarts).toBe(2);
    const { records, syncs } = run.result.stats.durable;
    expect(syncs).toBeGreaterThan(0);
    expect(records).toBeGreaterThanOrEqual(syncs);
    expect(run.result.stats.durable.bytes).toBe(0); // counted only with measureDurableBytes
  });
});
