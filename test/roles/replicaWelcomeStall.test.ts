/**
 * Pins that a Welcome that moves a checkpointing replica's execution ahead ends its stall:
 * the CatchUps it sent before the Welcome do not count towards the next stall's rejoin. A
 * replica stuck at a gap asks peers, gets Welcomed (CatchUp below a peer's snapshot is
 * answered with a Welcome), then hits a new gap: it must ask every peer REJOIN_AFTER_ROUNDS
 * times again before giving up and rejoining (a NodeRestart that throws away the state the
 * Welcome just installed).
 */
import { describe, expect, it } from 'vitest';
import type { Welcome } from '../../src/protocol/messages.js';
import { Replica, REPLICA_GAP_TIMER, REJOIN_AFTER_ROUNDS } from '../../src/roles/replica.js';
import { kv } from '../../src/statemachines/kv.js';
import { toNodeStateMachine } from '../../src/statemachines/codec.js';
import { FakeHost, prop } from './fake-host.js';

const sm = toNodeStateMachine(kv);
const set = (caller: number, clientId: number) => prop(caller, clientId, JSON.stringify({ op: 'set', key: 'k', value: `${caller}.${clientId}` }));
const decision = (slot: number, p: ReturnType<typeof prop>) => ({ type: 'Decision' as const, slot, prop: p });

function replicaOn(self: number) {
  const host = new FakeHost({ self, peers: [1, 2, 3], stateMachine: sm, checkpointEvery: 100 });
  const replica = new Replica(host);
  host.addRole(replica);
  host.clear();
  return { host, replica };
}

describe('Replica stall accounting across a Welcome', () => {
  it('starts counting CatchUps afresh after a Welcome moved it ahead', () => {
    // A peer that executed slots 1..4 welcomes node 2.
    const sender = replicaOn(1);
    for (let slot = 1; slot <= 4; slot++) sender.replica.receive(1, decision(slot, set(3, slot)));
    sender.replica.receive(2, { type: 'Join', node: 2 });
    const welcome = sender.host.sends('Welcome')[0]!.message as Welcome;
    expect(welcome.slot).toBe(5);

    const { host, replica } = replicaOn(2);
    const tick = () => replica.onTimer(REPLICA_GAP_TIMER);
    const rejoined = () => host.journal.some((e) => e.kind === 'rejoin');
    // First stall: slot 3 decided, slots 1 and 2 missing; three CatchUps go unanswered.
    replica.receive(1, decision(3, set(3, 3)));
    for (let i = 0; i < 3; i++) tick();
    expect(host.sends('CatchUp')).toHaveLength(3);

    // The Welcome moves it to slot 5: that stall is over.
    replica.receive(1, welcome);
    expect(replica.nextSlotToExecute).toBe(5);

    // A new gap: slot 7 decided, 5 and 6 missing.
    replica.receive(1, decision(7, set(3, 7)));
    host.clear();
    const rounds = REJOIN_AFTER_ROUNDS * 2; // two other peers
    for (let i = 0; i < rounds; i++) tick();
    expect(rejoined()).toBe(false);
    expect(host.sends('CatchUp')).toHaveLength(rounds);
    tick();
    expect(rejoined()).toBe(true);
  });
});
