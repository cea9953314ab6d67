/**
 * The mutant runner's verdicts (src/mutants/run.ts), on small runs: a kill is the checker
 * rejecting a trace, never the harness failing; a trace written up to a harness failure is still
 * checked; every scenario is tried until one is rejected, and the outcome names that one; and a
 * client-level kill's "spec replay alone" verdict is the spec replay's, not assumed from the kind.
 * The catalogue test (mutants.test.ts) leans on all four: without them a kill can be vacuous.
 */
import { describe, expect, it } from 'vitest';
import type { RoleFactories } from '../../src/node/role-factories.js';
import { ProposedInputReplica } from '../../src/mutants/clientRoles.js';
import { HalfQuorumScout, MinorityScout, VolatileAcceptor } from '../../src/mutants/roles.js';
import { describeOutcome, runMutant } from '../../src/mutants/run.js';
import { defaultNodeFactory, type NodeFactory } from '../../src/sim/nodeFactory.js';
import type { Scenario } from '../../src/sim/scenario.js';
import { scheduleOf } from '../../src/sim/schedule.js';

const withRoles = (roles: Partial<RoleFactories>, inner: NodeFactory = defaultNodeFactory): NodeFactory =>
  (id, peers, options, env) => inner(id, peers, { ...options, roles: { ...options.roles, ...roles } }, env);

/**
 * The harness itself fails (not a node's assertion): once the run is over, reading node 3's
 * slot for the run's result throws, so traceScenario throws after the whole trace is written.
 */
function failingResult(inner: NodeFactory): NodeFactory {
  return (id, peers, options, env) => {
    const node = inner(id, peers, options, env);
    if (id !== 3) return node;
    return new Proxy(node, {
      get(target, prop) {
        if (prop === 'slotOut') return () => { throw new Error('harness failure: cannot read node 3'); };
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  };
}

const small: Scenario = { seed: 1, nodes: 3, app: 'kv', workload: { clients: 2, ops: 4 }, schedule: scheduleOf() };

describe('the mutant runner', () => {
  it('does not count a harness failure as a kill: the real roles survive it', async () => {
    const o = await runMutant({ name: 'HarnessFails', breaks: 'nothing', createNode: failingResult(defaultNodeFactory), scenarios: [small] });
    expect(o.crashed).toMatch(/^the harness failed: harness failure: cannot read node 3/);
    // The report does not blame a node's assertion for the harness's failure.
    expect(describeOutcome(o)).toMatch(/^SURVIVED HarnessFails \(1 traces checked; a run stopped before its trace could show the bug: the harness failed: harness failure: cannot read node 3\)$/);
    expect(o.killed).toBe(false);
    expect(o.failure).toBeUndefined();
    // The trace written up to the failure was checked (and passed).
    expect(o.tracesChecked).toBe(1);
  });

  it('checks the trace written up to a harness failure: a bug before it is still a kill, by the spec', async () => {
    // MinorityScout adopts on its first promise; the harness fails only after the run.
    const o = await runMutant({ name: 'MinorityScoutThenHarnessFails', breaks: 'quorum', createNode: failingResult(withRoles({ Scout: MinorityScout })), scenarios: [small] });
    expect(o.crashed).toMatch(/harness failure/);
    expect(o.killed, describeOutcome(o)).toBe(true);
    expect(o.failure?.kind).toBe('spec');
    expect(o.failure?.action).toBe('ScoutReceivePromise');
  });

  it('tries every scenario until one is rejected, and reports that one\'s seed', async () => {
    // HalfQuorumScout is the real scout in a cluster of 3 (half is no majority there): only the 4-node run shows it.
    const three: Scenario = { ...small, seed: 7 };
    const four: Scenario = { ...three, seed: 1, nodes: 4 };
    const m = { name: 'HalfQuorumScout', breaks: 'majority', createNode: withRoles({ Scout: HalfQuorumScout }) };
    const o = await runMutant({ ...m, scenarios: [three, four] });
    expect(o.killed, describeOutcome(o)).toBe(true);
    expect(o.tracesChecked).toBe(2);
    expect(o.seed).toBe(1);
    // The reported seed is the one that kills; the other alone does not.
    expect((await runMutant({ ...m, scenarios: [four] })).killed).toBe(true);
    expect((await runMutant({ ...m, scenarios: [three] })).killed).toBe(false);
  });

  it('runs the spec replay alone to say whether it sees a client-level kill', async () => {
    // A replica applying its own proposal (seen first by AppReplay) beside a volatile acceptor (the spec sees its restart).
    const s: Scenario = {
      seed: 1, nodes: 3, app: 'kv', workload: { clients: 3, ops: 4 },
      schedule: scheduleOf({}, [{ kind: 'crash', at: 150, node: 2, restart: 450 }, { kind: 'crash', at: 750, node: 1, restart: 1150 }]),
    };
    const both = await runMutant({ name: 'OwnInputAndVolatile', breaks: 'two rules', createNode: withRoles({ Replica: ProposedInputReplica, Acceptor: VolatileAcceptor }), scenarios: [s] });
    expect(both.failure?.kind, describeOutcome(both)).toBe('client');
    expect(both.specAloneRejects).toBe(true);
    // The client bug alone: the spec replay alone accepts the trace.
    const alone = await runMutant({ name: 'OwnInput', breaks: 'applies the decided input', createNode: withRoles({ Replica: ProposedInputReplica }), scenarios: [s] });
    expect(alone.failure?.kind, describeOutcome(alone)).toBe('client');
    expect(alone.specAloneRejects).toBe(false);
  });
});
