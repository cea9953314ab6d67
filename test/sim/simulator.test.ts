import { describe, expect, it } from 'vitest';
import type { Envelope, NodeApi, NodeEnvironment, NodeOptions, TraceEvent } from '../../src/node/api.js';
import { defaultNodeFactory } from '../../src/member/nodeFactory.js';
import { runScenario, type Scenario } from '../../src/sim/scenario.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import type { NodeFactory } from '../../src/sim/simulator.js';

const faulty: Scenario = {
  seed: 7,
  nodes: 3,
  app: 'bank',
  workload: { clients: 2, ops: 4 },
  schedule: scheduleOf({ loss: 0.1, duplicate: 0.1, reorder: 0.2, reorderMs: 30 }, [
    { kind: 'killLeader', at: 40, restart: 1500 },
    { kind: 'partition', at: 2000, heal: 3500, groups: [[1], [2, 3]] },
  ]),
};

describe('Simulator', () => {
  it('is reproducible: the same seed and schedule give a byte-identical event log', () => {
    const a = runScenario(faulty);
    const b = runScenario(faulty);
    expect(a.result.log.length).toBeGreaterThan(100);
    expect(JSON.stringify(b.result.log)).toBe(JSON.stringify(a.result.log));
    expect(JSON.stringify(b.result.acks)).toBe(JSON.stringify(a.result.acks));
    const c = runScenario({ ...faulty, seed: 8 });
    expect(JSON.stringify(c.result.log)).not.toBe(JSON.stringify(a.result.log));
  });

  it('hands every node its own deep copy of each message', () => {
    const sent = new Map<string, Envelope[]>();
    const received: unknown[] = [];
    const spy: NodeFactory = (id, peers, options, env) => {
      const node = defaultNodeFactory(id, peers, options, env);
      const wrap = <T extends { messages: readonly Envelope[] }>(out: T): T => {
        for (const e of out.messages) {
          const k = JSON.stringify(e);
          sent.set(k, [...(sent.get(k) ?? []), e]);
        }
        return out;
      };
      return new Proxy(node, {
        get(target, prop, receiver) {
          if (prop === 'receive') {
            return (env2: unknown) => {
              received.push(env2);
              const out = wrap(target.receive(env2));
              // Scribbling on a delivered message must not affect any other delivery.
              (env2 as { message: { type: string } }).message.type = 'Scribbled';
              return out;
            };
          }
          if (prop === 'start' || prop === 'fireTimer' || prop === 'invoke') {
            const f = Reflect.get(target, prop, receiver) as (...a: unknown[]) => { messages: readonly Envelope[] };
            return (...a: unknown[]) => wrap(f.apply(target, a));
          }
          return Reflect.get(target, prop, receiver);
        },
      });
    };
    const run = runScenario({ ...faulty, schedule: scheduleOf({ duplicate: 0.5 }) }, { createNode: spy });
    expect(run.violations).toEqual([]);
    expect(run.result.completed).toBe(true);
    expect(run.result.stats.duplicated).toBeGreaterThan(0);
    expect(new Set(received).size).toBe(received.length);
    const originals = new Set([...sent.values()].flat());
    for (const r of received) expect(originals.has(r as Envelope)).toBe(false);
  });

  it('restarts a crashed node as a fresh Node over the same storage, resuming trace numbering', () => {
    const boots: { id: number; startAs: string | undefined; env: NodeEnvironment }[] = [];
    const factory: NodeFactory = (id, peers, options: NodeOptions, env) => {
      boots.push({ id, startAs: options.startAs, env });
      return defaultNodeFactory(id, peers, options, env);
    };
    const events = new Map<number, TraceEvent[]>();
    const run = runScenario(
      { ...faulty, schedule: scheduleOf({}, [{ kind: 'crash', at: 30, node: 2, restart: 600 }]) },
      { createNode: factory, trace: (n) => (e) => { events.set(n, [...(events.get(n) ?? []), e]); } },
    );
    expect(run.violations).toEqual([]);
    const twos = boots.filter((b) => b.id === 2);
    expect(twos.map((b) => b.startAs)).toEqual(['member', 'join']);
    // The new incarnation starts from what the old one made durable: the acceptor and
    // leader state of its last step before the crash.
    expect(twos[0]!.env.durable).toBeUndefined();
    const twoEvents = events.get(2)!;
    const lastBeforeCrash = twoEvents[twoEvents.findIndex((e) => e.action === 'NodeRestart') - 1]!.state;
    expect(lastBeforeCrash.aBallot).not.toEqual({ num: 0, leader: 0 });
    const recovered = twos[1]!.env.durable!;
    expect({ aBallot: recovered.aBallot, lBallot: recovered.lBallot, aAccepted: [...recovered.aAccepted].sort((a, b) => a.slot - b.slot) })
      .toEqual({ aBallot: lastBeforeCrash.aBallot, lBallot: lastBeforeCrash.lBallot, aAccepted: [...lastBeforeCrash.aAccepted].sort((a, b) => a.slot - b.slot) });
    expect(twos[1]!.env.resume?.traceSeq).toBeGreaterThan(0);
    for (const [n, list] of events) {
      expect(list.every((e) => e.node === n)).toBe(true);
      expect(list.map((e) => e.seq)).toEqual(list.map((_, i) => i + 1));
    }
    expect(run.result.stats.crashes).toBe(1);
    expect(run.result.stats.restarts).toBe(1);
  });

  it('counts leader elections from the wire, consistent with the trace', () => {
    const run = runScenario(faulty, { countActions: true });
    const adopted = run.result.stats.actions.LeaderReceiveAdopted ?? 0;
    expect(run.result.stats.leaderElections).toBeGreaterThanOrEqual(2);
    expect(run.result.stats.leaderElections).toBeLessThanOrEqual(adopted);
    expect(run.result.stats.leaderChanges).toBeLessThanOrEqual(run.result.stats.leaderElections - 1);
  });

  it('every run is bounded: maxEvents and maxTimeMs stop it', () => {
    const short = runScenario(faulty, { maxEvents: 50 });
    expect(short.result.stopReason).toBe('maxEvents');
    expect(short.result.stats.events).toBe(50);
    // A majority crashed for good: nothing can be decided; the run still ends.
    const stuck = runScenario(
      { ...faulty, schedule: scheduleOf({}, [{ kind: 'crash', at: 0, node: 1, restart: null }, { kind: 'crash', at: 0, node: 2, restart: null }]) },
      { maxTimeMs: 20_000 },
    );
    expect(stuck.result.stopReason).toBe('maxTime');
    expect(stuck.result.completed).toBe(false);
    expect(stuck.result.acks).toEqual([]);
  });

  it('rejects a client on a node outside the cluster', () => {
    expect(() => runScenario({ ...faulty, nodes: 0 })).toThrow(/positive integer|1\.\.0/);
  });
});
