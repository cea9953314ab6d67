/**
 * The fuzzer must catch a broken node and report it usefully. The mutant Replica forgets
 * which requests it executed (hiding it from the node's own assertions), so a request
 * decided in two slots (which happens when a proposal is re-proposed after loss or a
 * leader change) runs twice; only the simulator's checks can see it. fast-check must find
 * a failing schedule, shrink it, and the message must carry a replay command that
 * reproduces the failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Node } from '../../src/node/node.js';
import type { RoleHost } from '../../src/node/role.js';
import { Replica } from '../../src/roles/replica.js';
import type { NodeFactory } from '../../src/sim/simulator.js';
import { runScenario, type Scenario } from '../../src/sim/scenario.js';
import { parseSchedule } from '../../src/sim/schedule.js';
import { scenarioArb } from './arbitraries.js';
import { PROPERTY_BOUNDS, assertSafe } from './safety.js';

class ForgetfulReplica extends Replica {
  constructor(host: RoleHost) {
    super(host);
  }
  protected override execute(slot: number, decided: Parameters<Replica['execute']>[1]): void {
    // Forget both records, so the node's own "executed twice" assertion stays quiet.
    this.executed.clear();
    this.executedLog = [];
    super.execute(slot, decided);
  }
}

const mutantNode: NodeFactory = (id, peers, options, env) =>
  new Node(id, peers, env, { ...options, roles: { ...options.roles, Replica: ForgetfulReplica } });

describe('the fuzzer against a mutant node', () => {
  it('finds a run where a request executes twice, shrinks it, and prints a working replay command', () => {
    const outcome = fc.check(
      fc.property(scenarioArb('bank', [3]), (s) => assertSafe(s, { createNode: mutantNode })),
      // A request decided twice needs a re-proposal after loss or a change of leader: about 1 run in
      // 200 of these schedules since replicas leave a silent leader sooner (Replica.hasWorkForLeader).
      { numRuns: 500, seed: 20261125 },
    );
    expect(outcome.failed).toBe(true);
    const message = String((outcome.errorInstance as Error).message);
    expect(message).toMatch(/executed request \S+ twice/);
    const replay = /--seed (\d+) --nodes (\d+) --app (\w+) --workload '([^']+)' --schedule '([^']+)'/.exec(message);
    expect(replay, message).not.toBeNull();
    const [, seed, nodes, app, workload, schedule] = replay!;
    const scenario: Scenario = {
      seed: Number(seed), nodes: Number(nodes), app: app as 'bank',
      workload: JSON.parse(workload!), schedule: parseSchedule(JSON.parse(schedule!), Number(nodes)),
    };
    // The printed scenario is the shrunk counterexample, and replaying it fails the same way.
    expect(scenario).toEqual(JSON.parse(JSON.stringify(outcome.counterexample![0])));
    const again = runScenario(scenario, { ...PROPERTY_BOUNDS, createNode: mutantNode });
    expect(again.violations.join('\n')).toMatch(/twice/);
    // The real node passes the same scenario.
    expect(runScenario(scenario, PROPERTY_BOUNDS).violations).toEqual([]);
  });
});
