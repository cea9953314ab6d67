/**
 * A leader cut off from the others keeps sending Active with the ballot it led before it was
 * preempted; once its links heal, replicas hear it beside the leader that preempted it. A
 * replica follows the highest ballot it heard leading: the stale leader's heartbeat must not
 * take its proposals back to a leader whose commanders every acceptor refuses (and whose
 * scouting would only preempt the live leader in turn).
 */
import { describe, expect, it } from 'vitest';
import { Replica, REPLICA_GAP_TIMER } from '../../src/roles/replica.js';
import { FakeHost, prop } from './fake-host.js';

describe('Replica: the leader it follows', () => {
  it('does not go back to a leader whose Active carries a lower ballot than the one it follows', () => {
    const host = new FakeHost({ self: 2 });
    const replica = new Replica(host);
    host.addRole(replica);
    replica.receive(2, { type: 'Invoke', replica: 2, prop: prop(2, 1) });
    replica.receive(3, { type: 'Active', ballot: { num: 2, leader: 3 } });
    expect(host.sends('Propose').at(-1)).toEqual({ to: 3, message: { type: 'Propose', slot: 1, prop: prop(2, 1) } });
    host.clear();

    replica.receive(1, { type: 'Active', ballot: { num: 1, leader: 1 } }); // the stale leader heals

    expect(host.sends('Propose')).toEqual([]);
    replica.onTimer(REPLICA_GAP_TIMER, undefined); // stuck: it resends its proposal, to leader 3
    expect(host.sends('Propose').map((s) => s.to)).toEqual([3]);

    host.clear();
    replica.receive(1, { type: 'Active', ballot: { num: 3, leader: 1 } }); // leader 1 leads again, higher
    expect(host.sends('Propose')).toEqual([{ to: 1, message: { type: 'Propose', slot: 1, prop: prop(2, 1) } }]);
  });
});
