/**
 * A planted mutant must be the code that runs: the class a NodeOptions.roles injects is the one
 * every incarnation of the node hosts (a restart rebuilds the roles through Bootstrap), and a
 * mutant differs from the real role, and from its neighbours in the catalogue, on a small input.
 * Otherwise a catalogue kill can be another mutant's, or none of the mutant's own doing.
 */
import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/node/role.js';
import type { RoleFactories } from '../../src/node/role-factories.js';
import { Acceptor } from '../../src/roles/acceptor.js';
import { Leader } from '../../src/roles/leader.js';
import { Replica } from '../../src/roles/replica.js';
import { RedriveExecutedLeader, SlotInMarkLeader } from '../../src/mutants/roles.js';
import { Cluster } from '../node/harness.js';

class InjectedAcceptor extends Acceptor {}
class InjectedReplica extends Replica {}
class InjectedLeader extends Leader {}

const roleOf = (c: Cluster, id: number, name: string): Role => c.node(id).hostedRoles().find((r) => r.name === name)!;

describe('injected roles', () => {
  it('are the ones a restarted node hosts, not the defaults', () => {
    const c = new Cluster([1, 2, 3], { roles: { Acceptor: InjectedAcceptor, Replica: InjectedReplica, Leader: InjectedLeader } });
    c.invoke(1, 1, '4');
    c.run();
    const expected: [string, new (...a: never[]) => Role][] = [['Acceptor', InjectedAcceptor], ['Replica', InjectedReplica], ['Leader', InjectedLeader]];
    for (const [name, cls] of expected) expect(roleOf(c, 3, name), `${name} before the restart`).toBeInstanceOf(cls);

    c.restart(3);
    c.run(); // Join, Welcome: node 3 becomes a member again
    expect(c.node(3).roleNames()).toEqual(['Requester', 'Acceptor', 'Replica', 'Leader']);
    for (const [name, cls] of expected) expect(roleOf(c, 3, name), `${name} after the restart`).toBeInstanceOf(cls);
  });
});

describe('the adoption mark of the leader mutants', () => {
  /** Node 1 executed slot 1 and proposed slot 2, which is not decided: executed below 2, proposed below 3. */
  function executedBelow(leader: RoleFactories['Leader']): number {
    const c = new Cluster([1, 2, 3], { roles: { Leader: leader } });
    c.invoke(1, 1, '4');
    c.run();
    c.drop = () => true;
    c.invoke(1, 2, '5');
    c.run();
    return (roleOf(c, 1, 'Leader') as unknown as { executedBelow(): number }).executedBelow();
  }

  it('differs between the real leader, RedriveExecutedLeader and SlotInMarkLeader', () => {
    // The real one: its replica's next slot to execute; RedriveExecuted: 1; SlotInMark: its replica's next proposal slot.
    expect(executedBelow(Leader)).toBe(2);
    expect(executedBelow(RedriveExecutedLeader)).toBe(1);
    expect(executedBelow(SlotInMarkLeader)).toBe(3);
  });
});
