/**
 * The implementation mutants the trace checker must kill: each a NodeFactory that builds the
 * real Node with one broken role injected (or a corrupting network), and the scenarios that
 * exercise the bug. test/mutants/mutants.test.ts runs them and checks every one is rejected.
 */
import type { RoleFactories } from '../node/role-factories.js';
import { defaultNodeFactory, type NodeFactory } from '../sim/nodeFactory.js';
import type { Scenario } from '../sim/scenario.js';
import { scheduleOf } from '../sim/schedule.js';
import {
  AcceptLowerBallotAcceptor, ExecuteTwiceReplica, LowestPValueLeader, MinorityCommander, MinorityScout,
  OutOfOrderReplica, OwnProposalLeader, PromiseOmitsAcceptedAcceptor, VolatileAcceptor, WrongSlotCommander,
} from './roles.js';
import { corruptingFactory } from './inFlight.js';

export interface Mutant {
  name: string;
  /** The rule it breaks. */
  breaks: string;
  createNode: NodeFactory;
  /** Tried in order until the checker rejects one trace. */
  scenarios: Scenario[];
}

function withRoles(roles: Partial<RoleFactories>): NodeFactory {
  return (id, peers, options, env) => defaultNodeFactory(id, peers, { ...options, roles: { ...options.roles, ...roles } }, env);
}

const base = (seed: number, over: Partial<Scenario> = {}): Scenario => ({
  seed, nodes: 3, app: 'kv', workload: { clients: 2, ops: 4 }, schedule: scheduleOf(), ...over,
});

/** Leader changes while Accepts are in flight: stale Accepts, adopted pvalues, restarts. */
const leaderChurn = (seed: number): Scenario => base(seed, {
  nodes: 3, workload: { clients: 3, ops: 6 },
  schedule: scheduleOf({ duplicate: 0.2, reorder: 0.3, reorderMs: 60, loss: 0.05 }, [
    { kind: 'killLeader', at: 40, restart: 900 },
    { kind: 'isolateLeader', at: 1200, heal: 2400 },
    { kind: 'killLeader', at: 2600, restart: 3400 },
  ]),
});
const churnSeeds = (from: number, count: number): Scenario[] => Array.from({ length: count }, (_, i) => leaderChurn(from + i));

/**
 * Five nodes, heavy loss and a leader killed four times: a slot can end up accepted with
 * different proposals under different ballots, which is what a wrong pvalue choice needs.
 */
const heavyChurn = (seed: number): Scenario => base(seed, {
  nodes: 5, workload: { clients: 5, ops: 6 },
  schedule: scheduleOf({ loss: 0.25, duplicate: 0.1, reorder: 0.4, reorderMs: 80 }, [
    { kind: 'killLeader', at: 30, restart: 400 },
    { kind: 'killLeader', at: 300, restart: 900 },
    { kind: 'isolateLeader', at: 700, heal: 1500 },
    { kind: 'killLeader', at: 1300, restart: 2000 },
    { kind: 'killLeader', at: 1900, restart: 2600 },
  ]),
});

export const MUTANTS: readonly Mutant[] = [
  { name: 'AcceptLowerBallot', breaks: 'an acceptor accepts an Accept below its promise',
    createNode: withRoles({ Acceptor: AcceptLowerBallotAcceptor }), scenarios: churnSeeds(1, 8) },
  { name: 'PromiseOmitsAccepted', breaks: 'a Promise carries the accepted pvalues',
    createNode: withRoles({ Acceptor: PromiseOmitsAcceptedAcceptor }), scenarios: churnSeeds(1, 8) },
  { name: 'MinorityScout', breaks: 'a scout adopts only with a quorum of promises',
    createNode: withRoles({ Scout: MinorityScout }), scenarios: [base(1)] },
  { name: 'MinorityCommander', breaks: 'a commander decides only with a quorum of accepts',
    createNode: withRoles({ Commander: MinorityCommander }), scenarios: [base(1)] },
  { name: 'LowestPValueLeader', breaks: 'an adopting leader takes the highest-ballot pvalue of each slot',
    // Seed 39 is the first of 1..39 whose run exercises it (found by scanning seeds).
    createNode: withRoles({ Leader: LowestPValueLeader }), scenarios: [heavyChurn(39), ...churnSeeds(1, 4)] },
  { name: 'OwnProposalLeader', breaks: 'an adopting leader replaces its own proposal by the adopted one',
    createNode: withRoles({ Leader: OwnProposalLeader }), scenarios: churnSeeds(1, 12) },
  { name: 'ExecuteOutOfOrder', breaks: 'a replica executes slots strictly in order',
    createNode: withRoles({ Replica: OutOfOrderReplica }),
    scenarios: [1, 2, 3].map((s) => base(s, { schedule: scheduleOf({ reorder: 0.5, reorderMs: 80, loss: 0.1 }) })) },
  { name: 'ExecuteTwice', breaks: 'a replica executes a request at most once',
    createNode: withRoles({ Replica: ExecuteTwiceReplica }),
    scenarios: [1, 2, 3].map((s) => base(s, { schedule: scheduleOf({ duplicate: 0.5, reorder: 0.3, reorderMs: 40 }) })) },
  { name: 'DecisionWrongSlot', breaks: 'a Decision names the slot its commander decided',
    createNode: withRoles({ Commander: WrongSlotCommander }), scenarios: [base(1)] },
  { name: 'VolatileAcceptor', breaks: "an acceptor's promise and accepted pvalues survive a restart",
    createNode: withRoles({ Acceptor: VolatileAcceptor }),
    scenarios: [1, 2, 3].map((s) => base(s, { schedule: scheduleOf({}, [{ kind: 'crash', at: 150, node: 2, restart: 600 }, { kind: 'crash', at: 900, node: 1, restart: 1400 }]) })) },
  { name: 'MessageMutatedInFlight', breaks: 'the network delivers what was sent (an Accept arrives with another proposal)',
    createNode: corruptingFactory(defaultNodeFactory), scenarios: [base(1)] },
];
