/**
 * The weaknesses of the original design that this implementation fixes, each shown by a
 * mutant that reintroduces it and a scenario that catches the mutant (and passes without it).
 */
import { describe, expect, it } from 'vitest';
import { InvariantViolation } from '../../src/protocol/assert.js';
import type { Adopted, Promise } from '../../src/protocol/messages.js';
import { ballotEquals } from '../../src/protocol/values.js';
import { Leader } from '../../src/roles/leader.js';
import { Scout } from '../../src/roles/scout.js';
import type { RoleFactories } from '../../src/node/role-factories.js';
import { Cluster } from './harness.js';

/** Mutant ScoutIgnoresAccepted: adopts without the pvalues the acceptors reported. */
class IgnorantScout extends Scout {
  override receivePromise(m: Promise): void {
    super.receivePromise({ ...m, accepted: [] });
  }
}

/** Mutant NoRedrive: a newly adopted leader drives only proposals that arrive later. */
class ForgetfulLeader extends Leader {
  override receiveAdopted(m: Adopted): void {
    if (!ballotEquals(m.ballot, this.currentBallot) || this.isActive) return;
    this.active = true;
    this.host.action('Leader', 'LeaderReceiveAdopted');
  }
}

/**
 * Leader 1 gets p accepted by acceptors 1 and 2 for slot 1, but hears no Accepted back and
 * crashes; replica 2 then moves to leader 2, which must finish slot 1 with p.
 */
function leaderDiesMidSlot(roles: Partial<RoleFactories>) {
  const c = new Cluster([1, 2, 3], { roles });
  c.drop = (e) => (e.message.type === 'Accept' && e.to === 3) || (e.message.type === 'Accepted' && e.to === 1);
  c.invoke(2, 1, '5');
  c.run();
  c.crash(1);
  c.drop = () => false;
  return c;
}

describe('fixed weaknesses, each caught as a mutant', () => {
  it('a new leader re-drives every adopted slot: the NoRedrive mutant never finishes slot 1', () => {
    const real = leaderDiesMidSlot({});
    for (let i = 0; i < 12 && real.resultsOf(2).length === 0; i++) real.tick();
    expect(real.resultsOf(2)).toEqual([{ clientId: 1, output: 5 }]);

    const mutant = leaderDiesMidSlot({ Leader: ForgetfulLeader });
    for (let i = 0; i < 12; i++) mutant.tick();
    expect(mutant.resultsOf(2)).toEqual([]);
    expect(mutant.node(2).specState()).toMatchObject({ lActive: true, lProposals: [{ slot: 1 }], commanders: [] });
  });

  it('a new leader adopts what acceptors accepted: the ScoutIgnoresAccepted mutant decides twice', () => {
    const run = (roles: Partial<RoleFactories>) => {
      const c = new Cluster([1, 2, 3], { roles });
      c.drop = (e) => e.message.type === 'Decision' && e.to === 3; // replica 3 never learns slot 1
      c.invoke(1, 1, '5');
      c.run();
      c.crash(1);
      c.invoke(3, 1, '7'); // replica 3 proposes for slot 1, which it thinks is free
      for (let i = 0; i < 12; i++) c.tick();
      return c;
    };

    const real = run({});
    expect(real.node(2).specState().rExecuted.map((p) => p.input)).toEqual(['5', '7']);

    expect(() => run({ Scout: IgnorantScout })).toThrow(InvariantViolation);
  });
});
