/**
 * Gaps in the harness's own tests, each pinned by a test that fails when the harness silently
 * tests less than it claims (reviewer round: simulator, network, checks, statemachines).
 */
import { describe, expect, it } from 'vitest';
import type { Output } from '../../src/node/api.js';
import { defaultNodeFactory } from '../../src/sim/nodeFactory.js';
import { runScenario, simConfigOf, type Scenario } from '../../src/sim/scenario.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import { type NodeFactory, Simulator } from '../../src/sim/simulator.js';

/** Parses the event log's deliveries: `t D a>b Type`. */
function deliveries(log: readonly string[]): { t: number; from: number; to: number; type: string }[] {
  const out: { t: number; from: number; to: number; type: string }[] = [];
  for (const line of log) {
    const m = /^(\d+\.\d{3}) D (\d+)>(\d+) (\S+)$/.exec(line);
    if (m) out.push({ t: Number(m[1]), from: Number(m[2]), to: Number(m[3]), type: m[4]! });
  }
  return out;
}

describe('simulated partitions', () => {
  it('drop a message already in flight when the partition starts (checked at delivery, not only at send)', () => {
    // Slow links (30-40 ms) keep messages in flight at the instant the partition starts.
    const s: Scenario = {
      seed: 11, nodes: 3, app: 'kv', workload: { clients: 3, ops: 6 },
      schedule: scheduleOf({ delay: { minMs: 30, maxMs: 40 } }, [{ kind: 'partition', at: 150, heal: 900, groups: [[1], [2, 3]] }]),
    };
    const run = runScenario(s);
    expect(run.violations).toEqual([]);
    const cross = deliveries(run.result.log).filter((d) => d.t >= 150 && d.t < 900 && (d.from === 1) !== (d.to === 1));
    expect(cross).toEqual([]);
    // Messages sent before 150 and due after it: the partition had something to drop at delivery.
    const sentBefore = run.result.log.filter((l) => /^(\d+\.\d{3}) X (1>[23]|[23]>1) \S+ partition$/.test(l));
    expect(sentBefore.length).toBeGreaterThan(0);
    const crossBefore = deliveries(run.result.log).filter((d) => d.t < 150 && (d.from === 1) !== (d.to === 1));
    expect(crossBefore.length).toBeGreaterThan(0);
  });
});

describe('crashed incarnations', () => {
  it('are checked too: the state a node held when it crashed is in allStates beside the final ones', () => {
    const s: Scenario = {
      seed: 3, nodes: 3, app: 'bank', workload: { clients: 2, ops: 6 },
      schedule: scheduleOf({}, [{ kind: 'crash', at: 400, node: 2, restart: 900 }]),
    };
    const run = runScenario(s);
    expect(run.violations).toEqual([]);
    expect(run.result.stats.crashes).toBe(1);
    const crashed = run.result.allStates.filter((e) => e.node === 2 && e.incarnation === 1);
    expect(crashed).toHaveLength(1);
    expect(crashed[0]!.state.history.length).toBeGreaterThan(0);
    // One entry per live node's final state, plus the crashed incarnation's.
    expect(run.result.allStates.length).toBe(run.result.finalStates.size + 1);
  });
});

describe('a restarted node', () => {
  it('is fired only the timers it armed, not those its crashed incarnation left pending', () => {
    // A restart 50 ms after the crash: the old incarnation's heartbeat and leader timeouts are
    // still due. Each Node object notes (name, key, due time) of every timer it returned; a
    // fire that matches none is a stray the new Node never asked for.
    const s: Scenario = {
      seed: 7, nodes: 3, app: 'kv', workload: { clients: 2, ops: 4 },
      schedule: scheduleOf({}, [{ kind: 'crash', at: 200, node: 2, restart: 250 }, { kind: 'killLeader', at: 700, restart: 720 }]),
    };
    let fired = 0;
    const strays: string[] = [];
    const factory: NodeFactory = (id, peers, options, env) => {
      const node = defaultNodeFactory(id, peers, options, env);
      const due = new Map<string, number>();
      const arm = (out: Output): Output => {
        for (const t of out.timers) {
          const k = `${t.name} ${t.key} ${sim.time + t.afterMs}`;
          due.set(k, (due.get(k) ?? 0) + 1);
        }
        return out;
      };
      return new Proxy(node, {
        get(target, prop, receiver) {
          const f = Reflect.get(target, prop, receiver) as unknown;
          if (prop === 'fireTimer') {
            return (name: string, key?: string) => {
              fired++;
              const k = `${name} ${key} ${sim.time}`;
              const n = due.get(k) ?? 0;
              if (n === 0) strays.push(`node ${id} at ${sim.time}: ${name} ${key ?? ''}`);
              else due.set(k, n - 1);
              return arm(target.fireTimer(name, key));
            };
          }
          if (prop !== 'start' && prop !== 'receive' && prop !== 'invoke') return f;
          return (...a: unknown[]) => arm((f as (...b: unknown[]) => Output).apply(target, a));
        },
      });
    };
    const sim: Simulator = new Simulator(simConfigOf(s, { createNode: factory }));
    const result = sim.run();
    expect(result.stats.restarts).toBe(2);
    expect(result.completed).toBe(true);
    expect(fired).toBeGreaterThan(10);
    expect(strays).toEqual([]);
  });
});

describe('the result\'s completed flag', () => {
  it('is false while a client\'s only request is unanswered (a majority down for good)', () => {
    // One client, one request: an off-by-one in "answered every input" would call it done.
    const s: Scenario = {
      seed: 1, nodes: 3, app: 'kv', workload: { clients: 1, ops: 1 },
      schedule: scheduleOf({}, [{ kind: 'crash', at: 0, node: 2, restart: null }, { kind: 'crash', at: 0, node: 3, restart: null }]),
    };
    const r = runScenario(s, { maxTimeMs: 5000 }).result;
    expect(r.acks).toEqual([]);
    expect(r.unanswered).toHaveLength(1);
    expect(r.clients).toEqual([{ client: 0, node: 1, answered: 0, inputs: 1 }]);
    expect(r.completed).toBe(false);
  });
});
