/**
 * Fewer messages per request, and progress kept: an active leader sends each Accept to a
 * quorum it heard from recently and falls back to every acceptor on its retransmit timer; a
 * replica answers only clients of its own node. Every trace these runs write is one the spec
 * allows (test/trace replays them); what these tests check is that the cut messages are gone
 * and that no request waits on one: the mutants that drop the fallback stop deciding.
 */
import { describe, expect, it } from 'vitest';
import type { NodeApi } from '../../src/node/api.js';
import type { RoleFactories } from '../../src/node/role-factories.js';
import { NoFallbackCommander, SubQuorumCommander } from '../../src/mutants/liveness.js';
import { runScenario, type Scenario } from '../../src/sim/scenario.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import { defaultNodeFactory } from '../../src/sim/nodeFactory.js';
import type { NodeFactory } from '../../src/sim/types.js';

/** Builds the real nodes (or ones with `roles` injected) and keeps them, to read their send counters. */
function keptNodes(roles: Partial<RoleFactories> = {}): { factory: NodeFactory; nodes: NodeApi[] } {
  const nodes: NodeApi[] = [];
  const factory: NodeFactory = (id, peers, options, env) => {
    const node = defaultNodeFactory(id, peers, { ...options, roles: { ...options.roles, ...roles } }, env);
    nodes.push(node);
    return node;
  };
  return { factory, nodes };
}

function total(nodes: NodeApi[], counter: 'networkSent' | 'localSent' | 'sentToNone', type: string): number {
  return nodes.reduce((n, node) => n + (node.stats[counter][type] ?? 0), 0);
}

const DOWN_AT = 400;
const UP_AT = 4_000;
/** Five clients, one per node; nodes 2 and 3 crash together and come back 3.6 s later. */
const twoAcceptorsDown = (seed: number): Scenario => ({
  seed, nodes: 5, app: 'kv', workload: { clients: 5, ops: 300 },
  schedule: scheduleOf({}, [2, 3].map((node) => ({ kind: 'crash' as const, at: DOWN_AT, node, restart: UP_AT }))),
});
/** Workload requests answered while nodes 2 and 3 are down (after those already in flight). */
const answeredWhileDown = (run: ReturnType<typeof runScenario>) =>
  run.result.acks.filter((a) => !a.rid.startsWith('probe:') && a.time > DOWN_AT + 100 && a.time < UP_AT).length;

describe('an active leader sends each Accept to a recent quorum first', () => {
  it('on a reliable network, two of the four other acceptors get each Accept, and all requests are decided', () => {
    const { factory, nodes } = keptNodes();
    const run = runScenario({ seed: 1, nodes: 5, app: 'kv', workload: { clients: 5, ops: 100 }, schedule: scheduleOf() }, { createNode: factory, eventLog: false });

    expect(run.result.completed).toBe(true);
    expect(run.violations).toEqual([]);
    // The leader's own acceptor gets every Accept through the node's local queue: one per commander.
    const commanders = total(nodes, 'localSent', 'Accept');
    expect(commanders).toBeGreaterThanOrEqual(500);
    const perCommander = total(nodes, 'networkSent', 'Accept') / commanders;
    // Only the first commanders, before the leader heard any acceptor, send to all four.
    expect(perCommander).toBeGreaterThanOrEqual(2);
    expect(perCommander).toBeLessThan(2.1);
  });

  it('with two acceptors of its quorum down, falls back to the others and keeps deciding', () => {
    for (const seed of [1, 2, 3]) {
      const run = runScenario(twoAcceptorsDown(seed), { eventLog: false });
      expect(run.result.completed, `seed ${seed}`).toBe(true);
      expect(run.violations).toEqual([]);
      expect(answeredWhileDown(run), `seed ${seed}`).toBeGreaterThan(200);
    }
  });

  it('kills the mutant that never falls back: nothing is decided while an acceptor of its quorum is down', () => {
    // Seeds whose leader's recent quorum holds node 2 or 3 when they crash (seed 4's does not).
    for (const seed of [1, 2, 3]) {
      const run = runScenario(twoAcceptorsDown(seed), { createNode: keptNodes({ Commander: NoFallbackCommander }).factory, eventLog: false });
      expect(run.violations).toEqual([]);
      expect(answeredWhileDown(run), `seed ${seed}`).toBe(0);
    }
  });

  it('kills the mutant that sends to fewer acceptors than a quorum: no request is ever decided', () => {
    const scenario: Scenario = { seed: 1, nodes: 5, app: 'kv', workload: { clients: 2, ops: 5 }, schedule: scheduleOf() };
    const run = runScenario(scenario, { createNode: keptNodes({ Commander: SubQuorumCommander }).factory, eventLog: false, maxTimeMs: 20_000 });

    expect(run.result.completed).toBe(false);
    expect(run.result.acks).toEqual([]);
    expect(runScenario(scenario, { eventLog: false }).result.completed).toBe(true);
  });
});

describe('a replica answers only the clients of its own node', () => {
  it('no Invoked crosses the network; the other replicas\' answers are sent to no node, and every client is answered', () => {
    const { factory, nodes } = keptNodes();
    const run = runScenario({ seed: 2, nodes: 5, app: 'kv', workload: { clients: 5, ops: 20 }, schedule: scheduleOf({ loss: 0.05 }) }, { createNode: factory, eventLog: false });

    expect(run.result.completed).toBe(true);
    expect(run.violations).toEqual([]);
    expect(total(nodes, 'networkSent', 'Invoked')).toBe(0);
    // Each of the five replicas executes each request once and answers: one locally, four to no node.
    const answered = run.result.acks.length;
    expect(total(nodes, 'localSent', 'Invoked')).toBeGreaterThanOrEqual(answered);
    expect(total(nodes, 'sentToNone', 'Invoked')).toBeGreaterThanOrEqual(4 * answered);
  });
});
