/**
 * A mutant whose broken step trips the real code's own assertion stops its run there: the trace
 * ends before the step and passes the checker, so the mutant "survives". The outcome must say
 * the run stopped, and why, so that the survival is not read as a bug the checker misses (the
 * first version of SkipPhaseOne did exactly this).
 */
import { describe, expect, it } from 'vitest';
import type { Propose } from '../../src/protocol/messages.js';
import { Leader } from '../../src/roles/leader.js';
import { describeOutcome, runMutant } from '../../src/mutants/run.js';
import { defaultNodeFactory, type NodeFactory } from '../../src/sim/nodeFactory.js';
import { scheduleOf } from '../../src/sim/schedule.js';

/** Drives a proposal while passive through spawnCommander, whose assertion refuses it. */
class AssertedSkipPhaseOneLeader extends Leader {
  override receivePropose(m: Propose): void {
    super.receivePropose(m);
    if (!this.active) this.spawnCommander(m.slot, m.prop);
  }
}

const withLeader: NodeFactory = (id, peers, options, env) =>
  defaultNodeFactory(id, peers, { ...options, roles: { ...options.roles, Leader: AssertedSkipPhaseOneLeader } }, env);

describe('a mutant run stopped by the node\'s own assertion', () => {
  it('survives the checker, and its outcome names the assertion', async () => {
    const o = await runMutant({
      name: 'AssertedSkipPhaseOne', breaks: 'phase 1 before phase 2', createNode: withLeader,
      scenarios: [{ seed: 1, nodes: 3, app: 'kv', workload: { clients: 2, ops: 4 }, schedule: scheduleOf() }],
    });
    expect(o.killed).toBe(false);
    expect(o.crashed).toMatch(/spawns a commander while passive/);
    expect(describeOutcome(o)).toMatch(/^SURVIVED AssertedSkipPhaseOne \(1 traces checked; a run stopped before its trace could show the bug: a node failed its own assertion, at [\d.]+ ms, handling .*spawns a commander while passive/);
  });
});
