/**
 * A long untraced run holds, in every node, what is in flight: not one entry per slot or
 * request of the history. Each figure is read after N requests and after 4N; a structure that
 * keeps something per slot (a finished commander, an empty route, a journal nobody drains)
 * is four times larger at the end. The simulator, told to keep no history, keeps none either.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { NodeApi, NodeId } from '../../src/node/api.js';
import { JournaledMap } from '../../src/node/journaledMap.js';
import type { Role } from '../../src/node/role.js';
import { defaultNodeFactory } from '../../src/sim/nodeFactory.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import { simConfigOf } from '../../src/sim/scenario.js';
import { Simulator } from '../../src/sim/simulator.js';
import type { SimResult } from '../../src/sim/types.js';

const OPS_PER_CLIENT = 400;
const CLIENTS = 3;
const EARLY = (OPS_PER_CLIENT * CLIENTS) / 4;

/** What a node holds that must not follow the history: read through private fields on purpose. */
interface Held { routes: number; commanders: number; leaders: number; journaled: number; journals: number }

function held(node: NodeApi): Held {
  const n = node as unknown as { routed: Map<string, unknown>; roles: Set<Role> };
  let commanders = 0;
  let leaders = 0;
  let journaled = 0;
  let journals = 0;
  for (const role of n.roles) {
    if (role.name === 'Leader') {
      leaders++;
      commanders = (role as unknown as { commanders: Map<Role, number> }).commanders.size;
    }
    for (const value of Object.values(role)) {
      // A journal only a trace drains: untraced, none may be started.
      if (value instanceof JournaledMap) {
        journals++;
        journaled += (value as unknown as { before: Map<unknown, unknown> | null }).before?.size ?? 0;
      }
    }
  }
  return { routes: n.routed.size, commanders, leaders, journaled, journals };
}

function longRun(): { early: Map<NodeId, Held>; late: Map<NodeId, Held>; result: SimResult } {
  const nodes = new Map<NodeId, NodeApi>();
  const early = new Map<NodeId, Held>();
  const scenario = {
    seed: 11, nodes: 3, app: 'kv' as const, workload: { clients: CLIENTS, ops: OPS_PER_CLIENT },
    schedule: scheduleOf({ loss: 0.02 }, []),
  };
  const result = new Simulator({
    ...simConfigOf(scenario, { track: false, eventLog: false, checkpointEvery: 50 }),
    keepHistory: false,
    createNode: (...args) => { const node = defaultNodeFactory(...args); nodes.set(args[0], node); return node; },
    onDecided: (decided) => { if (decided === EARLY) for (const [id, node] of nodes) early.set(id, held(node)); },
  }).run();
  const late = new Map([...nodes].map(([id, node]) => [id, held(node)]));
  return { early, late, result };
}

describe('an untraced node over a long run', () => {
  let run: ReturnType<typeof longRun>;
  beforeAll(() => { run = longRun(); });

  it('completes, and is sampled after a quarter of it', () => {
    expect(run.result.completed).toBe(true);
    expect([...run.early.keys()].sort()).toEqual([1, 2, 3]);
  });

  it('routes only to the commanders and scouts that still run (Node.routed)', () => {
    for (const [id, late] of run.late) {
      expect(late.routes, `node ${id}`).toBeLessThanOrEqual(20);
      expect(late.routes, `node ${id}`).toBeLessThanOrEqual(run.early.get(id)!.routes + 10);
    }
  });

  it('its leader tracks only the commanders that still run (Leader.commanders)', () => {
    for (const [id, late] of run.late) {
      expect(late.leaders, `node ${id} hosts a Leader (else this test passes vacuously)`).toBe(1);
      expect(late.commanders, `node ${id}`).toBeLessThanOrEqual(20);
      expect(late.commanders, `node ${id}`).toBeLessThanOrEqual(run.early.get(id)!.commanders + 10);
    }
  });

  it('journals nothing while nobody traces it (JournaledMap)', () => {
    for (const [id, late] of run.late) {
      // The replica's decisions are a JournaledMap: finding none would make this test pass vacuously.
      expect(late.journals, `node ${id}`).toBeGreaterThan(0);
      expect(late.journaled, `node ${id}`).toBe(0);
    }
  });

  it('the simulator keeps no record per request when told to keep no history (keepHistory: false)', () => {
    expect(run.result.stats.invokes).toBeGreaterThanOrEqual(OPS_PER_CLIENT * CLIENTS);
    expect(run.result.acks).toHaveLength(0);
    expect(run.result.inputs.size).toBe(0);
  });
});
