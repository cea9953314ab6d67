import { describe, expect, it } from 'vitest';
import type { Output } from '../../src/node/api.js';
import { defaultNodeFactory } from '../../src/member/nodeFactory.js';
import { checkAll } from '../../src/sim/checks.js';
import { appStateMachine, simConfigOf, type Scenario } from '../../src/sim/scenario.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import { type NodeFactory, Simulator } from '../../src/sim/simulator.js';

const scenario: Scenario = { seed: 3, nodes: 5, app: 'kv', workload: { clients: 3, ops: 20 }, schedule: scheduleOf({ loss: 0.05 }) };

describe('Simulator.addFault and onDecided (the long benchmark kills the leader every N commands)', () => {
  it('counts every acknowledged workload request once, and a leader killed from the callback is crashed and restarted', () => {
    const counts: number[] = [];
    const sim: Simulator = new Simulator({
      ...simConfigOf(scenario),
      onDecided: (n) => {
        counts.push(n);
        if (n === 20) sim.addFault({ kind: 'killLeader', at: sim.time, restart: sim.time + 500 });
      },
    });
    const result = sim.run();
    expect(result.completed).toBe(true);
    const workloadAcks = result.acks.filter((a) => !a.rid.startsWith('probe:')).length;
    expect(counts).toEqual(Array.from({ length: workloadAcks }, (_, i) => i + 1));
    expect(result.stats.faults.killLeader).toBe(1);
    expect(result.stats.crashes).toBe(1);
    expect(result.stats.restarts).toBe(1);
    expect(checkAll(result, appStateMachine('kv'))).toEqual([]);
  });

  it('refuses a fault before the run starts, and one in the past', () => {
    const idle = new Simulator(simConfigOf(scenario));
    expect(() => idle.addFault({ kind: 'killLeader', at: 0, restart: null })).toThrow(/running/);
    const errors: string[] = [];
    const sim: Simulator = new Simulator({
      ...simConfigOf(scenario),
      onDecided: (n) => {
        if (n !== 5) return;
        try { sim.addFault({ kind: 'killLeader', at: sim.time - 1, restart: null }); } catch (e) { errors.push(String(e)); }
      },
    });
    sim.run();
    expect(errors).toEqual([expect.stringMatching(/before the current time/)]);
  });

  it('records the largest message sent, in bytes of its JSON', () => {
    let largest = 0;
    let largestType = '';
    const spy: NodeFactory = (id, peers, options, env) => {
      const node = defaultNodeFactory(id, peers, options, env);
      const measure = <T extends Output>(out: T): T => {
        for (const e of out.messages) {
          const bytes = Buffer.byteLength(JSON.stringify(e));
          if (bytes > largest) [largest, largestType] = [bytes, e.message.type];
        }
        return out;
      };
      return new Proxy(node, {
        get(target, prop, receiver) {
          const f = Reflect.get(target, prop, receiver) as unknown;
          if (typeof f !== 'function' || !['start', 'receive', 'fireTimer', 'invoke'].includes(String(prop))) return f;
          return (...a: unknown[]) => measure((f as (...b: unknown[]) => Output).apply(target, a));
        },
      });
    };
    const result = new Simulator({ ...simConfigOf(scenario, { createNode: spy }), measureMessages: true }).run();
    const unmeasured = new Simulator(simConfigOf(scenario)).run();
    expect(unmeasured.stats.largestMessageBytes).toBe(0);
    expect(result.stats.largestMessageType).toBe(largestType);
    expect(unmeasured.stats.largestMessageType).toBe('');
    expect(largest).toBeGreaterThan(100);
    expect(result.stats.largestMessageBytes).toBe(largest);
  });
});
