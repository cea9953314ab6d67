/**
 * Pins when a checkpointing replica gives up on CatchUp and rejoins: only after asking every
 * peer REJOIN_AFTER_ROUNDS times in ONE stall. The count of CatchUps must start again once
 * execution moves on, whatever ended the stall (a Decision for its own proposal, not only a
 * filled gap). A count carried over from an earlier, resolved stall makes a healthy replica
 * throw its state away and rejoin (a NodeRestart, its pending work re-sent) after one CatchUp.
 * The seeded runs rarely stall twice with checkpoints on, so nothing else notices.
 */
import { describe, expect, it } from 'vitest';
import { Replica, REPLICA_GAP_TIMER, REJOIN_AFTER_ROUNDS } from '../../src/roles/replica.js';
import { kv } from '../../src/statemachines/kv.js';
import { toNodeStateMachine } from '../../src/statemachines/codec.js';
import { FakeHost, prop } from './fake-host.js';

const sm = toNodeStateMachine(kv);
const set = (clientId: number) => prop(2, clientId, JSON.stringify({ op: 'set', key: 'k', value: String(clientId) }));

describe('Replica stall accounting', () => {
  it('counts CatchUps per stall: a stall ended by its own Decision does not shorten the next one', () => {
    const host = new FakeHost({ self: 2, peers: [1, 2, 3], stateMachine: sm, checkpointEvery: 100 });
    const replica = new Replica(host);
    host.addRole(replica);
    const tick = () => replica.onTimer(REPLICA_GAP_TIMER);
    const catchUps = () => host.sends('CatchUp').length;
    const rejoined = () => host.journal.some((e) => e.kind === 'rejoin');

    // First stall: its proposal for slot 1 goes unanswered for three ticks.
    replica.receive(2, { type: 'Invoke', replica: 2, prop: set(1) });
    for (let i = 0; i < 3; i++) tick();
    expect(catchUps()).toBe(3);
    expect(rejoined()).toBe(false);

    // The stall ends: slot 1 is decided (no gap was involved), and a new request is proposed.
    replica.receive(1, { type: 'Decision', slot: 1, prop: set(1) });
    expect(replica.nextSlotToExecute).toBe(2);
    replica.receive(2, { type: 'Invoke', replica: 2, prop: set(2) });
    tick(); // execution moved since the last tick: not a stall
    host.clear();

    // Second stall: it must ask every other peer REJOIN_AFTER_ROUNDS times before rejoining.
    const others = 2;
    for (let i = 0; i < REJOIN_AFTER_ROUNDS * others && !rejoined(); i++) tick();
    expect(rejoined()).toBe(false);
    expect(catchUps()).toBe(REJOIN_AFTER_ROUNDS * others);
    tick();
    expect(rejoined()).toBe(true);
  });
});
