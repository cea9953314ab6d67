import { describe, expect, it } from 'vitest';
import { Bootstrap, BOOTSTRAP_JOIN_TIMER } from '../../src/roles/bootstrap.js';
import { Seed, SEED_LINGER_TIMER } from '../../src/roles/seed.js';
import { FakeHost, prop, specOf } from './fake-host.js';
import { stateDigest } from '../../src/statemachines/digest.js';

describe('Bootstrap', () => {
  it('starts as a NodeRestart: sends Join to every other node and retransmits it', () => {
    const host = new FakeHost({ self: 2 });

    host.addRole(new Bootstrap(host));
    const bootstrap = host.roles[0]!;
    bootstrap.onTimer(BOOTSTRAP_JOIN_TIMER, undefined);

    expect(host.actions()).toEqual(['NodeRestart']);
    expect(host.sends('Join')).toEqual([1, 3, 1, 3].map((to) => ({ to, message: { type: 'Join', node: 2 } })));
  });

  it('moves its leader to a ballot it never used, durably, before it sends Join', () => {
    const host = new FakeHost({ self: 2, durable: { lBallot: { num: 4, leader: 2 } } });

    host.addRole(new Bootstrap(host));

    expect(host.records()).toEqual([{ kind: 'leaderBallot', ballot: { num: 5, leader: 2 } }]);
    expect(host.kinds().slice(0, 3)).toEqual(['add', 'append', 'send']);
  });

  it('welcomed, becomes Acceptor + Replica + Leader and hands the Welcome to its replica', () => {
    const host = new FakeHost({ self: 2 });
    const bootstrap = new Bootstrap(host);
    host.addRole(bootstrap);
    host.clear();

    bootstrap.receive(3, {
      type: 'Welcome', node: 2, slot: 2, decisions: [{ slot: 1, prop: prop(3, 1, '5') }],
      executed: [prop(3, 1, '5')], state: { app: 5, outputs: [5] },
    });

    expect(host.roles.map((r) => r.name)).toEqual(['Acceptor', 'Replica', 'Leader']);
    expect(host.actions()).toEqual(['ReplicaReceiveWelcome']);
    expect(specOf(host.rolesNamed('Replica')[0]!)).toMatchObject({ rSlotOut: 2, rExecuted: [prop(3, 1, '5')] });
  });

  it('welcomes other joiners as a fresh replica only after waiting in vain for a while', () => {
    const host = new FakeHost({ self: 2, timing: { joinsBeforeWelcomingPeers: 2 } });
    const bootstrap = new Bootstrap(host);
    host.addRole(bootstrap);
    bootstrap.onTimer(BOOTSTRAP_JOIN_TIMER, undefined);
    host.clear();

    bootstrap.receive(3, { type: 'Join', node: 3 });
    expect(host.journal).toEqual([]);
    bootstrap.onTimer(BOOTSTRAP_JOIN_TIMER, undefined);
    host.clear();
    bootstrap.receive(3, { type: 'Join', node: 3 });

    expect(host.actions()).toEqual(['ReplicaReceiveJoin']);
    expect(host.sends()).toEqual([{ to: 3, message: { type: 'Welcome', node: 3, slot: 1, decisions: [], executed: [], executedLength: 0, state: { app: 0, outputs: [] } } }]);
  });

  it('ignores a Welcome for another node', () => {
    const host = new FakeHost({ self: 2 });
    const bootstrap = new Bootstrap(host);
    host.addRole(bootstrap);
    host.clear();

    bootstrap.receive(3, { type: 'Welcome', node: 1, slot: 1, decisions: [], executed: [], state: { app: 0, outputs: [] } });

    expect(host.journal).toEqual([]);
  });
});

describe('Seed', () => {
  const join = (node: number) => ({ type: 'Join' as const, node });

  it('waits until a majority (itself included) asked to Join, then welcomes them all', () => {
    const host = new FakeHost({ self: 1, peers: [1, 2, 3, 4, 5] });
    const seed = new Seed(host);
    host.addRole(seed);

    seed.receive(2, join(2));
    expect(host.sends()).toEqual([]);
    seed.receive(4, join(4));

    const welcome = (node: number) => ({ type: 'Welcome', node, slot: 1, decisions: [], executed: [], executedLength: 0, state: { app: 0, outputs: [] } });
    expect(host.sends()).toEqual([{ to: 2, message: welcome(2) }, { to: 4, message: welcome(4) }]);
    expect(host.actions()).toEqual(['ReplicaReceiveJoin', 'ReplicaReceiveJoin']);
    expect(host.journal.filter((e) => e.kind === 'action').map((e) => e.kind === 'action' && e.params)).toEqual([
      { from: 2, message: join(2), digest: stateDigest(0) }, { from: 4, message: join(4), digest: stateDigest(0) },
    ]);
    expect(host.timers()).toEqual([{ name: SEED_LINGER_TIMER, key: undefined }]);
  });

  it('welcomes late and repeated joiners, then becomes a Bootstrap itself', () => {
    const host = new FakeHost({ self: 1 });
    const seed = new Seed(host);
    host.addRole(seed);
    seed.receive(2, join(2));
    host.clear();

    seed.receive(3, join(3));
    seed.receive(2, join(2));
    expect(host.sends().map((s) => s.to)).toEqual([3, 2]);

    seed.onTimer(SEED_LINGER_TIMER, undefined);
    expect(host.roles.map((r) => r.name)).toEqual(['Bootstrap']);
    expect(host.sends('Join')).toEqual([2, 3].map((to) => ({ to, message: { type: 'Join', node: 1 } })));
  });
});
